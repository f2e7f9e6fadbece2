import pytest
from django.core.management import call_command
from django.db import connection

from sonae.core.audit import GENESIS_HASH, audit_personal_data_access, audit_record, verify_chain
from sonae.core.models import AuditEvent, Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organisation.objects.create(kind="provider", name="テスト株式会社", code="test-org")


@pytest.fixture
def user():
    return User.objects.create_user(email="a@example.jp", password="x" * 12)


def _three_events(user, org):
    return [audit_record(action=f"test.{i}", actor=user, organisation=org, data={"n": i}) for i in range(3)]


def test_first_event_links_to_the_genesis_hash(user, org):
    event = audit_record(action="test.created", actor=user, organisation=org)
    assert event.prev_hash == GENESIS_HASH
    assert len(event.hash) == 64


def test_each_event_links_to_the_previous_hash(user, org):
    first, second, third = _three_events(user, org)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


def test_verify_accepts_an_untouched_chain(user, org):
    _three_events(user, org)
    result = verify_chain()
    assert result.ok
    assert result.checked == 3


def test_verify_names_the_row_altered_by_hand(user, org):
    _, second, _ = _three_events(user, org)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s", ["test.forged", second.pk]
        )
    result = verify_chain()
    assert not result.ok
    assert result.broken_id == second.pk


def test_verify_detects_a_deleted_row(user, org):
    _, second, third = _three_events(user, org)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [second.pk])
    result = verify_chain()
    assert not result.ok
    assert result.broken_id == third.pk


def test_verify_detects_a_deleted_last_row(user, org):
    _, _, third = _three_events(user, org)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [third.pk])
    assert not verify_chain().ok


def test_events_cannot_be_changed_or_deleted_through_the_orm(user, org):
    event = audit_record(action="test.created", actor=user, organisation=org)
    event.action = "changed"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_personal_data_access_requires_a_reason(user, org):
    with pytest.raises(ValueError):
        audit_personal_data_access(actor=user, organisation=org, target=("victim", "1"), reason="  ")


def test_personal_data_access_records_the_reason_and_target(user, org):
    event = audit_personal_data_access(
        actor=user, organisation=org, target=("victims.victim", "42"), reason="本人からの電話"
    )
    assert event.action == "personal_data.viewed"
    assert (event.target_type, event.target_id, event.reason) == ("victims.victim", "42", "本人からの電話")


def test_audit_verify_command_exits_0_when_chain_holds(user, org, capsys):
    _three_events(user, org)
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out


def test_audit_verify_command_exits_1_and_names_the_row(user, org, capsys):
    _, second, _ = _three_events(user, org)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["x", second.pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"id={second.pk}" in capsys.readouterr().out


# -- parallel chains (one per server process, SONAE_AUDIT_CHAINS) --------------------------------------------------


def _on_chains(monkeypatch, user, org, chains):
    """Append one event on each of ``chains`` in turn (as different server processes would)."""
    from sonae.core import audit

    events = []
    for chain in chains:
        monkeypatch.setattr(audit, "current_chain", lambda chain=chain: chain)
        events.append(audit_record(action=f"test.chain{chain}", actor=user, organisation=org))
    return events


def test_events_of_different_processes_extend_separate_chains(monkeypatch, user, org):
    a1, b1, a2, b2 = _on_chains(monkeypatch, user, org, [3, 7, 3, 7])
    assert (a1.chain, b1.chain) == (3, 7)
    assert a1.prev_hash == GENESIS_HASH and b1.prev_hash == GENESIS_HASH
    assert a2.prev_hash == a1.hash and b2.prev_hash == b1.hash
    result = verify_chain()
    assert result.ok and result.checked == 4


def test_verify_finds_an_altered_row_on_any_chain(monkeypatch, user, org):
    _a1, _b1, _a2, b2 = _on_chains(monkeypatch, user, org, [3, 7, 3, 7])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["x", b2.pk])
    result = verify_chain()
    assert not result.ok and result.broken_id == b2.pk


def test_verify_finds_a_deleted_last_row_of_one_chain(monkeypatch, user, org):
    _a1, _b1, a2, _b2 = _on_chains(monkeypatch, user, org, [3, 7, 3, 7])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [a2.pk])
    result = verify_chain()
    assert not result.ok and result.problem == "rows after the last valid row are missing"


def test_moving_an_event_to_another_chain_breaks_both(monkeypatch, user, org):
    _a1, b1, _a2, _b2 = _on_chains(monkeypatch, user, org, [3, 7, 3, 7])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET chain = 3 WHERE id = %s", [b1.pk])
    assert not verify_chain().ok


def test_the_chain_is_chosen_by_process_id(settings):
    from sonae.core.audit import current_chain

    settings.SONAE_AUDIT_CHAINS = 5
    import os

    assert current_chain() == os.getpid() % 5


# -- the one-statement append (PostgreSQL) and relaxed durability ----------------------------------------------


def test_the_returned_event_is_the_stored_row(user, org):
    event = audit_record(action="test.stored", actor=user, organisation=org, target=org, data={"k": "値"})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.hash, stored.prev_hash, stored.chain) == (event.hash, event.prev_hash, event.chain)
    assert stored.data == {"k": "値"} and stored.actor_label == user.email
    assert (stored.target_type, stored.target_id) == ("core.organisation", str(org.pk))


def test_an_event_without_actor_or_organisation_is_chained(org):
    first = audit_record(action="test.system")
    second = audit_record(action="test.system2", organisation=org)
    assert first.actor_id is None and first.actor_label == "system"
    assert second.prev_hash == first.hash
    assert verify_chain().ok


def test_appending_recreates_a_chain_head_that_disappeared(user, org):
    from sonae.core.models import AuditChainHead

    first = audit_record(action="test.before", actor=user, organisation=org)
    AuditChainHead.objects.filter(id=first.chain + 1).delete()
    again = audit_record(action="test.after", actor=user, organisation=org)
    assert AuditEvent.objects.filter(pk=again.pk).exists()
    assert AuditChainHead.objects.get(id=again.chain + 1).last_event_id == again.pk


def test_relaxed_durability_inside_a_transaction_keeps_the_commit_durable(user, org):
    # Tests run inside a transaction: the flag must not switch off synchronous commit for the change around it.
    audit_record(action="test.relaxed", actor=user, organisation=org, relaxed_durability=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_relaxed_durability_ends_with_its_own_statement(user, org):
    event = audit_record(action="test.relaxed", actor=user, organisation=org, relaxed_durability=True)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_chain_keep_it_valid(monkeypatch, user, org):
    """Threads (each with its own database connection) append to the same chain at once: every event is linked
    to exactly one predecessor and the chain verifies."""
    import threading

    from django.db import connections

    from sonae.core import audit

    monkeypatch.setattr(audit, "current_chain", lambda: 3)
    threads_count = 4 if connection.vendor == "postgresql" else 1  # SQLite has one writer at a time anyway
    errors = []

    def writer(n):
        try:
            for i in range(15):
                audit_record(
                    action=f"test.t{n}.{i}", actor=user, organisation=org, relaxed_durability=bool(i % 2)
                )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    events = list(AuditEvent.objects.filter(chain=3).order_by("id"))
    assert len(events) == 15 * threads_count
    assert len({e.prev_hash for e in events}) == len(events)
    assert verify_chain().ok
