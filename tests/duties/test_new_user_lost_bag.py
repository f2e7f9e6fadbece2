"""Issue 3's check "as a new user would": a provider records a lost bag with 30 patients' meal orders for a
hospital, sees in Japanese that notifying the hospital by the target date is what it must do, and gets the notice
as PDF and DOCX — through the pages only, as a browser would."""

from __future__ import annotations

import io
import re

import pytest

from tests.duties.conftest import jst

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_a_provider_records_a_lost_bag_and_gets_the_hospital_notice(world, client_for, clock):
    from docx import Document

    from sonae.incidents.models import Incident

    client = client_for("provider")
    clock.move_to(jst(2026, 3, 10, 19, 0))
    # 1. The report: a bag with 30 patients' meal orders (diet orders, wards) of the hospital was lost.
    report = client.post(
        "/incidents/report/",
        {
            "symptoms": ["lost_or_stolen"],
            "title": "食事箋の入ったかばんを紛失",
            "description": "配膳担当者が、患者30名分の食事箋（病棟・治療食）を入れたかばんを紛失した。",
            "discovered_at": "2026-03-10T18:00",
            "data_items": ["name", "ward", "diet_order"],
            "persons_estimate": "30",
            "data_owner": "entrusted",
            "entrusting_hospital": str(world.hospital.organisation.pk),
        },
    )
    assert report.status_code == 302, _text(report)[:2000]
    incident = Incident.objects.get(provider=world.provider.organisation)

    # 2. The 法的対応 tab: the facts are prefilled from the report; the provider confirms them.
    duties_url = f"/duties/incident/{incident.reference}/"
    page = client.get(duties_url)
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "", False)}
    # As the browser sends it: the datetime-local value the page wrote.
    data["discovered_at"] = re.search(r'name="discovered_at" value="([^"]*)"', page.content.decode())[1]
    assert data["discovered_at"] == "2026-03-10T18:00"
    assert data["role"] == "contractor" and data["cause"] == "loss" and data["persons"] == 30
    assert client.post(duties_url, data).status_code == 302

    # 3. What it must do, in Japanese: notify the hospital by the target date.
    text = _text(client.get(duties_url))
    assert "まず、みなと総合病院（委託元）へ2026年3月14日までに通知してください。" in text
    assert "委託元への通知：2026年3月14日までに" in text
    assert "この日までに通知すれば、個人情報保護委員会への報告と本人への通知は委託元が行います。" in text

    # 4. The notice to the hospital, prefilled, as PDF and as DOCX.
    draft_url = f"/duties/incident/{incident.reference}/drafts/entrusting_party_notice/"
    draft_page = client.get(draft_url)
    assert draft_page.status_code == 200
    fields = draft_page.context["form"]
    values = {name: fields.initial[name] for name in fields.fields}
    assert values["recipient"] == "みなと総合病院 御中"
    pdf = client.post(draft_url, {**values, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    docx = client.post(draft_url, {**values, "format": "docx"})
    document = Document(io.BytesIO(docx.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "みなと総合病院 御中" in paragraphs
    assert any("氏名、病棟・病室、食事箋・治療食" in p for p in paragraphs)
    assert any("30人" in p for p in paragraphs)

    # 5. Once the notice is given (recorded on the tab), the provider's own report is no longer due.
    clock.move_to(jst(2026, 3, 12, 11, 0))
    client.force_login(world.user("provider"))  # sessions last 8 hours
    client.post(
        f"/duties/incident/{incident.reference}/items/entrusting_party_notice/done/",
        {"entrusting_party_notice-done_at": "2026-03-12T10:00"},
    )
    text = _text(client.get(duties_url))
    assert "委託元への通知：2026年3月12日に通知済み（目安 2026年3月14日まで）" in text
    assert "個人情報保護委員会への報告：不要（委託元への通知により、委託元が報告します）" in text
    assert "（参考）委託元の確報：2026年4月10日（金）まで" in text
