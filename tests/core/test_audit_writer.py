"""The audit write-behind (``sonae.core.audit_writer``): events written in order on their chain, kept when the
database refuses them, look-ups refused once the writer has been failing too long, the thread writing within its
interval."""

from __future__ import annotations

import time

import pytest

from sonae.core import audit_writer
from sonae.core.audit import AccessRecord, access_event, compute_hash, current_chain, verify_chain
from sonae.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _record(n: int, *, reason: str = "電話照会") -> AccessRecord:
    return access_event(
        actor=None,
        organisation=None,
        reason=reason,
        kind="lookup",
        data={"incident": "INC-2026-000001", "by": "patient_id"},
        found_ids=[n] if n else [],
        found_type="victims.victim",
        other_target=("incidents.incident", "1"),
    )


def test_access_event_records_what_the_one_statement_append_records():
    none, one, many = (
        _record(0),
        _record(7),
        access_event(
            actor=None,
            organisation=None,
            reason=" 照会 ",
            kind="lookup",
            data={"by": "kana_birth"},
            found_ids=list(range(30, 5, -1)),
            found_type="victims.victim",
            other_target=("incidents.incident", "1"),
        ),
    )

    assert (none.target_type, none.target_id, none.data["found"]) == ("incidents.incident", "1", 0)
    assert (one.target_type, one.target_id, one.data["found"]) == ("victims.victim", "7", 1)
    assert many.data == {"by": "kana_birth", "found": 25, "victims": list(range(6, 26))}
    assert many.reason == "照会" and many.action == "personal_data.lookup" and many.chain == current_chain()
    with pytest.raises(ValueError):
        _record(1, reason=" ")


def test_write_appends_the_events_in_order_on_their_chain():
    records = [_record(n) for n in (1, 2, 3)]
    records[1].reason = '本人 "山田" \\ 確認\n\t\x01'  # characters JSON escapes, through the JSON batch
    audit_writer.write([_record(9)])  # the chain already holds an event
    before = AuditChainHead.objects.get(id=current_chain() + 1).last_hash

    audit_writer.write(records)

    events = list(AuditEvent.objects.filter(action="personal_data.lookup").order_by("id"))
    events = events[1:]
    assert [e.target_id for e in events] == ["1", "2", "3"]
    assert events[1].reason == records[1].reason
    assert [e.at for e in events] == [r.at for r in records]
    assert events[0].prev_hash == before
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    head = AuditChainHead.objects.get(id=current_chain() + 1)
    assert (head.last_hash, head.last_event_id) == (events[-1].hash, events[-1].pk)
    assert events[-1].hash == compute_hash(events[-1].prev_hash, events[-1])
    assert verify_chain().ok


def test_write_refuses_events_of_two_chains():
    first, second = _record(1), _record(2)
    second.chain = first.chain + 1

    with pytest.raises(ValueError):
        audit_writer.write([first, second])
    assert not AuditEvent.objects.filter(action="personal_data.lookup").exists()


def test_flush_writes_what_is_pending():
    writer = audit_writer.WriteBehind()
    writer._thread = _IdleThread()  # no background thread: this test flushes itself
    for n in (1, 2):
        writer.add(_record(n), interval=60)
    assert writer.pending() == 2 and not AuditEvent.objects.filter(action="personal_data.lookup").exists()

    writer.flush()

    assert writer.pending() == 0
    assert list(
        AuditEvent.objects.filter(action="personal_data.lookup")
        .order_by("id")
        .values_list("target_id", flat=True)
    ) == ["1", "2"]
    assert verify_chain().ok


