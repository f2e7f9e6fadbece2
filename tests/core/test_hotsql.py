"""Prepared statements of the hot paths (``sonae.core.hotsql``): placeholders, parameters, rows, transactions and
errors as a Django cursor has them (on SQLite ``fetch`` is a Django cursor)."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from sonae.core import hotsql
from sonae.core.models import AuditChainHead

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"


def test_placeholders_become_numbered_parameters_and_a_name_used_twice_is_one():
    named = hotsql._Statement("SELECT %(a)s, %(b)s WHERE x = %(a)s AND y LIKE 'p%%'")
    positional = hotsql._Statement("SELECT %s, %s")

    assert named.query == b"SELECT $1, $2 WHERE x = $1 AND y LIKE 'p%'"
    assert named.values({"b": 2, "a": 1, "unused": 3}) == [1, 2]
    assert positional.query == b"SELECT $1, $2"
    assert positional.values([5, 6]) == [5, 6]
    with pytest.raises(TypeError):
        positional.values([5])
    with pytest.raises(KeyError):
        named.values({"a": 1})


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (0, None)),
        ("氏名", (0, "氏名".encode())),
        (Colour.RED, (0, b"red")),
        (True, (16, b"t")),
        (False, (16, b"f")),
        (-42, (20, b"-42")),
        (Level.HIGH, (20, b"3")),
        (b"\x00\xff", (17, b"\\x00ff")),
        (memoryview(b"\x01"), (17, b"\\x01")),
        (datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC), (1184, b"2026-11-29T01:02:03.456789+00:00")),
        (date(2026, 11, 29), (1082, b"2026-11-29")),
        (uuid.UUID(int=1), (2950, b"00000000-0000-0000-0000-000000000001")),
    ],
)
def test_parameters_are_typed_and_written_as_postgresql_reads_them(value, expected):
    assert hotsql._param(value) == expected


@pytest.mark.parametrize("value", [datetime(2026, 11, 29), 1.5, [1, 2], {"a": 1}])
def test_other_parameters_are_refused(value):
    with pytest.raises(TypeError):
        hotsql._param(value)


def test_values_come_back_as_a_cursor_gives_them():
    at = datetime(2026, 11, 29, 1, 2, 3, 456789, tzinfo=UTC)
    if ON_POSTGRES:
        sql = (
            "SELECT %(n)s::bigint + 1, %(flag)s::boolean, %(raw)s::bytea, %(at)s::timestamptz, %(day)s::date, "
            "%(id)s::uuid, %(text)s::text, %(none)s::text IS NULL, %(n)s::bigint"
        )
        params = {"n": 41, "flag": True, "raw": b"\x00\xff", "at": at, "day": date(2026, 11, 29)}
        params |= {"id": uuid.UUID(int=7), "text": "お詫び", "none": None}
        expected = (42, True, b"\x00\xff", at, date(2026, 11, 29), uuid.UUID(int=7), "お詫び", True, 41)
    else:
        sql = "SELECT %(n)s + 1, %(text)s, %(none)s IS NULL, %(n)s"
        params = {"n": 41, "text": "お詫び", "none": None}
        expected = (42, "お詫び", 1, 41)

    first = hotsql.fetch(sql, params)
    again = hotsql.fetch(sql, params)

    assert first == again == [expected]
    assert hotsql.fetch("SELECT 1 WHERE 1 = 0", {}) == []


def test_a_statement_is_prepared_once_per_connection_and_combination_of_types():
    sql = "SELECT %(a)s::bigint IS NULL" if ON_POSTGRES else "SELECT %(a)s IS NULL"

    answers = [hotsql.fetch(sql, {"a": value})[0][0] for value in (1, 2, None, 3)]

    assert answers == [False, False, True, False]
    if ON_POSTGRES:  # (an int is sent as a bigint, None for the server to infer: two statements)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s AND name LIKE 'sonae_hot_%%'",
                [sql % {"a": "$1"}],
            )
            assert cursor.fetchone()[0] == 2


def test_statements_in_an_atomic_block_are_in_its_transaction():
    """The first statement of the block begins the transaction (psycopg's BEGIN); both are rolled back."""
    insert = "INSERT INTO core_auditchainhead (id, last_hash, last_event_id) VALUES (%s, %s, 0)"

    with pytest.raises(RuntimeError), transaction.atomic():
        hotsql.fetch(insert, [9001, "0" * 64])
        hotsql.fetch(insert, [9002, "0" * 64])
        assert AuditChainHead.objects.filter(id__in=[9001, 9002]).count() == 2
        raise RuntimeError("roll back")

    assert not AuditChainHead.objects.filter(id__in=[9001, 9002]).exists()


def test_errors_are_djangos_and_the_transaction_can_go_on():
    insert = "INSERT INTO core_auditchainhead (id, last_hash, last_event_id) VALUES (%s, %s, 0)"
    hotsql.fetch(insert, [9003, "0" * 64])

    with pytest.raises(IntegrityError), transaction.atomic():
        hotsql.fetch(insert, [9003, "0" * 64])
    with pytest.raises(DatabaseError), transaction.atomic():  # (ProgrammingError; OperationalError on SQLite)
        hotsql.fetch("SELECT * FROM no_such_table", {})

    assert hotsql.fetch("SELECT id FROM core_auditchainhead WHERE id = %s", [9003]) == [(9003,)]


@pytest.mark.django_db(transaction=True)
def test_prepared_statements_outlive_a_rolled_back_transaction():
    """psycopg deallocates the session's statements after a rollback once it has prepared any itself: a
    transaction's first statement, which psycopg runs, is therefore not prepared by it."""
    select = "SELECT count(*) FROM core_auditchainhead WHERE id = %s"
    insert = "INSERT INTO core_auditchainhead (id, last_hash, last_event_id) VALUES (%s, %s, 0)"
    assert hotsql.fetch(select, [9004]) == [(0,)]

    for _attempt in range(2):
        with pytest.raises(RuntimeError), transaction.atomic():
            hotsql.fetch(insert, [9004, "0" * 64])  # (begins the transaction)
            hotsql.fetch(select, [9004])
            raise RuntimeError("roll back")

    assert hotsql.fetch(select, [9004]) == [(0,)]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_statements_again():
    sql = "SELECT count(*) FROM core_auditchainhead WHERE id = %s"
    first = hotsql.fetch(sql, [9005])

    connection.close()

    assert hotsql.fetch(sql, [9005]) == first == [(0,)]
