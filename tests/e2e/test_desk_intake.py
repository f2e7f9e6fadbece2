"""End-to-end: a desk operator takes a phone call for a provider through the real pages in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from sonae.core.demo.loader import DEMO_PASSWORD, current_totp_code, load_demo
from sonae.incidents.models import Incident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK = "staff@cyber-desk.example.jp"


def _login_desk(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", DESK)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate"))
    page.fill("input[name=code]", current_totp_code(DESK))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard"))


def test_desk_operator_records_a_phone_call_and_sees_it_in_the_queue(page, live_server):
    load_demo()
    _login_desk(page, live_server.url)

    page.get_by_role("link", name="電話受付", exact=True).first.click()
    page.wait_for_url(re.compile(r"/incidents/intake/"))
    page.get_by_label("通報者の氏名").fill("山田 花子")
    page.get_by_label("折り返し電話番号").fill("090-1111-2222")

    # Find the provider by kana (typed in hiragana); htmx fills the results as radio buttons.
    page.get_by_label(re.compile("事業者を検索")).fill("さくら")
    provider = page.get_by_label(re.compile("株式会社さくら臨床検査"))
    provider.wait_for()
    provider.check()

    page.get_by_label(re.compile("身代金を要求する画面")).check()
    page.get_by_label("検査結果", exact=True).check()
    page.get_by_label("氏名", exact=True).check()
    page.get_by_label("対象人数（おおよそ）").fill("1200")
    page.get_by_label(re.compile("医療機関等から委託を受けて")).check()
    page.get_by_label("委託元の医療機関").select_option(label="みなと総合病院")
    page.get_by_role("button", name="受付を登録する").click()

    page.wait_for_url(re.compile(r"/incidents/INC-\d{4}-\d{6}/$"))
    incident = Incident.objects.exclude(reference__startswith="INC-DEMO").get()
    assert incident.channel == "phone"
    assert incident.caller_name == "山田 花子" and incident.caller_phone == "09011112222"
    assert incident.provider.code == "sakura-lab" and incident.entrusting_hospital.code == "minato-hospital"
    body = page.locator("main").inner_text()
    assert incident.reference in body
    assert "山田 花子" in body and "090-1111-2222" in body
    assert "身代金は支払わず" in body
    assert "初動連絡期限" in body

    page.get_by_role("link", name="タスク", exact=True).first.click()
    page.wait_for_url(re.compile(r"/tasks/$"))
    expect(page.get_by_text("フォレンジック調査の手配と原因調査").first).to_be_visible()
    page.get_by_role("link", name="タイムライン", exact=True).first.click()
    page.wait_for_url(re.compile(r"/timeline/$"))
    expect(page.get_by_text("電話（デスク受付）で受付しました").first).to_be_visible()

    page.get_by_role("link", name="受付キュー", exact=True).first.click()
    page.wait_for_url(re.compile(r"/incidents/queue/$"))
    row = page.locator(f"tr[data-reference='{incident.reference}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("株式会社さくら臨床検査")
