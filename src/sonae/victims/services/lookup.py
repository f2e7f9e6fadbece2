"""The call centre's look-up and the public self-service page (issue 6 points 5 and 6), and recorded inquiries.

A look-up finds a person by inquiry code, kana + birth date, or patient ID (blind indexes, ``keys``), confirms
the match against the decrypted record, and answers only what the caller needs: which items leaked, when the
letter was sent, the gift's status. Every look-up — found or not — is written to the audit log with the reason
the operator gave, and look-ups are rate-limited per user.

Audit write and durability: on PostgreSQL the candidates are read by one prepared statement and the look-up's
event (who, why, which persons were read) is written behind by the process's audit writer within 0.1 s
(``core.audit_writer``, ``SONAE_AUDIT_WRITE_BEHIND_MS``), which refuses look-ups (503) when it cannot write them.
With that setting at 0 the candidates are read and the event appended by one statement
(``audit.fetch_with_access_event``: one round trip and one transaction; the event records the persons whose
records were read, which are the ones answered about unless two 63-bit keys collide), committed with
``synchronous_commit = off`` (``SONAE_VICTIMS_LOOKUP_ASYNC_COMMIT``, default on; see
``audit_record(relaxed_durability=...)``): each audit chain serialises its writers on one row, and waiting for a
disk flush while holding it would cap look-ups at a few hundred a second. On SQLite the event is appended after
the read. Either way a lost event needs a crash (of the database server, or a worker killed outright within the
write-behind interval), and the chain stays valid. Changes to data are never written this way.
"""

from __future__ import annotations

import functools
import hmac
import time
import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from sonae.core import audit_writer, hotsql
from sonae.core.actors import Actor
from sonae.core.audit import access_event, append_records, audit_record, fetch_with_access_event
from sonae.core.errors import InvalidInput, NotFound
from sonae.core.keyring import get_keyring
from sonae.jp.calendar import tokyo_date
from sonae.jp.text import kana_key
from sonae.jp.wareki import parse_japanese_date
from sonae.victims import codes, ratelimit
from sonae.victims.importing.rows import key_of_kana, normalize_patient_id
from sonae.victims.items import labels_of
from sonae.victims.keys import (
    LINE_BITS,
    bucket_of,
    bucket_without,
    inquiry_key,
    job_and_line,
    kana_birth_key,
    lines_in_bucket,
    patient_key,
)
from sonae.victims.models import (
    GiftStatus,
    ImportStatus,
    Inquiry,
    InquiryCategory,
    InquiryChannel,
    LetterStatus,
    Victim,
    VictimCase,
    VictimKey,
    VictimKeyBucket,
)

from .common import audit_actor

MODES = {"code": "お問い合わせ番号", "kana_birth": "フリガナと生年月日", "patient_id": "患者ID"}
MAX_REASON = 200


@dataclass(frozen=True)
class Answer:
    """What a caller is told about one person: no name, address or numbers."""

    victim_id: int
    items: list[str]
    letter_status: str
    letter_sent_on: date | None
    gift_status: str
    excluded: bool

    def as_dict(self) -> dict:
        return {
            "victim_id": self.victim_id,
            "items": self.items,
            "letter_status": self.letter_status,
            "letter_sent_on": self.letter_sent_on.isoformat() if self.letter_sent_on else None,
            "gift_status": self.gift_status,
        }


@functools.cache
def _label(choices, value: str, language: str | None) -> str:
    """A status's label in ``language`` (translating a lazy label costs some 20 µs: twice on every answer)."""
    return str(choices(value).label)


def _answer(victim: Victim) -> Answer:
    language = translation.get_language()
    return Answer(
        victim_id=victim.pk,
        items=labels_of(victim.items),
        letter_status=_label(LetterStatus, victim.letter_status, language),
        letter_sent_on=victim.letter_sent_on,
        gift_status=_label(GiftStatus, victim.gift_status, language),
        excluded=victim.excluded,
    )


