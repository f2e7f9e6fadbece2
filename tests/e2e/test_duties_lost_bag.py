"""End-to-end (issue 3, "as a new user would"): a patient-meal provider records a lost bag with 30 patients' meal
orders for a hospital, sees in Japanese that notifying the hospital by the target date is what it must do, and
downloads the notice as PDF and DOCX — in headless Chromium against the live server."""

import io
from datetime import datetime, time, timedelta

import pytest

from sonae.core.demo.loader import DEMO_PASSWORD, load_demo
from sonae.jp.calendar import TOKYO

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, email, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def _plain(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_provider_records_a_lost_bag_and_downloads_the_hospital_notice(page, live_server):
    from docx import Document

    from sonae.incidents.models import Incident

    load_demo()
    base = live_server.url
    # Discovered yesterday evening (Tokyo): the notice target is the 5th day counting that day (R5).
    knowing = datetime.now(TOKYO).date() - timedelta(days=1)
    discovered = datetime.combine(knowing, time(18, 0), tzinfo=TOKYO)
    target = _plain(knowing + timedelta(days=4))

    _login(page, base, "staff@midori-food.example.jp", DEMO_PASSWORD)
    page.goto(f"{base}/incidents/report/")
    page.get_by_label("パソコン・スマートフォン・USBメモリ・書類・かばんを紛失した、または盗まれた").check()
    page.fill("input[name=title]", "食事箋の入ったかばんを紛失")
    page.fill("textarea[name=description]", "配膳担当者が、患者30名分の食事箋を入れたかばんを紛失した。")
    page.fill("input[name=discovered_at]", discovered.strftime("%Y-%m-%dT%H:%M"))
    for label in ("氏名", "病棟・病室", "食事箋・治療食"):
        page.get_by_label(label, exact=True).check()
    page.fill("input[name=persons_estimate]", "30")
    page.get_by_label("医療機関等から委託を受けて預かっている情報").check()
    page.select_option("select[name=entrusting_hospital]", label="みなと総合病院")
    page.get_by_role("button", name="報告する").click()
    page.wait_for_load_state("networkidle")
    incident = Incident.objects.filter(provider__code="midori-food", title="食事箋の入ったかばんを紛失").get()

    # The case page's 法的対応 tab: the facts come prefilled from the report.
    page.goto(f"{base}/incidents/{incident.reference}/")
    page.get_by_role("link", name="法的対応", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=persons]").input_value() == "30"
    page.get_by_role("button", name="判定する").click()
    page.wait_for_load_state("networkidle")

    checklist = page.locator("main").inner_text()
    assert f"まず、みなと総合病院（委託元）へ{target}までに通知してください。" in checklist
    assert f"委託元への通知：{target}までに" in checklist
    assert "本人への通知：速やかに" in checklist

    # The notice to the hospital: prefilled, editable, downloadable as PDF and DOCX.
    page.get_by_role("region", name="文案（PDF・Word）").get_by_role("link", name="委託元への通知").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=recipient]").input_value() == "みなと総合病院 御中"
    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="PDFでダウンロード").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"{incident.reference}-entrusting-party-notice.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with page.expect_download() as docx_download:
        page.get_by_role("button", name="Word（DOCX）でダウンロード").click()
    with open(docx_download.value.path(), "rb") as handle:
        paragraphs = [p.text for p in Document(io.BytesIO(handle.read())).paragraphs]
    assert "みなと総合病院 御中" in paragraphs
    assert any("氏名、病棟・病室、食事箋・治療食" in p for p in paragraphs)
