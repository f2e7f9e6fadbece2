"""Look-ups with their audit events written behind (``core.audit_writer``, PostgreSQL): the same event as the
one-statement append, written within the interval, shown by the audit log page at once, and no answer when the
event cannot be written. On SQLite the event is appended by the look-up itself."""

from __future__ import annotations

import pytest
from django.db import connection

from sonae.core import audit_writer
from sonae.core.audit import verify_chain
from sonae.core.models import AuditEvent
from sonae.victims import selectors
from sonae.victims.services import lookup

WRITES_BEHIND = connection.vendor == "postgresql"


class _IdleThread:
    def is_alive(self) -> bool:
        return True


@pytest.fixture
def writer(monkeypatch, settings):
    """This process's writer, without its thread: the test decides when events are written."""
    settings.SONAE_AUDIT_WRITE_BEHIND_MS = 100
    w = audit_writer.WriteBehind()
    w._thread = _IdleThread()
    monkeypatch.setattr(audit_writer, "_writer", w)
    return w


def _lookup(world, incident, **query):
    actor = world.actor("provider")
    found_incident, case = selectors.case_get(actor, incident.reference)
    return lookup.victim_lookup(actor=actor, incident=found_incident, case=case, **query)


def _events():
    return list(AuditEvent.objects.filter(action="personal_data.lookup").order_by("id"))


def test_a_lookups_event_is_written_behind_with_what_it_read(world, incident, imported, writer, settings):
    imported()
    query = {"mode": "kana_birth", "kana": "スズカ ミキコ", "birth": "1970-03-02", "reason": "本人からの電話"}

    answers = _lookup(world, incident, **query)
    pending_after_answer = writer.pending()
    in_database_after_answer = len(_events())
    writer.flush()
    settings.SONAE_AUDIT_WRITE_BEHIND_MS = 0
    _lookup(world, incident, **query)  # the same look-up, its event appended by its own statement

    assert len(answers) == 1
    if WRITES_BEHIND:
        assert (pending_after_answer, in_database_after_answer) == (1, 0)
    else:
        assert (pending_after_answer, in_database_after_answer) == (0, 1)
    behind, inline = _events()
    fields = (
        "action",
        "actor_id",
        "actor_label",
        "organisation_id",
        "target_type",
        "target_id",
        "reason",
        "data",
    )
    assert [getattr(behind, f) for f in fields] == [getattr(inline, f) for f in fields]
    assert behind.target_id == str(answers[0].victim_id) and behind.data["found"] == 1
    assert verify_chain().ok


def test_a_lookup_is_refused_when_its_event_cannot_be_written(world, incident, imported, writer, monkeypatch):
    imported()
    monkeypatch.setattr(audit_writer, "write", _refuse)
    writer.add(_event_of_another_lookup(world), interval=0.1)
    writer.flush()  # refused: the writer is failing
    monkeypatch.setattr(audit_writer, "MAX_BEHIND_SECONDS", -1.0)

    if WRITES_BEHIND:
        with pytest.raises(audit_writer.AuditUnavailable):
            _lookup(world, incident, mode="patient_id", patient_id="P0001", reason="電話照会")
        assert writer.pending() == 1
    else:  # appended by the look-up itself, whatever the writer's state
        assert len(_lookup(world, incident, mode="patient_id", patient_id="P0001", reason="電話照会")) == 1
        assert len(_events()) == 1


def test_the_api_answers_503_when_events_cannot_be_written(
    world, incident, imported, writer, monkeypatch, client, token_for
):
    imported()
    bearer = token_for("provider")
    monkeypatch.setattr(audit_writer, "write", _refuse)
    writer.add(_event_of_another_lookup(world), interval=0.1)
    writer.flush()
    monkeypatch.setattr(audit_writer, "MAX_BEHIND_SECONDS", -1.0)

    response = client.post(
        f"/api/v1/victims/{incident.reference}/lookup",
        {"mode": "patient_id", "patient_id": "P0001", "reason": "電話照会"},
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer,
    )

    if WRITES_BEHIND:
        assert response.status_code == 503 and response.json()["code"] == "service_unavailable"
        assert "監査ログ" in response.json()["message"] and response["Retry-After"]
        assert "answers" not in response.json()
    else:
        assert response.status_code == 200


def test_the_lookup_page_answers_503_with_the_reason_when_events_cannot_be_written(
    world, incident, imported, writer, monkeypatch, client_for
):
    imported()
    monkeypatch.setattr(audit_writer, "write", _refuse)
    writer.add(_event_of_another_lookup(world), interval=0.1)
    writer.flush()
    monkeypatch.setattr(audit_writer, "MAX_BEHIND_SECONDS", -1.0)

    response = client_for("provider").post(
        f"/victims/{incident.reference}/lookup/",
        {"mode": "patient_id", "patient_id": "P0001", "reason": "電話照会"},
    )

    if WRITES_BEHIND:
        assert response.status_code == 503 and response["Retry-After"] == "5"
        assert "監査ログを記録できないため" in response.content.decode()
        assert response.context["answers"] is None
    else:
        assert response.status_code == 200 and len(response.context["answers"]) == 1


def test_the_audit_log_page_shows_events_still_pending(world, incident, imported, writer, client):
    imported()
    _lookup(world, incident, mode="patient_id", patient_id="P0002", reason="折り返し確認の電話")
    client.force_login(world.provider_admin.user)

    page = client.get("/settings/audit/")

    assert page.status_code == 200
    assert "折り返し確認の電話" in page.content.decode()
    assert writer.pending() == 0


def _event_of_another_lookup(world):
    from sonae.core.audit import access_event

    return access_event(
        actor=world.provider.user,
        organisation=world.provider.organisation,
        reason="前の照会",
        kind="lookup",
        data={"by": "patient_id"},
        found_ids=[],
        found_type="victims.victim",
        other_target=("incidents.incident", "0"),
    )


def _refuse(events, **kwargs):
    raise RuntimeError("database unavailable")