# The columns a look-up reads.
_CANDIDATE_COLUMNS = tuple(
    f.attname
    for f in Victim._meta.concrete_fields
    if f.attname
    in {"id", "row_key", "record", "items", "letter_status", "letter_sent_on", "gift_status", "excluded",
        "letter_sequence"}
)  # fmt: skip
_RECORD_FIELD = Victim._meta.get_field("record")
_CANDIDATES_SQL = (
    f"SELECT {', '.join('v.' + c for c in _CANDIDATE_COLUMNS)} FROM victims_victimkey k "
    "JOIN victims_victim v ON v.id = k.victim_id "
    "JOIN victims_importjob j ON j.id = v.import_job_id "
    "WHERE k.key = %(key)s AND v.incident_id = %(incident)s AND j.status = %(status)s"
)


class Candidate:
    """A person read by a look-up on PostgreSQL: what ``_answer`` and the checks read of a ``Victim`` (the columns
    of ``_CANDIDATE_COLUMNS``), with the record decrypted on first use as the model's field does it (same key,
    same binding to the row), but no model instance: in a busy web worker building one per row cost more than
    the rest of reading it."""

    __slots__ = (*(c for c in _CANDIDATE_COLUMNS if c != "record"), "sealed", "_record")

    def __init__(self, row):
        values = dict(zip(_CANDIDATE_COLUMNS, row, strict=True))
        self.sealed = bytes(values.pop("record"))
        for name, value in values.items():
            setattr(self, name, value)
        self._record = None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def record(self) -> dict:
        if self._record is None:
            aad = _RECORD_FIELD.aad_for(self.row_key)
            self._record = _RECORD_FIELD.decrypt_bound(self.sealed, aad, self.id)[0]
        return self._record


def _victims_of(rows) -> list[Candidate]:
    """Candidates from rows of ``_CANDIDATE_COLUMNS`` read by ``hotsql`` (PostgreSQL)."""
    return [Candidate(row) for row in rows]


def _candidates(incident_id: int, key: int) -> list[Victim] | list[Candidate]:
    """Victims of the case's committed imports holding inquiry-code ``key``: one indexed query, written out and
    prepared once per connection (a look-up is the hottest path of the call centre; building the query with the
    ORM, or planning it each time, costs more than running it)."""
    params = {"key": key, "incident": incident_id, "status": ImportStatus.COMMITTED.value}
    if connection.vendor != "postgresql":  # SQLite needs the ORM's converters (dates and UUIDs come as text)
        return list(Victim.objects.raw(_CANDIDATES_SQL, params))
    return _victims_of(hotsql.fetch(_CANDIDATES_SQL, params))


# Imported persons by kana+birth or patient ID (PostgreSQL, ``_audited_candidates``): the key's bucket of each
# committed import of the case, its keys scanned for the key (about 30 of them, 8 bytes each), the victim id
# rebuilt from the job and the line.
_BUCKET_SQL = (
    f"SELECT {', '.join('v.' + c for c in _CANDIDATE_COLUMNS)} FROM victims_victimkeybucket b "
    "JOIN victims_importjob j ON j.id = b.job_id "
    "CROSS JOIN LATERAL generate_series(0, length(b.keys) / 8 - 1) AS i "
    # (PostgreSQL's << and | share one precedence and group left to right: every shift in parentheses.)
    "JOIN victims_victim v ON v.id = ((b.job_id << 24) | (get_byte(b.lines, i * 4 + 1) << 16) "
    "| (get_byte(b.lines, i * 4 + 2) << 8) | get_byte(b.lines, i * 4 + 3)) "
    "WHERE b.incident_id = %(incident)s AND b.bucket = %(bucket)s AND j.status = %(status)s "
    "AND position(%(wanted)s IN b.keys) > 0 "
    "AND substring(b.keys FROM i * 8 + 1 FOR 8) = %(wanted)s AND v.incident_id = %(incident)s"
)


