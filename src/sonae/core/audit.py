"""The audit log: one helper every app calls inside its transactions, and the chain verifier.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON of the event's own fields, so
altering, inserting or deleting a row by hand breaks the chain at that row. Appends take a row lock on the
chain's ``AuditChainHead`` so that the writers of one chain extend it one at a time.

One global chain would make every audited request of every app server wait for that one lock (a call-centre
look-up writes an event each time), so events are striped over ``SONAE_AUDIT_CHAINS`` parallel chains (default
16), chosen by process id: a server process handles one request at a time, so its appends rarely wait. Every
chain is verified on its own, head included (a deleted last row is detected per chain). Events written before
striping are chain 0, whose head is the original single head row.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import hotsql
from .models import AuditChainHead, AuditEvent, Organisation, User

GENESIS_HASH = "0" * 64


def _iso(at: datetime) -> str:
    """An event's time as the canonical JSON writes it."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _canonical(event: AuditEvent) -> str:
    at = _iso(event.at)
    row = {
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "at": at,
        "data": event.data,
        "organisation_id": event.organisation_id,
        "reason": event.reason,
        "target_id": event.target_id,
        "target_type": event.target_type,
    }
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + "\n" + _canonical(event)).encode("utf-8")).hexdigest()


def _target_parts(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = getattr(target, "_meta", None)
    if meta is not None:
        return meta.label_lower, str(target.pk)
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    raise TypeError("target must be a model instance or a (type, id) tuple")


def chain_count() -> int:
    return max(1, int(getattr(settings, "SONAE_AUDIT_CHAINS", 16)))


def current_chain() -> int:
    """The chain this process appends to."""
    return os.getpid() % chain_count()


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    organisation: Organisation | None = None,
    target=None,
    reason: str = "",
    data: dict | None = None,
    relaxed_durability: bool = False,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records.

    ``target`` is a model instance or a ``(type, id)`` tuple; ``data`` must be JSON-serialisable and must not hold
    personal data in clear (record which fields were touched, not their values).

    ``relaxed_durability``: for a read that changes nothing (a call-centre look-up), an event appended outside
    any transaction may commit without waiting for the disk flush on PostgreSQL (``synchronous_commit = off``):
    if the database server itself crashes, the last fraction of a second of such events can be lost, and the
    chain stays valid. Inside a transaction the flag is ignored (the change it records must be durable).
    """
    target_type, target_id = _target_parts(target)
    # Microsecond precision survives every supported database, so the hash can be recomputed from the row.
    now = timezone.now().replace(tzinfo=UTC)
    chain = current_chain()
    signed_in = actor is not None and actor.is_authenticated
    event = AuditEvent(
        at=now,
        actor=actor if signed_in else None,
        actor_label=actor.email if signed_in else "system",
        organisation=organisation,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        data=json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)),
        chain=chain,
    )
    if connection.vendor == "postgresql":
        relaxed = relaxed_durability and not connection.in_atomic_block
        return _append_postgresql(event, relaxed)
    append_orm([event])
    return event


def append_orm(events: list[AuditEvent]) -> None:
    """Append unsaved ``events`` of one chain, in order, through the ORM (SQLite; ``audit_record`` and the
    write-behind's ``audit_writer.write``): the head locked, each event hashed on the one before, all inserted,
    the head moved; one transaction."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=events[0].chain + 1, defaults={"last_hash": GENESIS_HASH, "last_event_id": 0}
        )
        previous = head.last_hash
        for event in events:
            event.prev_hash = previous
            event.hash = previous = compute_hash(previous, event)
        AuditEvent.objects.bulk_create(events)
        head.last_hash = previous
        head.last_event_id = events[-1].pk
        head.save(update_fields=["last_hash", "last_event_id"])


# One statement, one round trip, prepared once per connection (``hotsql``): lock the chain's head, insert the
# event hashed on the head's last hash (PostgreSQL's sha256 over the same text ``compute_hash`` hashes: the
# canonical JSON does not hold prev_hash), move the head. Concurrent appends to the chain wait on the head's row lock, then read its latest version.
_HEAD_CTES = """head AS (
    SELECT last_hash FROM core_auditchainhead WHERE id = %(head)s FOR UPDATE
), durability AS (
    SELECT CASE WHEN %(relaxed)s THEN set_config('synchronous_commit', 'off', true) END AS value
)"""
_INSERT_EVENT = """INSERT INTO core_auditevent (at, actor_id, actor_label, organisation_id, action, target_type, target_id,
                                 reason, data, prev_hash, hash, chain)
    SELECT %(at)s::timestamptz, %(actor)s::bigint, %(actor_label)s::text, %(organisation)s::bigint,
           %(action)s::text,"""
_APPEND_SQL = f"""
WITH {_HEAD_CTES}, event AS (
    {_INSERT_EVENT} %(target_type)s::text, %(target_id)s::text, %(reason)s::text, %(data)s::jsonb,
           head.last_hash,
           encode(sha256(convert_to(head.last_hash || E'\\n' || %(canonical)s, 'UTF8')), 'hex'), %(chain)s::smallint
    FROM head, durability
    RETURNING id, prev_hash, hash
)
UPDATE core_auditchainhead SET last_hash = event.hash, last_event_id = event.id
FROM event WHERE core_auditchainhead.id = %(head)s
RETURNING event.id, event.prev_hash, event.hash
"""
_known_heads: set[int] = set()


def _append_postgresql(event: AuditEvent, relaxed: bool) -> AuditEvent:
    params = {
        **_event_params(event, relaxed),
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": json.dumps(event.data, ensure_ascii=False),
        "canonical": _canonical(event),
    }

    def append():
        rows = hotsql.fetch(_APPEND_SQL, params)
        return rows[0] if rows else None

    event.pk, event.prev_hash, event.hash = _on_head(event.chain + 1, append)
    return event


def _on_head(head_id: int, run):
    """``run()``, a statement appending to the chain of head row ``head_id`` that answers None when that row is
    missing, after creating the row (once per process). A row this process saw may be gone (created in a
    rolled-back transaction, or a restored database): it is created again and the statement run once more."""
    for _attempt in range(2):
        _ensure_head(head_id)
        result = run()
        if result is not None:
            return result
        _known_heads.discard(head_id)
    raise RuntimeError(f"audit chain head {head_id} could not be created")


def audit_personal_data_access(
    *,
    actor: User,
    organisation: Organisation | None,
    target,
    reason: str,
    kind: str = "viewed",
    data=None,
    relaxed_durability: bool = False,
) -> AuditEvent:
    """Record that personal data was viewed or exported, with the reason the user gave."""
    if not reason or not reason.strip():
        raise ValueError("a reason is required to access personal data")
    return audit_record(
        action=f"personal_data.{kind}",
        actor=actor,
        organisation=organisation,
        target=target,
        reason=reason.strip(),
        data=data,
        relaxed_durability=relaxed_durability,
    )


# -- an access and its audit event in one statement (PostgreSQL) -------------------------------------------------
#
# A call-centre look-up reads a few rows and must record which persons it read. Appending the event after the
# query costs a second round trip and a second transaction; here the query is a CTE of the append, so both are one
# statement. The event's data and target depend on the rows found ("found": how many; the one person's id as the
# target, or, when none or several were found, ``other_target`` and the ids of the first 20 in "victims"), so its
# canonical JSON (the hashed text) is assembled by the statement from parts laid out here by ``_canonical`` itself.

_MARKS = {"found": "\x00n", "victims": "\x00l", "target_id": "\x00i", "target_type": "\x00t"}
_ACCESS_SQL = f"""
WITH found AS MATERIALIZED ({{select}}),
summary AS (
    SELECT count(*) AS n, (array_agg(id ORDER BY id))[1:20] AS ids FROM found
), {_HEAD_CTES}, event AS (
    {_INSERT_EVENT}
           CASE WHEN summary.n = 1 THEN %(found_type)s::text ELSE %(other_type)s::text END,
           CASE WHEN summary.n = 1 THEN summary.ids[1]::text ELSE %(other_id)s::text END,
           %(reason)s::text,
           %(data)s::jsonb || jsonb_build_object('found', summary.n)
               || CASE WHEN summary.n > 1 THEN jsonb_build_object('victims', to_jsonb(summary.ids))
                       ELSE '{{{{}}}}'::jsonb END,
           head.last_hash,
           encode(sha256(convert_to(
               head.last_hash || E'\\n' || %(p0)s::text || summary.n::text || %(p1)s::text
               || CASE WHEN summary.n > 1 THEN ',"victims":[' || array_to_string(summary.ids, ',') || ']'
                       ELSE '' END
               || %(p2)s::text
               || CASE WHEN summary.n = 1 THEN '"' || summary.ids[1]::text || '"' ELSE %(other_id_json)s::text END
               || %(p3)s::text
               || CASE WHEN summary.n = 1 THEN %(found_type_json)s::text ELSE %(other_type_json)s::text END
               || %(p4)s::text, 'UTF8')), 'hex'),
           %(chain)s::smallint
    FROM head, durability, summary
    RETURNING id, prev_hash, hash
), moved AS (
    UPDATE core_auditchainhead SET last_hash = event.hash, last_event_id = event.id
    FROM event WHERE core_auditchainhead.id = %(head)s
)
SELECT event.id, found.* FROM (SELECT 1) AS one LEFT JOIN event ON true LEFT JOIN found ON true ORDER BY found.id
"""


def _canonical_parts(event: AuditEvent) -> list[str]:
    """``_canonical`` of an event whose found count, id list, target id and type are marks, cut at the marks."""
    text = _canonical(event)
    parts = []
    for name, mark in _MARKS.items():
        quoted = json.dumps(mark)
        cut = f',"{name}":{quoted}' if name == "victims" else quoted
        before, found, text = text.partition(cut)
        if not found:
            raise ValueError(f"{name} is not where the canonical layout puts it")
        parts.append(before)
    return [*parts, text]


@dataclass(frozen=True)
class _AccessLayout:
    """What an access event's statement needs besides its time: the parameters, and the first canonical part cut
    around the time (``_access_layout``)."""

    values: dict
    before_at: str
    after_at: str


_LAYOUT_AT = datetime(2000, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=1024)
def _access_layout(
    actor_id, actor_label, organisation_id, action, reason, data_json, chain, found_type, other_type, other_id
) -> _AccessLayout:
    """The parts of an access event that do not change from one look-up to the next of the same operator, reason
    and case: its canonical parts (``_canonical_parts``, the first one cut around the time) and its parameters.
    Laid out once, not per look-up (building the event and its canonical JSON was about a tenth of a look-up's
    CPU in a web worker)."""
    data = json.loads(data_json)
    event = AuditEvent(
        at=_LAYOUT_AT,
        actor_id=actor_id,
        actor_label=actor_label,
        organisation_id=organisation_id,
        action=action,
        target_type=_MARKS["target_type"],
        target_id=_MARKS["target_id"],
        reason=reason,
        data={**data, "found": _MARKS["found"], "victims": _MARKS["victims"]},
        chain=chain,
    )
    p0, p1, p2, p3, p4 = _canonical_parts(event)
    # Cut at the key (``"at":"`` cannot occur inside a JSON string: its quotes are escaped), not at the first text
    # that looks like the time (an e-mail address before it could hold one).
    at_key = '"at":"'
    before, found, after = p0.partition(f"{at_key}{_iso(_LAYOUT_AT)}")
    if not found:
        raise ValueError("the time is not where the canonical layout puts it")
    before += at_key
    fixed = {k: v for k, v in _event_params(event, relaxed=False).items() if k not in ("at", "relaxed")}
    values = {
        **fixed,
        "found_type": found_type,
        "found_type_json": json.dumps(found_type, ensure_ascii=False),
        "other_type": other_type,
        "other_id": other_id,
        "other_type_json": json.dumps(other_type, ensure_ascii=False),
        "other_id_json": json.dumps(other_id, ensure_ascii=False),
        "data": json.dumps(data, ensure_ascii=False),
        "p1": p1, "p2": p2, "p3": p3, "p4": p4,
    }  # fmt: skip
    return _AccessLayout(values, before, after)


def fetch_with_access_event(
    select_sql: str,
    params: dict,
    *,
    actor: User | None,
    organisation: Organisation | None,
    reason: str,
    kind: str,
    data: dict,
    found_type: str,
    other_target,
    relaxed_durability: bool = False,
) -> list[tuple]:
    """Run ``select_sql`` (PostgreSQL; its rows must have an ``id`` column, the ids of the persons read) and append
    its ``personal_data.<kind>`` event in the same statement: what ``audit_personal_data_access`` records after
    the query, with "found" (the number of rows) and "victims" (the first 20 ids, when several) added to ``data``,
    and the target (``found_type``, id) of the one row, or ``other_target`` when none or several. The rows, in id
    order. ``params`` are the select's named parameters (names not starting with an underscore)."""
    if not reason or not reason.strip():
        raise ValueError("a reason is required to access personal data")
    other_type, other_id = _target_parts(other_target)
    signed_in = actor is not None and actor.is_authenticated
    at = timezone.now().replace(tzinfo=UTC)
    chain = current_chain()
    layout = _access_layout(
        actor.pk if signed_in else None,
        actor.email if signed_in else "system",
        organisation.pk if organisation is not None else None,
        f"personal_data.{kind}",
        reason.strip(),
        json.dumps(data, ensure_ascii=False, sort_keys=True),
        chain,
        found_type,
        other_type,
        other_id,
    )
    values = {
        **layout.values,
        "relaxed": relaxed_durability and not connection.in_atomic_block,
        "at": at,
        "p0": layout.before_at + _iso(at) + layout.after_at,
        **params,
    }
    sql = _ACCESS_SQL.format(select=select_sql)

    def read_and_append():
        rows = hotsql.fetch(sql, values)
        return rows if rows and rows[0][0] is not None else None  # no event id: the head row is missing

    rows = _on_head(chain + 1, read_and_append)
    return [row[1:] for row in rows if any(value is not None for value in row[1:])]


@dataclass(slots=True)
class AccessRecord:
    """An access event waiting to be written (``audit_writer``): the fields ``compute_hash`` reads, and the
    chain's links once written. Not a model instance: building one per look-up cost a tenth of its CPU."""

    at: datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    action: str
    target_type: str
    target_id: str
    reason: str
    data: dict
    chain: int
    prev_hash: str = ""
    hash: str = ""


_RECORD_FIELDS = ("at", "actor_id", "actor_label", "organisation_id", "action", "target_type", "target_id", "reason",
                  "data", "chain")  # fmt: skip


def append_records(records: list[AccessRecord]) -> None:
    """Append ``records`` (of one chain, in order) through the ORM (``append_orm``); their links are set."""
    events = [AuditEvent(**{name: getattr(record, name) for name in _RECORD_FIELDS}) for record in records]
    append_orm(events)
    for record, event in zip(records, events, strict=True):
        record.prev_hash, record.hash = event.prev_hash, event.hash


def access_event(
    *,
    actor: User | None,
    organisation: Organisation | None,
    reason: str,
    kind: str,
    data: dict,
    found_ids: list[int],
    found_type: str,
    other_target,
) -> AccessRecord:
    """The ``personal_data.<kind>`` event ``fetch_with_access_event`` appends for a read of the persons
    ``found_ids``, not yet hashed or saved (for ``audit_writer``). The same fields: "found" and, when several,
    "victims" (the first 20 ids) added to ``data`` (JSON values only); the target the one person, else
    ``other_target``."""
    if not reason or not reason.strip():
        raise ValueError("a reason is required to access personal data")
    ids = sorted(found_ids)
    data = {**data, "found": len(ids)}
    if len(ids) > 1:
        data["victims"] = ids[:20]
    target_type, target_id = (found_type, str(ids[0])) if len(ids) == 1 else _target_parts(other_target)
    signed_in = actor is not None and actor.is_authenticated
    return AccessRecord(
        at=timezone.now().replace(tzinfo=UTC),
        actor_id=actor.pk if signed_in else None,
        actor_label=actor.email if signed_in else "system",
        organisation_id=organisation.pk if organisation is not None else None,
        action=f"personal_data.{kind}",
        target_type=target_type,
        target_id=target_id,
        reason=reason.strip(),
        data=data,
        chain=current_chain(),
    )


def _event_params(event: AuditEvent, relaxed: bool) -> dict:
    """The parameters of ``_HEAD_CTES`` and ``_INSERT_EVENT`` (and the event's reason and chain)."""
    return {
        "head": event.chain + 1,
        "relaxed": relaxed,
        "at": event.at,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "organisation": event.organisation_id,
        "action": event.action,
        "reason": event.reason,
        "chain": event.chain,
    }


def _ensure_head(head_id: int) -> None:
    """Create the chain's head row once per process (a concurrent creator's row is kept)."""
    if head_id in _known_heads:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditchainhead (id, last_hash, last_event_id) VALUES (%s, %s, 0) "
            "ON CONFLICT (id) DO NOTHING",
            [head_id, GENESIS_HASH],
        )
    _known_heads.add(head_id)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    checked: int
    broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000) -> ChainCheck:
    """Walk every chain in id order; report the first row whose link or content does not hold."""
    chains = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    chains |= {head_id - 1 for head_id in AuditChainHead.objects.values_list("id", flat=True)}
    checked = 0
    for chain in sorted(chains):
        result = _verify_one(chain, batch_size)
        if not result.ok:
            return ChainCheck(False, checked + result.checked, result.broken_id, result.problem)
        checked += result.checked
    return ChainCheck(True, checked)


def _verify_one(chain: int, batch_size: int) -> ChainCheck:
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(chain=chain, id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for event in rows:
            if event.prev_hash != prev:
                return ChainCheck(
                    False, checked, event.pk, "prev_hash does not match the previous row's hash"
                )
            if compute_hash(prev, event) != event.hash:
                return ChainCheck(False, checked, event.pk, "content does not match its hash")
            prev = event.hash
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(id=chain + 1).first()
    if head is not None and head.last_hash != prev:
        return ChainCheck(
            False, checked, head.last_event_id or None, "rows after the last valid row are missing"
        )
    return ChainCheck(True, checked)
