"""Prepared statements for the few statements that run on every request of a hot path (the call-centre look-up:
its candidates query and its audit append).

Django's PostgreSQL backend binds parameters on the client and sends each statement as text, so the server parses
and plans it every time; for a small indexed query planning costs several times its execution (0.19 ms against
0.04 ms for the look-up's join, measured with EXPLAIN ANALYZE here). ``fetch`` runs a statement on Django's own
connection (same transaction, same error handling) as a named prepared statement with server-side binding:
psycopg prepares it once per connection and then only sends the parameters. On other databases it is an
ordinary cursor execute. Placeholders are psycopg's (``%s`` or ``%(name)s``); give explicit casts where the type
cannot be inferred. Not for use behind a transaction-pooling proxy (PgBouncer in transaction mode), which does not
keep prepared statements; Sonae's deployment connects to PostgreSQL directly (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection


def fetch(sql: str, params: Sequence | Mapping) -> list[tuple]:
    """The rows of one statement (an empty list when it returns none)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        # (Not ``cursor.description``: it builds a Column object per column on each call.)
        result = cursor.pgresult
        return (
            cursor.fetchall()
            if result is not None and result.status == psycopg.pq.ExecStatus.TUPLES_OK
            else []
        )
