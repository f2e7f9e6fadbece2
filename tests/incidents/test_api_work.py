"""Incident API for the work on a case: tasks, notes, calls, status, evidence metadata — scoped as the pages,
paginated, filterable by ``updated_since`` and exportable."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from sonae.core.models import AuditEvent
from sonae.incidents.models import Evidence, Task, TimelineEvent
from tests.incidents.conftest import jst

T0 = jst(2026, 4, 1, 10, 0)


def _api(client, token, method, path, body=None, **extra):
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return getattr(client, method)(f"/api/v1{path}", headers=headers, **extra)
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json", headers=headers)


@pytest.fixture
def token_for(token_for):
    """The shared fixture, once per organisation and role (a token's secret is unique)."""
    made = {}

    def get(name: str, role: str = "staff") -> str:
        if (name, role) not in made:
            made[name, role] = token_for(name, role=role)
        return made[name, role]

    return get


@pytest.fixture
def case(world, report):
    with time_machine.travel(T0, tick=False):
        return report()


# --- tasks ---------------------------------------------------------------------------------------------------------


def test_provider_adds_and_updates_a_task_over_the_api(world, case, token_for, client):
    token = token_for("provider")
    created = _api(
        client,
        token,
        "post",
        f"/incidents/{case.reference}/tasks",
        {"title": "バックアップの確認", "due_date": "2026-04-10", "phase": "recovery"},
    )
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    assert created.json()["phase_label"] == "データ復旧" and created.json()["status"] == "open"
    patched = _api(client, token, "patch", f"/incidents/{case.reference}/tasks/{task_id}", {"status": "done"})
    assert patched.status_code == 200 and patched.json()["status"] == "done"
    assert patched.json()["completed_at"] is not None and patched.json()["due_date"] == "2026-04-10"
    cleared = _api(client, token, "patch", f"/incidents/{case.reference}/tasks/{task_id}", {"due_date": None})
    assert cleared.json()["due_date"] is None
    assert _api(client, token, "get", f"/incidents/{case.reference}/tasks/{task_id}").json()["title"] == (
        "バックアップの確認"
    )
    assert case.timeline.filter(kind="task", text__contains="バックアップの確認").count() >= 2


def test_viewer_tokens_and_summary_readers_cannot_change_tasks(world, case, token_for, client):
    task = case.tasks.first()
    body = {"status": "done"}
    for token, status in ((token_for("provider", role="viewer"), 403), (token_for("insurer"), 403)):
        response = _api(client, token, "patch", f"/incidents/{case.reference}/tasks/{task.pk}", body)
        assert response.status_code == status, response.content
    task.refresh_from_db()
    assert task.status == "open"


def test_another_providers_case_and_tasks_are_404(world, case, report, token_for, client):
    with time_machine.travel(T0, tick=False):
        other = report(actor=world.actor("provider_b"), provider=world.provider_b.organisation)
    own_task, other_task = case.tasks.first(), other.tasks.first()
    token = token_for("provider")
    for method, path, body in (
        ("get", f"/incidents/{other.reference}/tasks/{other_task.pk}", None),
        ("get", f"/incidents/{case.reference}/tasks/{other_task.pk}", None),  # foreign id under the own case
        ("patch", f"/incidents/{other.reference}/tasks/{other_task.pk}", {"status": "done"}),
        ("patch", f"/incidents/{case.reference}/tasks/{other_task.pk}", {"status": "done"}),
        ("post", f"/incidents/{other.reference}/tasks", {"title": "x"}),
        ("post", f"/incidents/{other.reference}/timeline/notes", {"text": "x"}),
        (
            "post",
            f"/incidents/{other.reference}/timeline/calls",
            {"direction": "in", "counterpart": "x", "summary": "y"},
        ),
        ("post", f"/incidents/{other.reference}/transition", {"to_status": "withdrawn", "reason": "x"}),
        ("get", f"/incidents/{other.reference}/evidence", None),
    ):
        response = _api(client, token, method, path, body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json()["code"] == "not_found"
    other_task.refresh_from_db()
    assert other_task.status == "open" and own_task.pk != other_task.pk
    assert not other.timeline.filter(kind__in=["note", "call"]).exists()


def test_tasks_are_paginated_and_filtered_by_updated_since(world, case, token_for, client):
    token = token_for("provider")
    later = T0 + timedelta(days=2)
    task = case.tasks.order_by("sort_order", "id")[3]
    with time_machine.travel(later, tick=False):
        _api(
            client, token, "patch", f"/incidents/{case.reference}/tasks/{task.pk}", {"status": "in_progress"}
        )
    first = _api(client, token, "get", f"/incidents/{case.reference}/tasks?limit=5").json()
    assert first["count"] == 13 and len(first["items"]) == 5 and first["next_offset"] == 5
    last = _api(client, token, "get", f"/incidents/{case.reference}/tasks?limit=5&offset=10").json()
    assert len(last["items"]) == 3 and last["next_offset"] is None
    ids = (
        [t["id"] for t in first["items"]]
        + [
            t["id"]
            for t in _api(client, token, "get", f"/incidents/{case.reference}/tasks?limit=5&offset=5").json()[
                "items"
            ]
        ]
        + [t["id"] for t in last["items"]]
    )
    assert sorted(ids) == sorted(case.tasks.values_list("pk", flat=True))
    since = (T0 + timedelta(days=1)).isoformat()
    changed = client.get(
        f"/api/v1/incidents/{case.reference}/tasks",
        {"updated_since": since},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert [t["id"] for t in changed["items"]] == [task.pk] and changed["count"] == 1
    # A naive value is Japan time: 10:00 JST on the day of the change still includes it.
    naive = _api(client, token, "get", f"/incidents/{case.reference}/tasks?updated_since=2026-04-03T10:00:00")
    assert [t["id"] for t in naive.json()["items"]] == [task.pk]


# --- timeline, status ----------------------------------------------------------------------------------------------


def test_notes_and_calls_go_on_the_timeline(world, case, token_for, client):
    token = token_for("desk")
    note = _api(
        client,
        token,
        "post",
        f"/incidents/{case.reference}/timeline/notes",
        {"text": "ログを保全", "kind": "decision"},
    )
    assert note.status_code == 201 and note.json()["kind"] == "decision"
    call = _api(
        client,
        token,
        "post",
        f"/incidents/{case.reference}/timeline/calls",
        {"direction": "out", "counterpart": "事業者の担当者", "summary": "初動の確認"},
    )
    assert call.status_code == 201 and "初動の確認" in call.json()["text"]
    case.refresh_from_db()
    assert case.first_responded_at is not None  # a desk call is the first response
    timeline = _api(client, token, "get", f"/incidents/{case.reference}/timeline?limit=200").json()
    assert [e["kind"] for e in timeline["items"]][-2:] == ["decision", "call"]


def test_empty_note_is_refused_with_the_envelope(world, case, token_for, client):
    response = _api(
        client, token_for("provider"), "post", f"/incidents/{case.reference}/timeline/notes", {"text": ""}
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert not TimelineEvent.objects.filter(incident=case, kind="note").exists()


def test_provider_withdraws_its_report_and_the_desk_moves_cases(world, case, token_for, client):
    path = f"/incidents/{case.reference}/transition"
    refused = _api(client, token_for("provider"), "post", path, {"to_status": "closed"})
    assert refused.status_code == 403
    needs_reason = _api(client, token_for("provider"), "post", path, {"to_status": "withdrawn"})
    assert needs_reason.status_code == 400 and needs_reason.json()["field"] == "reason"
    done = _api(
        client, token_for("provider"), "post", path, {"to_status": "withdrawn", "reason": "誤報でした"}
    )
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    again = _api(client, token_for("desk"), "post", path, {"to_status": "triaged"})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


# --- evidence ------------------------------------------------------------------------------------------------------


def test_evidence_metadata_for_provider_and_desk_only(world, case, token_for, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    token = token_for("provider")
    upload = client.post(
        f"/api/v1/incidents/{case.reference}/evidence",
        {
            "file": SimpleUploadedFile("firewall.log", b"2026-04-01 blocked 203.0.113.5\n"),
            "description": "FWログ",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert upload.status_code == 201, upload.content
    item = upload.json()
    assert item["name"] == "firewall.log" and item["size"] == 31 and len(item["sha256"]) == 64
    listed = _api(client, token_for("desk"), "get", f"/incidents/{case.reference}/evidence").json()
    assert [e["id"] for e in listed["items"]] == [item["id"]]
    assert (
        _api(
            client, token_for("desk"), "get", f"/incidents/{case.reference}/evidence/{item['id']}"
        ).status_code
        == 200
    )
    for name in ("insurer", "agency", "provider_b"):
        assert (
            _api(client, token_for(name), "get", f"/incidents/{case.reference}/evidence").status_code == 404
        )
    assert (
        _api(
            client, token_for("provider", role="viewer"), "get", f"/incidents/{case.reference}/evidence"
        ).status_code
        == 404
    )
    assert Evidence.objects.filter(incident=case).count() == 1


# --- lists and exports ---------------------------------------------------------------------------------------------


def test_incident_list_envelope_and_updated_since(world, report, token_for, client):
    with time_machine.travel(T0, tick=False):
        old = report()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        new = report()
    token = token_for("provider")
    page = _api(client, token, "get", "/incidents?limit=1").json()
    assert page["count"] == 2 and page["limit"] == 1 and page["offset"] == 0 and page["next_offset"] == 1
    assert [i["reference"] for i in page["items"]] == [new.reference]
    since = _api(client, token, "get", "/incidents?updated_since=2026-04-02T00:00:00%2B09:00").json()
    assert [i["reference"] for i in since["items"]] == [new.reference] and old.reference != new.reference


def test_incident_list_as_csv_and_xlsx_with_neutralised_cells(world, report, token_for, client):
    with time_machine.travel(T0, tick=False):
        report(title="=cmd|' /C calc'!A0")
    token = token_for("provider")
    response = _api(client, token, "get", "/incidents?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["受付番号", "件名"] and rows[1][1] == "'=cmd|' /C calc'!A0"
    xlsx = _api(client, token, "get", "/incidents?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value == "'=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"
    exported = AuditEvent.objects.filter(action="export.list").order_by("id")
    assert [e.data["format"] for e in exported] == ["csv", "xlsx"]
    assert exported[0].data["rows"] == 1 and exported[0].organisation_id == world.provider.organisation.pk


def test_timeline_export_is_a_personal_data_export(world, case, token_for, client):
    response = _api(client, token_for("provider"), "get", f"/incidents/{case.reference}/timeline?format=xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.data["list"] == "タイムライン" and event.data["via"] == "token" and event.reason


def test_personal_data_export_from_a_session_needs_a_recent_sign_in(world, case, client_for, settings):
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    client = client_for("provider")  # force_login records no authentication time
    response = client.get(f"/api/v1/incidents/{case.reference}/timeline?format=csv")
    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not AuditEvent.objects.filter(action="personal_data.exported").exists()
    # The JSON list itself is not an export.
    assert client.get(f"/api/v1/incidents/{case.reference}/timeline").status_code == 200


def test_an_export_beyond_the_limit_is_refused(world, case, token_for, client, monkeypatch):
    monkeypatch.setattr("sonae.api.listing.EXPORT_MAX_ROWS", 5)
    response = _api(client, token_for("provider"), "get", f"/incidents/{case.reference}/tasks?format=csv")
    assert response.status_code == 400 and response.json()["code"] == "export_too_large"
    assert Task.objects.filter(incident=case).count() == 13
