"""Applications (加入依頼書): start from a quote, fill in, submit, review (return / accept), withdraw.

One map (``Application.STATUS_TRANSITIONS``) and one service (``application_transition``) decide every move.
Deadlines: the provider cannot start or submit after the application deadline; the agency may accept late, only
with a written reason, which the audit log keeps (issue 5; DESIGN §4 "late items need the agency's override").
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import DeadlinePassed, IllegalTransition, InvalidInput
from sonae.jp.wareki import format_date_ja
from sonae.programme.joining import deadline_passed

from ..models import Application, Quote
from ..rules import payer_key
from .common import next_number, now_or, require, require_own, user_of
from .quotes import quote_transition

S = Application.Status

EDITABLE_FIELDS = {
    "past_incidents",
    "past_incidents_detail",
    "known_circumstances",
    "known_circumstances_detail",
    "consent",
    "representative_name",
    "representative_title",
    "payer_kana",
}


def _late_reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("期限後の受付には、理由の記入が必要です。", field="reason")
    return reason


def application_start(
    *, actor: Actor, quote: Quote, plan: str, late_reason: str = "", at: datetime | None = None
) -> Application:
    """Accept a quote for one plan and open the application form (draft). After the application deadline only the
    agency may do this, with a written reason."""
    require(actor, "enrolment.application.edit")
    require_own(actor, quote.organisation_id)
    if plan not in quote.plans:
        raise InvalidInput(f"プラン{plan}はこの見積に含まれていません。", field="plan")
    instant = now_or(at)
    if deadline_passed(quote.application_deadline, instant):
        if actor.kind != "agency":
            raise DeadlinePassed(
                f"この見積の有効期限（加入依頼書の提出・保険料の払込期限 {format_date_ja(quote.application_deadline)}）"
                "を過ぎているため、加入の手続に進めません。取扱代理店にご相談ください。"
            )
        late_reason = _late_reason_required(late_reason)
    with transaction.atomic():
        quote_transition(actor=actor, quote=quote, to=Quote.Status.ACCEPTED, at=instant)
        application = Application.objects.create(
            number=next_number("A", quote.programme_year.code),
            quote=quote,
            organisation=quote.organisation,
            programme_year=quote.programme_year,
            plan=plan,
            premium=quote.premium_for(plan),
            payer_kana=quote.company_kana,
            payer_key=payer_key(quote.company_kana),
            created_at=instant,
        )
        audit_record(
            action="application.created",
            actor=user_of(actor),
            organisation=quote.organisation,
            target=application,
            reason=late_reason,
            data={
                "quote": quote.number,
                "plan": plan,
                "premium": application.premium,
                "late": bool(late_reason),
            },
        )
    return application


def application_update(*, actor: Actor, application: Application, data: dict) -> Application:
    """Change the form's fields (declarations, consent, representative, payer name) while it is a draft or returned."""
    require(actor, "enrolment.application.edit")
    require_own(actor, application.organisation_id)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"変更できない項目です: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in (S.DRAFT, S.RETURNED):
            raise IllegalTransition("提出済・受理済の加入依頼書は変更できません。")
        changed = []
        for name, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if "consent" in changed:
            locked.consented_at = now_or(None) if locked.consent else None
            changed.append("consented_at")
        if "payer_kana" in changed:
            locked.payer_key = payer_key(locked.payer_kana)
            changed.append("payer_key")
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(
                action="application.updated",
                actor=user_of(actor),
                organisation=locked.organisation,
                target=locked,
                data={"fields": sorted(set(changed) - {"consented_at", "payer_key"})},
            )
    application.refresh_from_db()
    return application


