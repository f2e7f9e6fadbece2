"""API of the vendor checklist: its items, a new checklist (the MHLW rules on いいえ), the history as a page, the
detail, the Excel and PDF files (audited as on the page); roles, other kinds and other providers."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from sonae.core.models import AuditEvent
from sonae.core.services import api_token_create
from sonae.selfcheck import services
from sonae.selfcheck.models import VendorChecklist
from sonae.selfcheck.rules.vendor_checklist import ITEMS
from tests.selfcheck.conftest import checklist_answers

pytestmark = pytest.mark.django_db

PATH = "/api/v1/selfcheck/vendor-checklists"
TODAY = date(2026, 8, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-08-20 10:00 +09:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def headers(admin_actor):
    def make(role: str = "staff") -> dict:
        _, secret = api_token_create(actor=admin_actor, name=f"連携 {role}", role=role)
        return {"Authorization": f"Bearer {secret}"}

    return make


def _post(client, body, headers):
    return client.post(PATH, body, content_type="application/json", headers=headers)


def test_the_items_follow_the_three_sections(client, headers):
    body = client.get("/api/v1/selfcheck/vendor-checklist/items", headers=headers()).json()
    assert [s["code"] for s in body["sections"]] == ["governance", "operations", "preparedness"]
    assert len(body["items"]) == len(ITEMS) and body["answers"] == {"yes": "はい", "no": "いいえ"}


def test_a_checklist_with_a_dated_no_is_recorded(client, headers):
    answers = checklist_answers(cyber_bcp="2027-03-31")
    answers["cyber_bcp"]["note"] = "作成中"
    response = _post(client, {"checked_on": "2026-08-01", "answers": answers}, headers())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["yes"], body["no"], body["complete"], body["open_count"]) == (len(ITEMS) - 1, 1, False, 1)
    item = next(i for i in body["items"] if i["code"] == "cyber_bcp")
    assert (item["answer_label"], item["target_date"], item["note"]) == ("いいえ", "2027-03-31", "作成中")
    assert AuditEvent.objects.filter(action="selfcheck.vendor_checklist.submitted").count() == 1


@pytest.mark.parametrize(
    ("checked_on", "answers", "field"),
    [
        ("2026-08-01", checklist_answers(cyber_bcp=None), "cyber_bcp"),  # いいえ without a target date
        ("2026-08-01", checklist_answers(cyber_bcp="2027-04-01"), "cyber_bcp"),  # beyond the fiscal year
        ("2026-08-01", checklist_answers(cyber_bcp="2026-07-31"), "cyber_bcp"),  # before the date checked
        ("2026-08-21", checklist_answers(), "checked_on"),  # a future date
        (
            "2026-08-01",
            {k: v for k, v in checklist_answers().items() if k != "backup_restore"},
            "backup_restore",
        ),
    ],
)
def test_a_rule_breach_is_a_400_naming_the_item(client, headers, checked_on, answers, field):
    response = _post(client, {"checked_on": checked_on, "answers": answers}, headers())
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert response.json()["field"] == field and response.json()["message"]
    assert not VendorChecklist.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"checked_on": "2026-08-01", "answers": {**checklist_answers(), "no_such_item": {"answer": "yes"}}},
        {"checked_on": "2026-08-01", "answers": {"cyber_bcp": {"answer": "maybe"}}},
        {"checked_on": "yesterday", "answers": checklist_answers()},
    ],
)
def test_a_malformed_body_is_a_422(client, headers, body):
    response = _post(client, body, headers())
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_viewers_and_other_kinds_cannot_record(client, headers, hospital_actor):
    body = {"checked_on": "2026-08-01", "answers": checklist_answers()}
    assert _post(client, body, headers("viewer")).status_code == 403
    _, secret = api_token_create(actor=hospital_actor, name="病院")
    hospital = {"Authorization": f"Bearer {secret}"}
    assert _post(client, body, hospital).status_code == 403
    assert client.get(PATH, headers=hospital).status_code == 403
    assert not VendorChecklist.objects.exists()


def test_the_history_is_paged_filtered_and_exported(client, headers, actor, _today):
    for day in (1, 2, 3):
        services.vendor_checklist_submit(
            actor=actor, checked_on=date(2026, 8, day), answers=checklist_answers()
        )
    _today.shift(timedelta(days=1))
    latest = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 4), answers=checklist_answers(cyber_bcp="2026-08-10")
    )
    staff = headers()
    page = client.get(PATH, {"limit": 3}, headers=staff).json()
    assert (page["count"], page["next_offset"]) == (4, 3)
    assert page["items"][0]["id"] == latest.pk and page["items"][0]["overdue_count"] == 1
    since = client.get(PATH, {"updated_since": "2026-08-21T00:00:00+09:00"}, headers=staff).json()
    assert [c["id"] for c in since["items"]] == [latest.pk]
    rows = list(
        csv.reader(
            io.StringIO(client.get(PATH, {"format": "csv"}, headers=staff).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 5 and rows[0][1] == "確認日"


def test_another_providers_checklist_is_404(client, headers, other_actor):
    theirs = services.vendor_checklist_submit(
        actor=other_actor, checked_on=TODAY, answers=checklist_answers()
    )
    for suffix in ("", "/xlsx", "/pdf"):
        response = client.get(f"{PATH}/{theirs.pk}{suffix}", headers=headers())
        assert response.status_code == 404 and response.json()["code"] == "not_found", suffix
    assert not AuditEvent.objects.filter(action="selfcheck.vendor_checklist.exported").exists()


def test_the_excel_and_pdf_files_are_audited(client, headers, actor):
    checklist = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers(cyber_bcp="2027-03-31")
    )
    staff = headers("viewer")
    xlsx = client.get(f"{PATH}/{checklist.pk}/xlsx", headers=staff)
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value == actor.organisation.name
    pdf = client.get(f"{PATH}/{checklist.pk}/pdf", headers=staff)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    formats = list(
        AuditEvent.objects.filter(action="selfcheck.vendor_checklist.exported")
        .order_by("id")
        .values_list("data__format", flat=True)
    )
    assert formats == ["xlsx", "pdf"]
