"""Victims API, letters: the template, its PDF preview, letter runs, print files and mailing lists (a personal-data
export: reason, audit record, recent sign-in from a session) and the mailing date — the case's provider only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from sonae.core.models import AuditEvent
from sonae.victims.models import LetterRun, LetterRunStatus, LetterStatus, Victim, VictimCase
from sonae.victims.services import letters
from tests.victims.conftest import api_call


@pytest.fixture
def run(world, incident, imported):
    """A finished letter run over the three persons of GOOD_ROWS, in two print files (2 + 1)."""
    imported()
    started = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2026, 4, 1), batch_size=2
    )
    return letters.letter_run_execute(started.pk)


def _batch(incident, run, number=1, action="download"):
    return f"/victims/{incident.reference}/letter-runs/{run.pk}/batches/{number}/{action}"


# --- template and preview -------------------------------------------------------------------------------------------


def test_the_provider_reads_and_saves_the_letter_text(world, incident, bearer, client):
    auth, url = bearer("provider"), f"/victims/{incident.reference}/letters/template"
    current = api_call(client, auth, "get", url).json()
    assert (
        "{お問い合わせ番号}" in current["template"] and current["sender"] == world.provider.organisation.name
    )
    assert {"name": "氏名", "description": "宛名の氏名"} in current["placeholders"]

    body = {
        "template": "{氏名} 様\n\nこのたびはご迷惑をおかけし、誠に申し訳ございません。",
        "sender": "株式会社さくら臨床検査\n代表取締役 桜井 一郎",
        "call_centre_phone": "0120-123-456",
        "call_centre_hours": "毎日 9:00〜20:00",
    }
    saved = api_call(client, auth, "put", url, body)
    assert saved.status_code == 200 and saved.json()["template"] == body["template"]
    case = VictimCase.objects.get(incident=incident)
    assert (case.letter_sender, case.call_centre_phone) == (body["sender"], "0120-123-456")
    assert AuditEvent.objects.filter(action="victims.letter_template_updated").exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"template": "{氏名様} へ"}, "template", "使えない差し込み項目があります: {氏名様}"),
        ({"template": "あ" * 6001}, "template", "本文は6,000文字までにしてください。"),
        ({"call_centre_phone": "12345"}, "call_centre_phone", None),
    ],
)
def test_a_bad_letter_text_is_refused_with_its_field(world, incident, bearer, client, change, field, message):
    body = {"template": "{氏名} 様", **change}
    response = api_call(
        client, bearer("provider"), "put", f"/victims/{incident.reference}/letters/template", body
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and response.json()["field"] == field
    assert response.json()["message"] == message or (message is None and response.json()["message"])
    assert VictimCase.objects.get(incident=incident).letter_template != body["template"]


def test_the_preview_is_a_pdf_for_the_providers_staff(world, incident, bearer, client):
    url = f"/victims/{incident.reference}/letters/preview"
    response = api_call(client, bearer("provider"), "get", url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert api_call(client, bearer("provider", role="viewer"), "get", url).status_code == 403
    for name in ("provider_b", "desk", "insurer"):
        assert api_call(client, bearer(name), "get", url).status_code == 404, name


# --- letter runs ---------------------------------------------------------------------------------------------------


def test_a_letter_run_is_started_and_runs_as_a_task(
    world, incident, imported, bearer, client, django_capture_on_commit_callbacks
):
    imported()
    auth, url = bearer("provider"), f"/victims/{incident.reference}/letter-runs"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_call(client, auth, "post", url, {"letter_date": "2026-04-01", "batch_size": 2})
    assert response.status_code == 202, response.content
    started = response.json()
    assert started["status"] == "queued" and started["planned"] == 3 and started["batch_size"] == 2
    detail = api_call(client, auth, "get", f"{url}/{started['id']}").json()
    assert detail["status"] == "done" and [b["count"] for b in detail["batches"]] == [2, 1]
    # Nobody is left to write to.
    again = api_call(client, auth, "post", url, {"letter_date": "2026-04-02"})
    assert again.status_code == 400 and again.json()["code"] == "invalid_input"


def test_a_second_run_while_one_is_running_is_409(world, incident, imported, bearer, client):
    imported()
    LetterRun.objects.create(incident=incident, template="x", letter_date=date(2026, 4, 1), planned=3)
    response = api_call(
        client,
        bearer("provider"),
        "post",
        f"/victims/{incident.reference}/letter-runs",
        {"letter_date": "2026-04-01"},
    )
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert LetterRun.objects.filter(status=LetterRunStatus.QUEUED).count() == 1


def test_a_batch_size_out_of_range_is_422(world, incident, imported, bearer, client):
    imported()
    response = api_call(
        client,
        bearer("provider"),
        "post",
        f"/victims/{incident.reference}/letter-runs",
        {"letter_date": "2026-04-01", "batch_size": 0},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "batch_size"
    assert not LetterRun.objects.exists()


# --- print files and mailing lists ---------------------------------------------------------------------------------


def test_a_mailing_list_download_is_a_personal_data_export_with_its_reason(
    world, incident, run, bearer, client
):
    auth = bearer("provider")
    response = api_call(
        client, auth, "post", _batch(incident, run), {"kind": "csv", "reason": "印刷会社への入稿"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "バッチ" and len(rows) == 3 and rows[1][5] == "鈴鹿 未来子 様"
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.reason == "印刷会社への入稿" and event.organisation_id == world.provider.organisation.pk
    assert event.data["file"] == "csv" and event.data["letters"] == 2 and event.data["via"] == "token"
    assert event.data["token"] == auth.removeprefix("Bearer sonae_")[:8]

    pdf = api_call(client, auth, "post", _batch(incident, run, 2), {"kind": "pdf", "reason": "再印刷"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="personal_data.exported").count() == 2


def test_a_download_without_a_reason_or_of_an_unknown_batch_is_refused(world, incident, run, bearer, client):
    auth = bearer("provider")
    blank = api_call(client, auth, "post", _batch(incident, run), {"kind": "csv", "reason": ""})
    assert blank.status_code == 422 and blank.json()["code"] == "invalid_input"
    spaces = api_call(client, auth, "post", _batch(incident, run), {"kind": "csv", "reason": "   "})
    assert spaces.status_code == 400 and spaces.json()["field"] == "reason"
    unknown = api_call(client, auth, "post", _batch(incident, run, 9), {"kind": "csv", "reason": "入稿"})
    assert unknown.status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.exported").exists()


def test_a_download_from_a_session_needs_a_recent_sign_in(world, incident, run, client_for, settings):
    client = client_for("provider")  # force_login records no authentication time
    url = "/api/v1" + _batch(incident, run)
    body = {"kind": "csv", "reason": "入稿"}
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not AuditEvent.objects.filter(action="personal_data.exported").exists()
    settings.SONAE_REQUIRE_RECENT_AUTH = False
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and "鈴鹿" in response.content.decode("utf-8-sig")
    assert AuditEvent.objects.get(action="personal_data.exported").actor_id == world.user("provider").pk


def test_only_the_providers_staff_downloads_print_files(world, incident, incident_b, run, bearer, client):
    body = {"kind": "csv", "reason": "入稿"}
    viewer = api_call(client, bearer("provider", role="viewer"), "post", _batch(incident, run), body)
    assert viewer.status_code == 403 and viewer.json()["code"] == "permission_denied"
    for name in ("provider_b", "desk", "agency", "insurer"):
        response = api_call(client, bearer(name), "post", _batch(incident, run), body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", name
    mixed = f"/victims/{incident_b.reference}/letter-runs/{run.pk}/batches/1/download"
    assert api_call(client, bearer("provider_b"), "post", mixed, body).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.exported").exists()


def test_a_batch_is_marked_sent(world, incident, run, bearer, client):
    url = _batch(incident, run, 1, "sent")
    response = api_call(client, bearer("provider"), "post", url, {"sent_on": "2026-04-03"})
    assert response.status_code == 200 and response.json() == {
        "number": 1,
        "sent_on": "2026-04-03",
        "letters": 2,
    }
    assert (
        Victim.objects.filter(letter_status=LetterStatus.SENT, letter_sent_on=date(2026, 4, 3)).count() == 2
    )
    assert AuditEvent.objects.filter(action="victims.letters_sent").exists()
    viewer = api_call(client, bearer("provider", role="viewer"), "post", url, {"sent_on": "2026-04-03"})
    assert viewer.status_code == 403
    assert api_call(client, bearer("desk"), "post", url, {"sent_on": "2026-04-03"}).status_code == 404


def test_other_organisations_do_not_see_or_change_the_letter_text(world, incident, bearer, client):
    url = f"/victims/{incident.reference}/letters/template"
    for name in ("provider_b", "desk", "agency", "insurer", "hospital"):
        assert api_call(client, bearer(name), "get", url).status_code == 404, name
        assert api_call(client, bearer(name), "put", url, {"template": "{氏名} 様"}).status_code == 404, name
    viewer = bearer("provider", role="viewer")
    assert api_call(client, viewer, "get", url).status_code == 200
    response = api_call(client, viewer, "put", url, {"template": "{氏名} 様"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
