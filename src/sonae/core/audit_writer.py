"""Write-behind for the audit events of the call centre's look-ups (PostgreSQL).

Appending one event costs PostgreSQL more than the look-up's own read (measured here: 0.06 ms of server CPU for
the read, 0.29 ms for the read and its append in one statement; the executor's start-up, the head row's lock and
update and seven index entries per event). Under load that is most of what a look-up costs beyond a bare request.
With ``SONAE_AUDIT_WRITE_BEHIND_MS`` above 0 (default 100), a look-up hands its event, complete with everything
it records (who, which case, why, which persons were read), to this process's writer, and the writer appends the
events of the last interval in one transaction: the chain's head locked once, the events hashed in order on it,
inserted by one statement, the head moved (``WriteBehind.write``).

What this trades, and what it keeps:

- An event reaches the database within the interval (0.1 s) and a write, not before the answer. The audit log page writes
  its own process's pending events first. A worker stopped normally (restart, SIGTERM, a timeout's SIGABRT)
  writes what it holds on the way out (``atexit``); a worker killed outright (SIGKILL, the OOM killer) loses the
  events of its last interval. The one-statement append it replaces already accepted the loss of the last
  fraction of a second if the database server crashed (``synchronous_commit = off``), and still does.
- It fails closed: while the database refuses the writer's events, they wait in memory and new look-ups are
  still answered for ``MAX_BEHIND_SECONDS``; past that (or ``MAX_PENDING`` events) every look-up is refused with
  ``AuditUnavailable`` (503) until the events are written. Nothing is answered that cannot be logged.
- The chain stays one chain per process stripe (``audit.current_chain``), verified as before.

SQLite (development, tests) and a setting of 0 use the one-statement append (``audit.fetch_with_access_event``).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections import deque

from django.conf import settings
from django.db import connection, transaction

from . import hotsql
from .errors import ServiceUnavailable

logger = logging.getLogger(__name__)

MAX_PENDING = 20_000
MAX_BEHIND_SECONDS = 10.0
MAX_BATCH = 1_000
RETRY_SECONDS = 0.5


class AuditUnavailable(ServiceUnavailable):
    retry_after = 5
    default_message = (
        "ただいま照会を受け付けられません（監査ログを記録できないため）。しばらくしてから再度お試しください。"
    )


def interval_seconds() -> float:
    """The write-behind interval (0: events are appended by the look-up's own statement)."""
    if connection.vendor != "postgresql":
        return 0.0
    return max(0, int(getattr(settings, "SONAE_AUDIT_WRITE_BEHIND_MS", 100))) / 1000


_HEAD_SQL = (
    "SELECT last_hash, set_config('synchronous_commit', CASE WHEN %(relaxed)s THEN 'off' ELSE 'on' END, true) "
    "FROM core_auditchainhead WHERE id = %(head)s FOR UPDATE"
)
# The events in chain order, as one JSON array (adapting a few hundred values one by one cost more than the rest
# of the write): ids are drawn in the order of the array (the verifier walks a chain by id).
_INSERT_SQL = """
WITH event AS (
    INSERT INTO core_auditevent (at, actor_id, actor_label, organisation_id, action, target_type, target_id,
                                 reason, data, prev_hash, hash, chain)
    SELECT (x->>'at')::timestamptz, (x->>'actor_id')::bigint, x->>'actor_label', (x->>'organisation_id')::bigint,
           x->>'action', x->>'target_type', x->>'target_id', x->>'reason', x->'data', x->>'prev_hash',
           x->>'hash', %(chain)s::smallint
    FROM jsonb_array_elements(%(events)s::jsonb) WITH ORDINALITY AS e(x, n)
    ORDER BY n
    RETURNING id
)
UPDATE core_auditchainhead SET last_hash = %(last_hash)s, last_event_id = (SELECT max(id) FROM event)
WHERE id = %(head)s
RETURNING last_event_id
"""


def write(events: list, *, relaxed: bool = True) -> None:
    """Append ``events`` (``audit.AccessRecord``, all of one chain, not yet hashed) in one transaction on this
    thread's connection, in their order: the head locked, each event hashed on the one before, all inserted, the
    head moved. All or nothing. ``relaxed``: commit without waiting for the disk flush (reads only, see
    ``audit.audit_record``)."""
    from .audit import _ensure_head, _known_heads, append_records

    if not events:
        return
    chain = events[0].chain
    if any(event.chain != chain for event in events):
        raise ValueError("events of one write must be of one chain")
    head = chain + 1
    if connection.vendor != "postgresql":
        append_records(events)  # (SQLite: development and the tests of this module)
        return
    # A head row this process created may be gone (a rolled-back transaction, a restored database): created
    # again, once (as ``audit._on_head`` does).
    for _attempt in range(2):
        _ensure_head(head)
        with transaction.atomic():
            rows = hotsql.fetch(_HEAD_SQL, {"head": head, "relaxed": relaxed})
            if rows:
                _insert(events, chain, head, rows[0][0])
                return
        _known_heads.discard(head)
    raise RuntimeError(f"audit chain head {head} could not be created")


def _insert(events: list, chain: int, head: int, previous: str) -> None:
    from .audit import _RECORD_FIELDS, _iso, compute_hash

    values = []
    for event in events:
        event.prev_hash = previous
        event.hash = previous = compute_hash(previous, event)
        row = {name: getattr(event, name) for name in _RECORD_FIELDS}
        values.append(row | {"at": _iso(event.at), "prev_hash": event.prev_hash, "hash": event.hash})
    params = {"chain": chain, "head": head, "last_hash": previous, "events": json.dumps(values)}
    hotsql.fetch(_INSERT_SQL, params)


class WriteBehind:
    """This process's pending events and the thread that writes them (see the module doc)."""

    def __init__(self):
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._write_lock = threading.Lock()  # one writer at a time: the thread or a ``flush``
        self._pending: deque = deque()
        self._failing_since: float | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None

    def add(self, event, interval: float) -> None:
        """Queue ``event`` to be written within ``interval`` seconds; AuditUnavailable when the writer has been
        failing too long or holds too many events (the caller must then not answer)."""
        with self._lock:
            if self._failing_since is not None and (
                time.monotonic() - self._failing_since > MAX_BEHIND_SECONDS
                or len(self._pending) >= MAX_PENDING
            ):
                raise AuditUnavailable()
            self._pending.append(event)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, args=(interval,), name="sonae-audit-writer", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self) -> None:
        """Write every pending event now, on the calling thread (the audit log page, shutdown, tests). A failure
        is logged and the events stay pending."""
        while self.pending():
            if not self._write_some():
                return

    def stop(self) -> None:
        """Write what is pending, end the thread and close its connection (tests; a process that exits need not)."""
        with self._lock:
            self._stopping = True
            self._wake.notify()
            thread = self._thread
        if thread is not None and isinstance(thread, threading.Thread):
            thread.join(timeout=30)
        self.flush()

    def _run(self, interval: float) -> None:
        try:
            while True:
                with self._lock:
                    while not self._pending and not self._stopping:
                        self._wake.wait()
                    if self._stopping:
                        return
                time.sleep(interval)  # gather the interval's events into one write
                while self.pending() and not self._stopping:
                    if not self._write_some():
                        _close_own_connection()
                        time.sleep(RETRY_SECONDS)
                    elif self.pending() < MAX_BATCH:
                        # The events that came during the write wait for the next interval's write: writing them
                        # at once would keep the thread writing a few events at a time (measured: 5 a write, at
                        # three times the CPU per event of a 0.1 s batch).
                        break
        finally:
            _close_own_connection()

    def _write_some(self) -> bool:
        """Write up to MAX_BATCH pending events; False (events kept, in order) when the database refused them."""
        with self._write_lock:
            with self._lock:  # up to MAX_BATCH events of the first one's chain (a process writes one chain)
                batch = []
                while (
                    self._pending
                    and len(batch) < MAX_BATCH
                    and self._pending[0].chain == (batch or self._pending)[0].chain
                ):
                    batch.append(self._pending.popleft())
            if not batch:
                return True
            try:
                write(batch)
            except Exception:
                logger.exception("audit events could not be written; %d kept to retry", len(batch))
                with self._lock:
                    self._pending.extendleft(reversed(batch))
                    if self._failing_since is None:
                        self._failing_since = time.monotonic()
                return False
            with self._lock:
                self._failing_since = None
            return True


def _close_own_connection() -> None:
    """Drop the writer thread's connection after a failed write: the next attempt connects afresh."""
    try:
        connection.close()
    except Exception:  # already broken
        logger.debug("closing the audit writer's connection failed", exc_info=True)


_writer: WriteBehind | None = None
_writer_lock = threading.Lock()


def writer() -> WriteBehind:
    """This process's writer (a forked child gets its own)."""
    global _writer
    with _writer_lock:
        if _writer is None or _writer._pid != os.getpid():
            _writer = WriteBehind()
        return _writer


def flush() -> None:
    """Write this process's pending events now (no-op when there are none)."""
    if _writer is not None and _writer._pid == os.getpid():
        _writer.flush()


atexit.register(flush)
