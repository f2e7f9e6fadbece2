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
