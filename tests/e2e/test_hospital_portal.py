"""End-to-end: the demo hospital's staff use the hospital portal through the real pages in headless Chromium (issue
11, "as a new user would"): two contractors, one with a complete checklist and one with an overdue item; the notice
of the demo ransomware case, acknowledged; the hospital's own due dates; a prefilled report draft."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from sonae.core.demo.loader import DEMO_PASSWORD, load_demo
from sonae.incidents.models import HospitalNotice
from sonae.jp.calendar import ADMINISTRATIVE_CALENDAR, tokyo_date
from sonae.jp.wareki import format_date_ja

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSPITAL = "staff@minato-hospital.example.jp"


def _login(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", HOSPITAL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dashboard"))  # hospital users have no TOTP requirement


def _expected_dates(notice: HospitalNotice) -> tuple[str, str]:
    """The hospital's own dates, counted by the law's rules from the day it received the notice (R7): preliminary
    target = day + 4 (R3, never rolled); final = day + 59 for a ransomware case (60 days, day 1 = the day, R1),
    rolled past closed days (R2)."""
    knowing = tokyo_date(notice.sent_at)
    final = ADMINISTRATIVE_CALENDAR.roll_forward(knowing + timedelta(days=59))
    return format_date_ja(knowing + timedelta(days=4)), format_date_ja(final)


def test_demo_hospital_checks_contractors_acknowledges_the_notice_and_opens_its_report_draft(
    page, live_server
):
    load_demo()
    notice = HospitalNotice.objects.get(incident__reference="INC-DEMO-0001", hospital__code="minato-hospital")
    preliminary, final = _expected_dates(notice)
    _login(page, live_server.url)

    page.get_by_role("link", name="委託先", exact=True).first.click()
    page.wait_for_url(re.compile(r"/hospitals/contractors/$"))
    expect(page.locator("#contractors-table tbody tr")).to_have_count(2)
    expect(page.locator("tr[data-provider='sakura-lab']")).to_contain_text("すべて「はい」")
    aoba = page.locator("tr[data-provider='aoba-transport']")
    expect(aoba).to_contain_text("期限超過")
    aoba.get_by_role("link", name="あおば患者搬送株式会社").click()
    page.wait_for_url(re.compile(r"/hospitals/contractors/\d+/$"))
    expect(page.locator("tr.table-danger").first).to_contain_text("いいえ")

    page.get_by_role("link", name="通知", exact=True).first.click()
    page.wait_for_url(re.compile(r"/hospitals/notices/$"))
    row = page.locator("tr[data-notice='INC-DEMO-0001']")
    expect(row).to_contain_text("未確認")
    expect(row).to_contain_text(preliminary)
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/hospitals/notices/{notice.pk}/$"))

    page.get_by_role("button", name="受領を確認する").click()
    page.wait_for_url(re.compile(rf"/hospitals/notices/{notice.pk}/$"))
    expect(page.get_by_text("受領を確認しました").first).to_be_visible()
    expect(page.locator("#ack-state")).to_contain_text("受領を確認しました")
    duties = page.locator("#own-duties")
    expect(duties).to_contain_text(preliminary)
    expect(duties).to_contain_text(final)
    expect(duties).to_contain_text("必要")
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None

    page.get_by_role("link", name="個人情報保護委員会への報告（下書き）").first.click()
    page.wait_for_url(re.compile(r"/drafts/ppc/$"))
    draft = page.locator("#draft")
    expect(draft).to_contain_text("みなと総合病院")
    expect(draft).to_contain_text("株式会社さくら臨床検査")
    expect(draft).to_contain_text("約5,000人")
    expect(draft).to_contain_text("衛生検査所業務")
