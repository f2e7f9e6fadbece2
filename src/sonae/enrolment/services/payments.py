"""Premium payments by bank transfer: import the bank's deposit list, match deposits to applications.

Automatic matching takes only the unambiguous case: one application whose payer key (normalised kana) equals the
deposit's and whose outstanding premium equals the amount, deposited by the deadline. Everything else waits for
the agency, side by side with the unpaid applications; a partial or over-payment is matched only when the agency
confirms the difference with a note, and is shown as such (never as "paid").
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.jp.wareki import format_date_ja

from ..files import read_table
from ..models import Application, Deposit, DepositImport
from ..parsing import parse_deposits
from .common import now_or, require, user_of
from .policies import policy_issue_if_ready

S = Application.Status


class ImportRejected(InvalidInput):
    """A file with bad rows, not imported. ``errors`` lists {line, messages}."""

    code = "import_rejected"

    def __init__(self, message: str, *, errors: list[dict], total: int):
        super().__init__(message)
        self.errors = errors
        self.total = total


def _fingerprint(row: dict, occurrence: int) -> str:
    """Same date, payer and amount as an earlier upload (the same bank list again) → the same fingerprint; two
    identical lines in one file differ by their occurrence number."""
    text = f"{row['deposited_on']}|{row['payer_name']}|{row['amount']}|{occurrence}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def deposit_import(
    *, actor: Actor, file_name: str, data: bytes, accept_valid_only: bool = False, at: datetime | None = None
) -> DepositImport:
    """Import a deposit list (CSV, UTF-8 or CP932; or XLSX) and match what is unambiguous. A file with bad rows is
    refused whole (ImportRejected, every bad line listed) unless ``accept_valid_only``; deposits already imported
    from an earlier list are skipped."""
    require(actor, "enrolment.payment.manage")
    table = read_table(data, file_name)
    parsed = parse_deposits(table)
    if parsed.errors and not accept_valid_only:
        raise ImportRejected(
            f"エラーのある行が{len(parsed.errors)}行あるため、取り込んでいません。",
            errors=parsed.error_dicts,
            total=parsed.total,
        )
    with transaction.atomic():
        upload = DepositImport.objects.create(
            organisation=actor.organisation,
            uploaded_by=user_of(actor),
            uploaded_at=now_or(at),
            file_name=file_name[:200],
            encoding=table.encoding,
            rows_total=parsed.total,
            errors=parsed.error_dicts,
        )
        seen: Counter = Counter()
        new = duplicate = 0
        for row in parsed.rows:
            triple = (row["deposited_on"], row["payer_name"], row["amount"])
            seen[triple] += 1
            fingerprint = _fingerprint(row, seen[triple])
            if Deposit.objects.filter(fingerprint=fingerprint).exists():
                duplicate += 1
                continue
            Deposit.objects.create(
                deposit_import=upload,
                line=row["line"],
                deposited_on=date.fromisoformat(row["deposited_on"]),
                payer_name=row["payer_name"][:200],
                payer_key=row["payer_key"][:200],
                amount=row["amount"],
                fingerprint=fingerprint,
            )
            new += 1
        matched = deposits_auto_match(actor=actor, at=at)
        upload.rows_new, upload.rows_duplicate, upload.rows_matched = new, duplicate, matched
        upload.save(update_fields=["rows_new", "rows_duplicate", "rows_matched"])
        audit_record(
            action="deposit.imported",
            actor=user_of(actor),
            organisation=actor.organisation,
            target=upload,
            reason="正しい行のみ取込" if parsed.errors else "",
            data={
                "rows": parsed.total,
                "new": new,
                "duplicate": duplicate,
                "matched": matched,
                "skipped_lines": [e.line for e in parsed.errors],
            },
        )
    return upload


def _allocate(
    *,
    deposit: Deposit,
    application: Application,
    kind: str,
    actor: Actor | None,
    auto: bool,
    note: str,
    at: datetime | None,
) -> None:
    deposit.status = Deposit.Status.MATCHED
    deposit.application = application
    deposit.match_kind = kind
    deposit.matched_automatically = auto
    deposit.matched_by = user_of(actor)
    deposit.matched_at = now_or(at)
    deposit.note = note
    deposit.save()
    audit_record(
        action="deposit.matched",
        actor=user_of(actor),
        organisation=application.organisation,
        target=deposit,
        reason=note,
        data={
            "application": application.number,
            "amount": deposit.amount,
            "kind": kind,
            "automatic": auto,
            "late": deposit.deposited_on > application.deadline,
        },
    )


def deposits_auto_match(*, actor: Actor | None = None, at: datetime | None = None) -> int:
    """Match each unmatched deposit to the one application with the same payer key and exactly that outstanding
    amount, deposited by the deadline. Returns how many were matched."""
    with transaction.atomic():
        return _auto_match(actor=actor, at=at)


def _auto_match(*, actor: Actor | None, at: datetime | None) -> int:
    matched = 0
    open_apps = list(
        Application.objects.select_related("quote", "organisation")
        .filter(status__in=[S.SUBMITTED, S.ACCEPTED], policy__isnull=True)
        .exclude(payer_key="")
    )
    for deposit in (
        Deposit.objects.select_for_update()
        .filter(status=Deposit.Status.UNMATCHED)
        .order_by("deposited_on", "id")
    ):
        candidates = [
            a
            for a in open_apps
            if a.payer_key == deposit.payer_key
            and a.outstanding == deposit.amount
            and deposit.deposited_on <= a.deadline
        ]
        if len(candidates) != 1:
            continue
        application = candidates[0]
        _allocate(
            deposit=deposit,
            application=application,
            kind=Deposit.Match.EXACT,
            actor=actor,
            auto=True,
            note="",
            at=at,
        )
        matched += 1
        policy_issue_if_ready(application=application, actor=actor, at=at)
    return matched


def deposit_match(
    *,
    actor: Actor,
    deposit: Deposit,
    application: Application,
    note: str = "",
    accept_difference: bool = False,
    at: datetime | None = None,
) -> Deposit:
    """Match a deposit to an application by hand. A partial or over-payment needs ``accept_difference`` and a note;
    a deposit after the payment deadline needs a note (the reason it is accepted)."""
    require(actor, "enrolment.payment.manage")
    note = (note or "").strip()
    with transaction.atomic():
        locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.status != Deposit.Status.UNMATCHED:
            raise IllegalTransition("この入金はすでに消込済み、または対象外にされています。")
        app = Application.objects.select_for_update().select_related("quote").get(pk=application.pk)
        if app.status not in (S.SUBMITTED, S.ACCEPTED) or hasattr(app, "policy"):
            raise IllegalTransition("提出済または受理済で、契約が未発行の加入依頼にのみ消し込めます。")
        outstanding = app.outstanding
        if locked.amount == outstanding:
            kind = Deposit.Match.EXACT
        elif locked.amount < outstanding:
            kind = Deposit.Match.PARTIAL
        else:
            kind = Deposit.Match.OVER
        if kind != Deposit.Match.EXACT:
            difference = abs(outstanding - locked.amount)
            words = "不足" if kind == Deposit.Match.PARTIAL else "過大"
            if not accept_difference:
                raise InvalidInput(
                    f"金額が一致しません（未入金残高 {outstanding:,}円に対し入金 {locked.amount:,}円、"
                    f"{difference:,}円の{words}）。相違を確認したうえで消し込んでください。",
                    field="accept_difference",
                )
            if not note:
                raise InvalidInput(f"金額の{words}についてメモを入力してください。", field="note")
        if locked.deposited_on > app.deadline and not note:
            raise InvalidInput(
                f"払込期限（{format_date_ja(app.deadline)}）後の入金です。受け付ける理由をメモに入力してください。",
                field="note",
            )
        _allocate(deposit=locked, application=app, kind=kind, actor=actor, auto=False, note=note, at=at)
        policy_issue_if_ready(application=app, actor=actor, at=at)
    deposit.refresh_from_db()
    return deposit


def deposit_unmatch(*, actor: Actor, deposit: Deposit, reason: str) -> Deposit:
    """Undo a match (before the policy is issued), with a reason."""
    require(actor, "enrolment.payment.manage")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("取消しの理由を入力してください。", field="reason")
    with transaction.atomic():
        locked = (
            Deposit.objects.select_for_update(of=("self",)).select_related("application").get(pk=deposit.pk)
        )
        if locked.status != Deposit.Status.MATCHED:
            raise IllegalTransition("消込済みの入金ではありません。")
        if hasattr(locked.application, "policy"):
            raise IllegalTransition("契約発行済みの入金の消込は取り消せません。")
        application = locked.application
        locked.status, locked.application, locked.match_kind = Deposit.Status.UNMATCHED, None, ""
        locked.matched_automatically, locked.matched_by, locked.matched_at = False, None, None
        locked.save()
        audit_record(
            action="deposit.unmatched",
            actor=user_of(actor),
            organisation=application.organisation,
            target=locked,
            reason=reason,
            data={"application": application.number},
        )
    deposit.refresh_from_db()
    return deposit


def deposit_ignore(*, actor: Actor, deposit: Deposit, reason: str) -> Deposit:
    """Set a deposit aside as not a premium (e.g. another payment), with a reason."""
    require(actor, "enrolment.payment.manage")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("対象外とする理由を入力してください。", field="reason")
    with transaction.atomic():
        locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
        if locked.status != Deposit.Status.UNMATCHED:
            raise IllegalTransition("未消込の入金のみ対象外にできます。")
        locked.status, locked.note = Deposit.Status.IGNORED, reason
        locked.save(update_fields=["status", "note"])
        audit_record(
            action="deposit.ignored",
            actor=user_of(actor),
            organisation=actor.organisation,
            target=locked,
            reason=reason,
        )
    deposit.refresh_from_db()
    return deposit


def application_resolve_overpayment(
    *, actor: Actor, application: Application, note: str, at: datetime | None = None
):
    """Record how an over-payment is settled (e.g. the excess refunded); the policy can then be issued."""
    require(actor, "enrolment.payment.manage")
    note = (note or "").strip()
    if not note:
        raise InvalidInput("過入金の処理内容（返金予定など）を入力してください。", field="note")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.payment_status != "overpaid":
            raise IllegalTransition("過入金の加入依頼ではありません。")
        locked.overpayment_note = note
        locked.save(update_fields=["overpayment_note", "updated_at"])
        audit_record(
            action="application.overpayment_resolved",
            actor=user_of(actor),
            organisation=locked.organisation,
            target=locked,
            reason=note,
            data={"excess": locked.paid_total - locked.premium},
        )
        policy_issue_if_ready(application=locked, actor=actor, at=at)
    application.refresh_from_db()
    return application