def test_refused_events_are_kept_in_order_and_written_later(monkeypatch):
    writer = audit_writer.WriteBehind()
    writer._thread = _IdleThread()
    real_write = audit_writer.write
    calls = []

    def refuse_once(events, **kwargs):
        calls.append(len(events))
        if len(calls) == 1:
            raise RuntimeError("database restarting")
        return real_write(events, **kwargs)

    monkeypatch.setattr(audit_writer, "write", refuse_once)
    for n in (1, 2, 3):
        writer.add(_record(n), interval=60)

    writer.flush()  # refused: kept
    assert writer.pending() == 3 and writer._failing_since is not None
    writer.add(_record(4), interval=60)  # still answered: not failing for long
    writer.flush()

    assert calls == [3, 4] and writer.pending() == 0 and writer._failing_since is None
    assert list(
        AuditEvent.objects.filter(action="personal_data.lookup")
        .order_by("id")
        .values_list("target_id", flat=True)
    ) == ["1", "2", "3", "4"]


def test_lookups_are_refused_once_the_writer_fails_too_long(monkeypatch):
    writer = audit_writer.WriteBehind()
    writer._thread = _IdleThread()
    monkeypatch.setattr(audit_writer, "write", _refuse)
    writer.add(_record(1), interval=60)
    writer.flush()
    monkeypatch.setattr(audit_writer, "MAX_BEHIND_SECONDS", 0.0)
    time.sleep(0.01)

    with pytest.raises(audit_writer.AuditUnavailable) as refused:
        writer.add(_record(2), interval=60)

    assert refused.value.status == 503 and "監査ログ" in refused.value.message
    assert writer.pending() == 1  # the refused look-up's event was never queued: it was not answered


def test_lookups_are_refused_when_too_many_events_wait(monkeypatch):
    writer = audit_writer.WriteBehind()
    writer._thread = _IdleThread()
    monkeypatch.setattr(audit_writer, "write", _refuse)
    monkeypatch.setattr(audit_writer, "MAX_PENDING", 2)
    writer.add(_record(1), interval=60)
    writer.flush()
    writer.add(_record(2), interval=60)

    with pytest.raises(audit_writer.AuditUnavailable):
        writer.add(_record(3), interval=60)


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_within_its_interval():
    writer = audit_writer.WriteBehind()
    try:
        writer.add(_record(1), interval=0.05)
        writer.add(_record(2), interval=0.05)
        deadline = time.monotonic() + 10
        while (
            AuditEvent.objects.filter(action="personal_data.lookup").count() < 2
            and time.monotonic() < deadline
        ):
            time.sleep(0.02)  # (written and committed by the thread's own connection)
        written_by_the_thread = writer.pending() == 0
    finally:
        writer.stop()

    assert written_by_the_thread
    assert AuditEvent.objects.filter(action="personal_data.lookup").count() == 2
    assert verify_chain().ok


def test_events_coming_during_a_write_wait_for_the_next_interval(monkeypatch):
    """Under steady load the thread writes once an interval, not again as soon as a write ends."""
    batches = []

    def slow_write(events, **kwargs):
        batches.append(len(events))
        time.sleep(0.01)

    monkeypatch.setattr(audit_writer, "write", slow_write)
    writer = audit_writer.WriteBehind()
    try:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < 0.6:
            n += 1
            writer.add(_record(n), interval=0.1)
            time.sleep(0.001)
    finally:
        writer.stop()

    assert sum(batches) == n
    # About one write per 0.1 s (plus the stop's): writing again at once would give one per 10 ms write.
    assert len(batches) <= 10
    assert max(batches) > 20


def test_write_behind_is_for_postgresql_only(settings):
    from django.db import connection

    settings.SONAE_AUDIT_WRITE_BEHIND_MS = 100
    expected = 0.1 if connection.vendor == "postgresql" else 0.0
    assert audit_writer.interval_seconds() == expected
    settings.SONAE_AUDIT_WRITE_BEHIND_MS = 0
    assert audit_writer.interval_seconds() == 0.0


class _IdleThread:
    """Stands in for the writer thread (alive, does nothing) so that a test decides when events are written."""

    def is_alive(self) -> bool:
        return True


def _refuse(events, **kwargs):
    raise RuntimeError("database unavailable")