def _bucket_candidates(incident_id: int, key: int) -> list[Victim]:
    """SQLite: victims of the case's committed imports holding kana+birth or patient-ID ``key`` (``keys.py``):
    the buckets, then the victims (no round trips here). PostgreSQL reads them with ``_BUCKET_SQL``."""
    ids = []
    rows = VictimKeyBucket.objects.filter(
        incident_id=incident_id, bucket=bucket_of(key), job__status=ImportStatus.COMMITTED.value
    ).values_list("job_id", "keys", "lines")
    for job_id, keys, lines in rows:
        ids += [job_id << LINE_BITS | line for line in lines_in_bucket(bytes(keys), bytes(lines), key)]
    return list(Victim.objects.filter(pk__in=ids, incident_id=incident_id).order_by("pk")) if ids else []


def forget_lookup_keys(victim: Victim) -> None:
    """Remove every look-up key of an erased person (call before the record is blanked: the bucket keys are
    computed from it): their inquiry-code ``VictimKey`` row, and their entries in the buckets of their import
    (lists imported before buckets existed also have the inquiry code in a bucket, migration ``0003``). All or
    nothing: one transaction (a savepoint inside the caller's)."""
    with transaction.atomic():
        _forget_lookup_keys(victim)


def _forget_lookup_keys(victim: Victim) -> None:
    VictimKey.objects.filter(victim_id=victim.pk).delete()
    record = victim.record or {}
    keyring = get_keyring()
    keys = []
    if victim.letter_sequence is not None:
        keys.append(
            inquiry_key(
                keyring,
                victim.incident_id,
                codes.inquiry_digits(keyring, victim.incident_id, victim.letter_sequence),
            )
        )
    kana, birth = key_of_kana(record.get("kana", "")), record.get("birth", "")
    if kana and birth:
        keys.append(kana_birth_key(keyring, victim.incident_id, kana, birth))
    if patient := normalize_patient_id(record.get("patient", "")):
        keys.append(patient_key(keyring, victim.incident_id, patient))
    job_id, line = job_and_line(victim.pk)
    for bucket in {bucket_of(key) for key in keys}:
        row = VictimKeyBucket.objects.select_for_update().filter(
            incident_id=victim.incident_id, bucket=bucket, job_id=job_id
        )
        found = row.values_list("keys", "lines").first()
        if found is None:
            continue
        keys_left, lines_left = bucket_without(bytes(found[0]), bytes(found[1]), line)
        if keys_left:
            row.update(keys=keys_left, lines=lines_left)
        else:
            row.delete()


