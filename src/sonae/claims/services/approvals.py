"""Prior approval and consent: requested by the provider before spending, decided by the insurer with a reason;
every step audited (issue 7 point 3)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.jp.formatting import format_yen
from sonae.programme.coverage_items import ITEMS, item_label, part_of

from ..models import APPROVAL_TRANSITIONS, AttachmentKind, PriorApproval
from ..models.approvals import ApprovalStatus
from ..resolution import incident_coverage
from .attachments import store_attachment
from .common import (
    actor_label,
    audit_actor,
    next_number,
    notify_insurers,
    notify_organisation,
    require,
    require_own,
    url_or_blank,
)
from .expenses import MAX_AMOUNT

DECISIONS = {
    "approve": ApprovalStatus.APPROVED,
    "reduce": ApprovalStatus.REDUCED,
    "refuse": ApprovalStatus.REFUSED,
}


def approval_request(
    *,
    actor: Actor,
    incident,
    item: str,
    amount: int,
    reason: str,
    individuals: int | None = None,
    corporations: int | None = None,
    quotes: list[tuple[str, bytes]] = (),
) -> PriorApproval:
    """Ask the insurer to approve (or consent to) spending on an item whose terms require it, before spending.

    ``quotes`` are (file name, bytes) of the quotes attached, stored encrypted.
    """
    require(actor, "claims.approval.request")
    require_own(actor, incident)
    coverage = incident_coverage(incident).require()
    if item not in ITEMS:
        raise InvalidInput("費用項目を選んでください。", field="item")
    kind = coverage.approval_kind(item)
    if kind is None:
        raise InvalidInput(
            f"「{item_label(item)}」はこの契約では保険会社の事前承認・同意が不要です。そのまま費用として登録してください。",
            field="item",
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
        raise InvalidInput("予定額は1円以上の整数（円）で入力してください。", field="amount")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "費用が必要な理由を入力してください（保険会社の判断に使われます）。", field="reason"
        )
    if len(reason) > 4000:
        raise InvalidInput("理由は4000文字以内で入力してください。", field="reason")
    for name, value in (("individuals", individuals), ("corporations", corporations)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise InvalidInput("人数・法人数は0以上の整数で入力してください。", field=name)
    stored: list[str] = []
    try:
        with transaction.atomic():
            approval = PriorApproval.objects.create(
                number=next_number("APR", coverage.policy.programme_year.code),
                incident=incident,
                policy=coverage.policy,
                kind=kind,
                part=part_of(item),
                item=item,
                amount_requested=amount,
                reason=reason,
                individuals=individuals,
                corporations=corporations,
                requested_by=actor.user,
                requested_by_label=actor_label(actor),
                requested_at=timezone.now(),
            )
            for name, data in quotes:
                stored.append(
                    store_attachment(
                        actor=actor, name=name, data=data, kind=AttachmentKind.QUOTE, approval=approval
                    ).storage_name
                )
            audit_record(
                action="claims.approval_requested",
                target=approval,
                reason=reason,
                data={
                    "number": approval.number,
                    "incident": incident.reference,
                    "kind": kind,
                    "item": item,
                    "amount_requested": amount,
                    "quotes": len(stored),
                },
                **audit_actor(actor),
            )
            notify_insurers(
                title=f"{approval.get_kind_display()}の依頼（{approval.number}）",
                body=f"{incident.provider.name}: {item_label(item)} {format_yen(amount)}",
                url=url_or_blank("claims:approval_detail", approval.pk),
            )
    except BaseException:
        from django.core.files.storage import default_storage

        for name in stored:
            default_storage.delete(name)
        raise
    return approval


def approval_transition(
    *, actor: Actor, approval: PriorApproval, to_status: str, reason: str = "", amount: int | None = None
) -> PriorApproval:
    """The one place an approval changes state (``APPROVAL_TRANSITIONS``): the insurer approves, approves a lower
    amount or refuses (with a reason); the provider withdraws a pending request."""
    if to_status == ApprovalStatus.WITHDRAWN:
        require(actor, "claims.approval.request")
        require_own(actor, approval.incident)
    else:
        require(actor, "claims.approval.decide")
    reason = (reason or "").strip()
    with transaction.atomic():
        approval = (
            PriorApproval.objects.select_for_update().select_related("incident__provider").get(pk=approval.pk)
        )
        if to_status not in APPROVAL_TRANSITIONS.get(approval.status, frozenset()):
            raise IllegalTransition(
                f"{approval.get_status_display()}の依頼は「{ApprovalStatus(to_status).label if to_status in ApprovalStatus.values else to_status}」にできません。"
            )
        if to_status == ApprovalStatus.APPROVED:
            approval.amount_approved = approval.amount_requested
        elif to_status == ApprovalStatus.REDUCED:
            if (
                isinstance(amount, bool)
                or not isinstance(amount, int)
                or not 1 <= amount < approval.amount_requested
            ):
                raise InvalidInput(
                    f"承認額は1円以上、依頼額（{format_yen(approval.amount_requested)}）未満の整数で入力してください。",
                    field="amount",
                )
            if not reason:
                raise InvalidInput("減額の理由を入力してください。", field="reason")
            approval.amount_approved = amount
        elif to_status == ApprovalStatus.REFUSED:
            if not reason:
                raise InvalidInput("不承認の理由を入力してください。", field="reason")
            approval.amount_approved = None
        previous = approval.status
        approval.status = to_status
        approval.decision_reason = reason
        approval.decided_by = actor.user
        approval.decided_by_label = actor_label(actor)
        approval.decided_at = timezone.now()
        approval.save(
            update_fields=[
                "status",
                "amount_approved",
                "decision_reason",
                "decided_by",
                "decided_by_label",
                "decided_at",
                "updated_at",
            ]
        )
        audit_record(
            action=f"claims.approval_{to_status}",
            target=approval,
            reason=reason,
            data={
                "number": approval.number,
                "from": previous,
                "to": to_status,
                "amount_requested": approval.amount_requested,
                "amount_approved": approval.amount_approved,
            },
            **audit_actor(actor),
        )
        if to_status != ApprovalStatus.WITHDRAWN:
            notify_organisation(
                approval.incident.provider,
                title=f"{approval.get_kind_display()}の結果: {approval.get_status_display()}（{approval.number}）",
                body=reason,
                url=url_or_blank("claims:approval_detail", approval.pk),
            )
        # Claims of the case still open for calculation follow the decision.
        from .claims import recalculate_open_claims

        recalculate_open_claims(incident=approval.incident)
    return approval


def approval_decide(
    *, actor: Actor, approval: PriorApproval, decision: str, reason: str = "", amount: int | None = None
) -> PriorApproval:
    """The insurer's decision: ``approve``, ``reduce`` (approve a lower ``amount``) or ``refuse``."""
    if decision not in DECISIONS:
        raise InvalidInput("判断（承認・減額して承認・不承認）を選んでください。", field="decision")
    return approval_transition(
        actor=actor, approval=approval, to_status=DECISIONS[decision], reason=reason, amount=amount
    )