def _require_complete(application: Application) -> None:
    """A form is complete with the consent, the representative and the details of every declared fact."""
    if not application.consent:
        raise InvalidInput("重要事項・約款への同意が必要です。", field="consent")
    if not application.representative_name.strip():
        raise InvalidInput("代表者の氏名を入力してください。", field="representative_name")
    if application.past_incidents and not application.past_incidents_detail.strip():
        raise InvalidInput("過去の事故の内容を記入してください。", field="past_incidents_detail")
    if application.known_circumstances and not application.known_circumstances_detail.strip():
        raise InvalidInput("認識している事実の内容を記入してください。", field="known_circumstances_detail")


def application_transition(
    *, actor: Actor, application: Application, to: str, reason: str = "", at: datetime | None = None
) -> Application:
    """The one way an application changes status (``Application.STATUS_TRANSITIONS``), with who, when and why in
    the audit log. Issues the policy when an acceptance finds the premium paid."""
    if to in (S.SUBMITTED, S.WITHDRAWN):
        require(actor, "enrolment.application.edit")
        require_own(actor, application.organisation_id)
    elif to in (S.RETURNED, S.ACCEPTED):
        require(actor, "enrolment.application.review")
    else:
        raise IllegalTransition(f"加入依頼書を「{to}」にはできません。")
    instant = now_or(at)
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("quote").get(pk=application.pk)
        current = S(locked.status)
        if to not in Application.STATUS_TRANSITIONS[current]:
            raise IllegalTransition(
                f"加入依頼書の状態「{current.label}」から「{S(to).label}」へは変更できません。"
            )
        passed = deadline_passed(locked.deadline, instant)
        late = False
        fields = ["status", "updated_at"]
        if to == S.SUBMITTED:
            if passed:
                raise DeadlinePassed(
                    f"加入依頼書の提出期限（{format_date_ja(locked.deadline)}）を過ぎているため、提出できません。"
                    "取扱代理店にご相談ください。"
                )
            _require_complete(locked)
            locked.submitted_at = instant
            fields.append("submitted_at")
        elif to == S.RETURNED:
            reason = (reason or "").strip()
            if not reason:
                raise InvalidInput("差戻しの理由を記入してください。", field="reason")
            locked.return_reason, locked.returned_at = reason, instant
            fields += ["return_reason", "returned_at"]
        elif to == S.ACCEPTED:
            _require_complete(locked)
            on_time = current == S.SUBMITTED and not deadline_passed(locked.deadline, locked.submitted_at)
            if passed and not on_time:
                late = True
                locked.late_reason = _late_reason_required(reason)
                fields.append("late_reason")
            locked.accepted_at, locked.accepted_by = instant, user_of(actor)
            fields += ["accepted_at", "accepted_by"]
        locked.status = to
        locked.save(update_fields=fields)
        audit_record(
            action=f"application.{to}",
            actor=user_of(actor),
            organisation=locked.organisation,
            target=locked,
            reason=reason,
            data={"from": current.value, "to": to, "late": late, "deadline": locked.deadline.isoformat()},
        )
        if to == S.ACCEPTED:
            from .policies import policy_issue_if_ready

            policy_issue_if_ready(application=locked, actor=actor, at=instant)
    application.refresh_from_db()
    return application


def application_submit(*, actor: Actor, application: Application, at: datetime | None = None) -> Application:
    """Submit the form online (provider, or the agency on its behalf) before the deadline."""
    return application_transition(actor=actor, application=application, to=S.SUBMITTED, at=at)


def application_return(*, actor: Actor, application: Application, reason: str, at: datetime | None = None):
    """The agency returns a submitted form with its reasons; the provider edits and resubmits."""
    return application_transition(actor=actor, application=application, to=S.RETURNED, reason=reason, at=at)


def application_accept(
    *, actor: Actor, application: Application, reason: str = "", at: datetime | None = None
):
    """The agency accepts; after the deadline (unless submitted in time) only with a written reason."""
    return application_transition(actor=actor, application=application, to=S.ACCEPTED, reason=reason, at=at)


def application_withdraw(
    *, actor: Actor, application: Application, reason: str = "", at: datetime | None = None
):
    return application_transition(actor=actor, application=application, to=S.WITHDRAWN, reason=reason, at=at)