def victim_lookup(
    *,
    actor: Actor,
    incident,
    case: VictimCase,
    mode: str,
    reason: str,
    code: str = "",
    kana: str = "",
    birth: str = "",
    patient_id: str = "",
) -> list[Answer]:
    """Find persons of the case (see the module doc). The caller has checked the actor's access to the case's
    personal data (``selectors.require_personal``)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("照会の理由を入力してください（例: 本人からの電話問い合わせ）。", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"照会の理由は{MAX_REASON}文字までにしてください。", field="reason")
    if mode not in MODES:
        raise InvalidInput("検索の方法を選んでください。", field="mode")
    ratelimit.check_lookup(f"user:{actor.user.pk}" if actor.user is not None else f"token:{actor.token.pk}")
    keyring = get_keyring()
    if mode == "code":
        digits = codes.parse_code(code)
        if digits is None:
            raise InvalidInput(
                "お問い合わせ番号の形が正しくありません（例: SN-1234-5678-9012）。", field="code"
            )
        key = inquiry_key(keyring, incident.pk, digits)

        def matches(v: Victim) -> bool:
            return (
                v.letter_sequence is not None
                and codes.inquiry_digits(keyring, incident.pk, v.letter_sequence) == digits
            )

    elif mode == "kana_birth":
        wanted = kana_key(kana or "")
        if not wanted:
            raise InvalidInput("フリガナを入力してください。", field="kana")
        try:
            birth_iso = parse_japanese_date(birth or "").isoformat()
        except ValueError as exc:
            raise InvalidInput(str(exc), field="birth") from None
        key = kana_birth_key(keyring, incident.pk, wanted, birth_iso)

        def matches(v: Victim) -> bool:
            record = v.record
            return key_of_kana(record.get("kana", "")) == wanted and record.get("birth") == birth_iso

    else:
        wanted = normalize_patient_id(patient_id or "")
        if not wanted:
            raise InvalidInput("患者IDを入力してください。", field="patient_id")
        key = patient_key(keyring, incident.pk, wanted)

        def matches(v: Victim) -> bool:
            return normalize_patient_id(v.record.get("patient", "")) == wanted

    by_code = mode == "code"
    if connection.vendor == "postgresql":
        # The candidates and the audit event that records them (written behind, or in the same statement).
        candidates = _audited_candidates(actor, incident, mode, reason, key, by_code)
        return [_answer(v) for v in candidates if matches(v)]
    candidates = _candidates(incident.pk, key) if by_code else _bucket_candidates(incident.pk, key)
    found = [v for v in candidates if matches(v)]
    append_records([_lookup_event(actor, incident, mode, reason, found)])  # (SQLite: after the read)
    return [_answer(v) for v in found]


def _audited_candidates(
    actor: Actor, incident, mode: str, reason: str, key: int, by_code: bool
) -> list[Candidate]:
    """PostgreSQL: the candidates holding ``key`` (``_CANDIDATES_SQL`` or ``_BUCKET_SQL``) and the look-up's audit
    event, written behind (``core.audit_writer``) or in the same round trip. The event records the persons whose records the look-up
    read, which are those it answers about unless two keys collide (63-bit HMACs: not expected in practice; a
    record read and then refused is still recorded as read)."""
    committed = ImportStatus.COMMITTED.value
    if by_code:
        sql, params = _CANDIDATES_SQL, {"key": key, "incident": incident.pk, "status": committed}
    else:
        sql = _BUCKET_SQL
        params = {
            "incident": incident.pk,
            "bucket": bucket_of(key),
            "status": committed,
            "wanted": key.to_bytes(8),
        }
    interval = audit_writer.interval_seconds()
    if interval:  # the event written behind (``core.audit_writer``)
        candidates = _victims_of(hotsql.fetch(sql, params))
        audit_writer.writer().add(_lookup_event(actor, incident, mode, reason, candidates), interval)
        return candidates
    rows = fetch_with_access_event(
        sql,
        params,
        actor=actor.user,
        organisation=actor.organisation,
        reason=reason,
        kind="lookup",
        data={"incident": incident.reference, "by": mode},
        found_type=Victim._meta.label_lower,
        other_target=incident,
        relaxed_durability=getattr(settings, "SONAE_VICTIMS_LOOKUP_ASYNC_COMMIT", True),
    )
    return _victims_of(rows)


def _lookup_event(actor: Actor, incident, mode: str, reason: str, read: list):
    """The look-up's audit event (``audit.access_event``: the same fields as ``fetch_with_access_event``'s) for
    the persons ``read``, not yet written."""
    return access_event(
        actor=actor.user,
        organisation=actor.organisation,
        reason=reason,
        kind="lookup",
        data={"incident": incident.reference, "by": mode},
        found_ids=[v.pk for v in read],
        found_type=Victim._meta.label_lower,
        other_target=incident,
    )


# -- inquiries -------------------------------------------------------------------------------------------------


def inquiry_record(
    *,
    actor: Actor,
    incident,
    category: str,
    answer: str = "",
    follow_up: bool = False,
    victim: Victim | None = None,
    channel: str = InquiryChannel.PHONE,
) -> Inquiry:
    """Record one call: category, what was answered, whether someone must call back. The caller has checked
    access (``selectors.require_personal``)."""
    if category not in InquiryCategory.values:
        raise InvalidInput("問い合わせの区分を選んでください。", field="category")
    if channel not in InquiryChannel.values:
        raise InvalidInput("受付方法が正しくありません。", field="channel")
    answer = (answer or "").strip()
    if len(answer) > 2000:
        raise InvalidInput("回答内容は2,000文字までにしてください。", field="answer")
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            incident=incident,
            victim=victim,
            channel=channel,
            category=category,
            answer=answer,
            follow_up=follow_up,
            day=tokyo_date(timezone.now()),
            created_by=actor.user,
            organisation=actor.organisation,
        )
        audit_record(
            action="victims.inquiry_recorded",
            target=inquiry,
            data={
                "incident": incident.reference,
                "category": category,
                "victim": victim.pk if victim else None,
            },
            **audit_actor(actor, incident),
        )
    return inquiry


def inquiry_follow_up_done(*, actor: Actor, inquiry: Inquiry) -> Inquiry:
    with transaction.atomic():
        inquiry.follow_up_done_at = timezone.now()
        inquiry.save(update_fields=["follow_up_done_at", "updated_at"])
        audit_record(
            action="victims.inquiry_follow_up_done", target=inquiry, **audit_actor(actor, inquiry.incident)
        )
    return inquiry


# -- self-service --------------------------------------------------------------------------------------------------

SELF_SERVICE_FLOOR_SECONDS = 0.25
_DUMMY: dict = {}


def _dummy_row() -> tuple[bytes, uuid.UUID]:
    """A sealed record shaped like a real one, decrypted when no person matches (the same work either way)."""
    keyring = get_keyring()
    if _DUMMY.get("keyring") is not keyring:
        row_key = uuid.uuid4()
        record = {
            "name": "照合用 ダミー", "kana": "ショウゴウヨウ ダミー", "birth": "1970-01-01", "postal": "1000001",
            "address": "東京都千代田区千代田1丁目1番1号 照合用マンション101号室", "phone": "0312345678",
            "patient": "P00000000", "card": "記号1 番号1",
        }  # fmt: skip
        aad = Victim._meta.get_field("record").aad_for(row_key)
        _DUMMY.update(keyring=keyring, sealed=keyring.encrypt_record(record, aad), row_key=row_key)
    return _DUMMY["sealed"], _DUMMY["row_key"]


def self_service_case(token: str) -> VictimCase:
    """The case behind a public page, only while the provider has it switched on; otherwise NotFound."""
    case = (
        VictimCase.objects.select_related("incident__provider")
        .filter(self_service_token=token or "", self_service=True)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def self_service_answer(*, case: VictimCase, code: str, birth: str, client: str) -> Answer | None:
    """A person's own check: inquiry code + birth date → the minimal answer, or None.

    No enumeration: a wrong code, a wrong date, a malformed input and an excluded person all give None after the
    same work (one indexed query, one decryption — of a dummy record when nothing matched —, a constant-time
    comparison, one audit event, one inquiry row) and no sooner than ``SELF_SERVICE_FLOOR_SECONDS`` after the
    start. Throttled per client address and case, and per case overall.
    """
    started = time.monotonic()
    ratelimit.check_self_service(case.pk, client)
    keyring = get_keyring()
    incident = case.incident
    digits = codes.parse_code(code)
    valid = digits is not None
    try:
        birth_iso = parse_japanese_date(birth or "").isoformat()
    except ValueError:
        birth_iso, valid = "0000-00-00", False
    victims = _candidates(incident.pk, inquiry_key(keyring, incident.pk, digits or "000000000000"))
    victim = victims[0] if victims else None
    if victim is not None:
        record_birth = victim.record.get("birth", "")
    else:
        sealed, row_key = _dummy_row()
        aad = Victim._meta.get_field("record").aad_for(row_key)
        record_birth = keyring.decrypt_record(sealed, aad).get("birth", "")
    same_birth = hmac.compare_digest(record_birth.encode(), birth_iso.encode())
    matched = valid and victim is not None and same_birth and not victim.excluded
    with transaction.atomic():
        audit_record(
            action="victims.self_service_lookup",
            organisation=incident.provider,
            target=("victims.victim", str(victim.pk)) if matched else incident,
            data={"incident": incident.reference, "matched": matched},
        )
        Inquiry.objects.create(
            incident=incident,
            victim_id=victim.pk if matched else None,
            channel=InquiryChannel.WEB,
            category=InquiryCategory.AM_I_AFFECTED,
            day=tokyo_date(timezone.now()),
            organisation=incident.provider,
        )
    remaining = SELF_SERVICE_FLOOR_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    return _answer(victim) if matched else None
