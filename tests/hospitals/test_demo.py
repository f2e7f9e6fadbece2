"""The issue's "new user" check at client level, on the demo data: the demo hospital sees its two contractors (one
with a complete checklist, one with an overdue item), receives the ransomware notice, acknowledges it, and sees its
own due dates and a prefilled report draft."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sonae.core.demo.loader import load_demo
from sonae.core.models import User
from sonae.hospitals.models import CaseMessage, ContractorLink
from sonae.incidents.models import HospitalNotice
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_demo_hospital_sees_its_two_contractors_with_their_checklists(demo):
    page = _text(_client("staff@minato-hospital.example.jp").get("/hospitals/contractors/"))
    assert "株式会社さくら臨床検査" in page and "あおば患者搬送株式会社" in page
    assert "みどりフードサービス株式会社" not in page  # notified the hospital once, but never linked to it
    sakura = re.search(r'<tr data-provider="sakura-lab">(.*?)</tr>', page).group(1)
    aoba = re.search(r'<tr data-provider="aoba-transport">(.*?)</tr>', page).group(1)
    assert "すべて「はい」" in sakura and "期限超過" not in sakura
    assert "期限超過 2件" in aoba


def test_demo_hospital_acknowledges_the_ransomware_notice_and_sees_its_own_due_dates(demo):
    client = _client("staff@minato-hospital.example.jp")
    notice = HospitalNotice.objects.get(incident__reference="INC-DEMO-0001", hospital__code="minato-hospital")
    inbox = _text(client.get("/hospitals/notices/"))
    row = re.search(r'<tr data-notice="INC-DEMO-0001">(.*?)</tr>', inbox).group(1)
    assert "未確認" in row and "2026年10月10日" in row

    response = client.post(f"/hospitals/notices/{notice.pk}/acknowledge/", follow=True)
    page = _text(response)
    assert "受領を確認しました" in page
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    # Notice received 2026-10-06 (the demo is loaded on that day): R7 counts from it; ransomware → 60 days.
    assert "2026年10月6日" in page
    assert "2026年10月10日" in page  # preliminary target (+4 days)
    assert "2026年12月4日" in page  # final due (day 1 = 10-06, 60 days)
    assert "必要（速やかに。貴院が行います）" in page


def test_demo_hospital_sees_a_prefilled_ppc_report_draft(demo):
    client = _client("staff@minato-hospital.example.jp")
    notice = HospitalNotice.objects.get(incident__reference="INC-DEMO-0001", hospital__code="minato-hospital")
    page = _text(client.get(f"/hospitals/notices/{notice.pk}/drafts/ppc/"))
    assert "みなと総合病院" in page and "株式会社さくら臨床検査" in page
    assert "検査結果" in page and "約5,000人" in page
    assert "衛生検査所業務" in page
    pdf = client.get(f"/hospitals/notices/{notice.pk}/drafts/ppc/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "みなと総合病院" in text and "速報" in text


def test_demo_is_idempotent(demo):
    links, messages = ContractorLink.objects.count(), CaseMessage.objects.count()
    load_demo()
    assert (ContractorLink.objects.count(), CaseMessage.objects.count()) == (links, messages) == (3, 2)
