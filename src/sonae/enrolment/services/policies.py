"""Policies: issued when the application is accepted and paid; cancelled with an effective date and reason."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.jp.calendar import TOKYO
from sonae.programme.selectors import terms_for

from ..models import Application, Policy
from ..selectors import policy_number_key
from .common import next_number, now_or, require, user_of


def _ready(application: Application) -> bool:
    status = application.payment_status
    return application.status == Application.Status.ACCEPTED and (
        status == "paid" or (status == "overpaid" and bool(application.overpayment_note))
    )


def policy_issue_if_ready(
    *, application: Application, actor: Actor | None = None, at: datetime | None = None
):
    """Issue the policy once the application is accepted and its premium paid (exactly, or over-paid with the
    excess settled). Returns the policy, or None while something is missing. Idempotent."""
    existing = Policy.objects.filter(application=application).first()
    if existing is not None:
        return existing
    application = Application.objects.select_related("quote", "programme_year", "organisation").get(
        pk=application.pk
    )
    if not _ready(application):
        return None
    instant = now_or(at)
    quote = application.quote
    with transaction.atomic():
        policy = Policy.objects.create(
            number=(number := next_number("P", application.programme_year.code, 6)),
            number_key=policy_number_key(number),
            application=application,
            organisation=application.organisation,
            programme_year=application.programme_year,
            plan=application.plan,
            premium=application.premium,
            joining=quote.joining,
            cover_start=quote.cover_start,
            cover_end=quote.cover_end,
            insured_name=quote.company_name,
            corporate_number=quote.corporate_number,
            business_codes=quote.business_codes,
            issued_at=instant,
        )
        audit_record(
            action="policy.issued",
            actor=user_of(actor),
            organisation=application.organisation,
            target=policy,
            data={
                "number": policy.number,
                "application": application.number,
                "plan": policy.plan,
                "cover_start": policy.cover_start.isoformat(),
                "issued_after_cover_start": instant > policy.cover_start,
            },
        )
        _notify_members(policy)
    return policy


def _notify_members(policy: Policy) -> None:
    from sonae.core.models import Membership
    from sonae.core.services import notify

    for membership in Membership.objects.filter(organisation=policy.organisation).select_related("user"):
        notify(
            user=membership.user,
            organisation=policy.organisation,
            title=f"加入者証を発行しました（{policy.number}）",
            body="保険期間の開始日時から補償が始まります。加入者証はSonaeからダウンロードできます。",
        )


def policy_transition(
    *,
    actor: Actor,
    policy: Policy,
    to: str,
    reason: str = "",
    effective_date: date | None = None,
    at: datetime | None = None,
) -> Policy:
    """The one way a policy changes status (``Policy.STATUS_TRANSITIONS``: in force → cancelled).

    Cancellation takes effect at the cover time (16:00 JST) of ``effective_date``, like the start and the end of
    the period; a date before the cover start cancels it from the start (it never becomes active).
    """
    require(actor, "enrolment.policy.cancel")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Policy.objects.select_for_update().select_related("programme_year").get(pk=policy.pk)
        current = Policy.Status(locked.status)
        if to not in Policy.STATUS_TRANSITIONS[current]:
            raise IllegalTransition(
                f"契約の状態「{current.label}」から「{Policy.Status(to).label}」へは変更できません。"
            )
        if not reason:
            raise InvalidInput("解約の理由を入力してください。", field="reason")
        if effective_date is None:
            raise InvalidInput("解約日を入力してください。", field="effective_date")
        cover_time = terms_for(locked.programme_year).mid_term.cover_time
        effective_at = max(datetime.combine(effective_date, cover_time, tzinfo=TOKYO), locked.cover_start)
        if effective_at >= locked.cover_end:
            raise InvalidInput("解約日は保険期間内の日付を指定してください。", field="effective_date")
        locked.status = to
        locked.cancel_effective_at = effective_at
        locked.cancel_reason = reason
        locked.save(update_fields=["status", "cancel_effective_at", "cancel_reason", "updated_at"])
        audit_record(
            action="policy.cancelled",
            actor=user_of(actor),
            organisation=locked.organisation,
            target=locked,
            reason=reason,
            data={"effective_at": effective_at.isoformat(), "requested_at": now_or(at).isoformat()},
        )
    policy.refresh_from_db()
    return policy


def policy_cancel(
    *, actor: Actor, policy: Policy, effective_date: date, reason: str, at: datetime | None = None
):
    """Cancel a policy from ``effective_date`` (16:00 JST) for ``reason``."""
    return policy_transition(
        actor=actor,
        policy=policy,
        to=Policy.Status.CANCELLED,
        reason=reason,
        effective_date=effective_date,
        at=at,
    )
