"""Prepared statements for the few statements that run on every request of a hot path (the call-centre look-up:
its candidates query and its audit event).

Django's PostgreSQL backend binds parameters on the client and sends each statement as text, so the server parses
and plans it every time; for a small indexed query planning costs several times its execution (0.19 ms against
0.04 ms for the look-up's join, measured with EXPLAIN ANALYZE here). ``fetch`` runs a statement on Django's own
connection (same transaction, same error handling) as a named prepared statement with server-side binding: it is
prepared once per connection and then only its parameters are sent.

It talks to libpq through psycopg's connection (``pgconn.exec_prepared``) and reads the rows with psycopg's own
loaders (the connection's ``Transformer``: the same Python values as a psycopg cursor gives). A psycopg cursor per
statement cost some 75 µs of client CPU more than the round trip itself, a tenth of a look-up. Parameters are sent
as text, typed as psycopg types them (``int`` as bigint, ``bool``, ``bytes`` as bytea, aware ``datetime`` as
timestamptz, ``date``, ``UUID``; ``str`` and ``None`` left for the server to infer from the statement), and a
statement is prepared once per connection and combination of types. Other parameter types are refused
(``TypeError``). On other databases it is an ordinary cursor execute.

Placeholders are psycopg's (``%s`` or ``%(name)s``, ``%%`` for a percent sign); give explicit casts where the type
cannot be inferred. Not for use behind a transaction-pooling proxy (PgBouncer in transaction mode), which does not
keep prepared statements; Sonae's deployment connects to PostgreSQL directly (docs/operations.md).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")

# PostgreSQL type OIDs of the parameters (0: inferred by the server from the statement, as psycopg sends str).
_BOOL, _INT8, _BYTEA, _TIMESTAMPTZ, _DATE, _UUID, _INFERRED = 16, 20, 17, 1184, 1082, 2950, 0


def fetch(sql: str, params: Sequence | Mapping) -> list[tuple]:
    """The rows of one statement (an empty list when it returns none)."""
    db = connections[DEFAULT_DB_ALIAS]  # (``connection`` looks this up again on every attribute)
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    if db.connection is None:
        db.ensure_connection()
    session = getattr(db, "_sonae_hotsql", None)
    if session is None or session.conn is not db.connection:  # (a new connection: nothing prepared on it)
        session = db._sonae_hotsql = _Session(db.connection)
    with db.wrap_database_errors:
        return session.fetch(sql, params)


class _Statement:
    """One statement's text for PostgreSQL (``$n`` placeholders) and the order of its parameters."""

    __slots__ = ("query", "names")

    def __init__(self, sql: str):
        names: list[str | int] = []  # a name used twice is one parameter

        def number(match: re.Match) -> str:
            if match.group(0) == "%%":
                return "%"
            name = match.group(1) if match.group(1) is not None else len(names)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        self.query = _PLACEHOLDER.sub(number, sql).encode()
        self.names = tuple(names)

    def values(self, params: Sequence | Mapping) -> list:
        if not isinstance(params, Mapping) and len(params) != len(self.names):
            raise TypeError(f"the statement takes {len(self.names)} parameters, {len(params)} given")
        return [params[name] for name in self.names]


_statements: dict[str, _Statement] = {}  # by the caller's SQL (a few fixed statements)


def _param(value) -> tuple[int, bytes | None]:
    """A parameter's type OID and its value in PostgreSQL's text input format."""
    if value is None:
        return _INFERRED, None
    if isinstance(value, str):  # (also str enums: Django's TextChoices)
        return _INFERRED, value.encode()
    if isinstance(value, bool):
        return _BOOL, b"t" if value else b"f"
    if isinstance(value, int):
        return _INT8, str(int(value)).encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return _BYTEA, b"\\x" + bytes(value).hex().encode()
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("hotsql cannot send a naive datetime: give it a time zone")
        return _TIMESTAMPTZ, value.isoformat().encode()
    if isinstance(value, date):
        return _DATE, value.isoformat().encode()
    if isinstance(value, uuid.UUID):
        return _UUID, str(value).encode()
    raise TypeError(f"hotsql cannot send a {type(value).__name__} parameter")


class _Session:
    """What ``fetch`` keeps per psycopg connection, on Django's connection object (one per thread): the statements
    prepared on it and its row loaders."""

    def __init__(self, conn):
        from psycopg.adapt import Transformer

        self.conn = conn
        self.names: dict[tuple[str, tuple[int, ...]], bytes] = {}
        self.loader = Transformer(conn)

    def fetch(self, sql: str, params: Sequence | Mapping) -> list[tuple]:
        import psycopg
        from psycopg import pq

        statement = _statements.get(sql)
        if statement is None:
            statement = _statements.setdefault(sql, _Statement(sql))
        typed = [_param(value) for value in statement.values(params)]
        types = tuple(oid for oid, _text in typed)
        pgconn = self.conn.pgconn
        if not self.conn.autocommit and pgconn.transaction_status == pq.TransactionStatus.IDLE:
            # A transaction to begin (Django's atomic block): psycopg begins it, with the connection's settings,
            # before a statement of its own, so this one goes through a psycopg cursor. (Not prepared there:
            # psycopg deallocates every statement of the session after a rollback once it has prepared one.)
            with psycopg.Cursor(self.conn) as cursor:
                cursor.execute(sql, params)
                result = cursor.pgresult
                return (
                    cursor.fetchall()
                    if result is not None and result.status == pq.ExecStatus.TUPLES_OK
                    else []
                )
        with self.conn.lock:
            name = self.names.get((sql, types))
            if name is None:
                name = f"sonae_hot_{len(self.names) + 1}".encode()
                self._check(pgconn.prepare(name, statement.query, types))
                self.names[sql, types] = name
            result = self._check(pgconn.exec_prepared(name, [text for _oid, text in typed]))
            if result.status != pq.ExecStatus.TUPLES_OK:
                return []
            self.loader.set_pgresult(result)
            return self.loader.load_rows(0, result.ntuples, tuple)

    def _check(self, result):
        from psycopg import errors, pq

        if result.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.BAD_RESPONSE):
            raise errors.error_from_result(result, encoding=self.conn.info.encoding)
        return result
