"""Claims: created from unclaimed expenses, calculated with the contract's pure function, moved through one
transition map with every step audited (who, when, why), and paid (issue 7 points 4–5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput
from sonae.jp.calendar import tokyo_date
from sonae.jp.formatting import format_yen
from sonae.jp.wareki import format_date_ja
from sonae.webhooks import emitters as webhooks

from ..coverage import calculate, parse_claim_input
from ..inputs import (
    LineInput,
    already_paid_for,
    contract_input,
    deductible_used_for,
    line_inputs,
    terms_for_claim,
    usage_from,
)
from ..models import STATUS_TRANSITIONS, Claim, ClaimEvent, ClaimLine, ClaimStatus, Expense, Payment
from ..models.claims import OPEN_STATUSES
from ..resolution import incident_coverage
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
from .coverage import require_coverage_confirmed

PROVIDER_TARGETS = frozenset({ClaimStatus.SUBMITTED, ClaimStatus.RESUBMITTED, ClaimStatus.WITHDRAWN})
INSURER_TARGETS = frozenset(
    {
        ClaimStatus.UNDER_REVIEW,
        ClaimStatus.INFO_REQUESTED,
        ClaimStatus.APPROVED,
        ClaimStatus.PARTLY_APPROVED,
        ClaimStatus.REJECTED,
    }
)
REASON_REQUIRED = {
    ClaimStatus.INFO_REQUESTED: "必要な資料・確認事項を入力してください。",
    ClaimStatus.PARTLY_APPROVED: "一部認定の理由を入力してください。",
    ClaimStatus.REJECTED: "不支払の理由を入力してください。",
}
# Claims whose calculation still follows changes (expenses, approvals, other claims' decisions).
RECALCULATED_STATUSES = frozenset({ClaimStatus.DRAFT}) | OPEN_STATUSES

Adjustments = Mapping[int, tuple[int, str]]


def _status_label(code: str) -> str:
    return ClaimStatus(code).label if code in ClaimStatus.values else code


# --- calculation -----------------------------------------------------------------------------------------------


def claim_expenses(claim: Claim) -> list[Expense]:
    return list(claim.expenses.select_related("approval", "task").order_by("spent_on", "id"))


def compute(claim: Claim, adjustments: Adjustments | None = None) -> tuple[dict, dict, list[LineInput]]:
    """(contract input, contract output, line inputs) of the claim as it stands: the policy's terms with the
    deductible this incident already bore, what other claims of the policy used, the expenses with approvals
    and the insurer's assessed amounts. Reads only."""
    terms = terms_for_claim(
        claim.policy.coverage_terms(), deductible_used_for(claim.incident, claim.policy, exclude=claim)
    )
    lines = line_inputs(claim_expenses(claim), adjustments)
    document = contract_input(
        terms=terms, already_paid=already_paid_for(claim.policy, exclude=claim), lines=lines
    )
    parsed = parse_claim_input(document)
    output = calculate(parsed.terms, parsed.already_paid, parsed.expenses).to_dict()
    return document, output, lines


def claim_calculate(*, claim: Claim, adjustments: Adjustments | None = None) -> Claim:
    """Recalculate a claim that is not decided yet and store the result: lines (expense snapshot, amount used,
    eligible amount, reasons), the contract input and output, and the totals."""
    if claim.status not in RECALCULATED_STATUSES:
        raise IllegalTransition(f"{_status_label(claim.status)}の請求は再計算できません。")
    document, output, lines = compute(claim, adjustments)
    results = {str(e["id"]): e for e in output["expenses"]}
    with transaction.atomic():
        claim.lines.all().delete()
        ClaimLine.objects.bulk_create(
            [
                ClaimLine(
                    claim=claim,
                    expense=line.expense,
                    position=index,
                    spent_on=line.expense.spent_on,
                    payee=line.expense.payee,
                    description=line.expense.description,
                    part=line.expense.part,
                    item=line.expense.item,
                    amount=line.expense.amount,
                    individuals=line.expense.individuals,
                    corporations=line.expense.corporations,
                    consent=line.consent,
                    prior_approval=line.prior_approval,
                    approval_number=line.approval_number,
                    accepted_amount=line.accepted_amount,
                    adjustment_reason=line.adjustment_reason,
                    claimed_amount=line.amount,
                    eligible=results[str(line.expense.pk)]["eligible"],
                    reasons=line.notes + list(results[str(line.expense.pk)]["reasons"]),
                )
                for index, line in enumerate(lines, start=1)
            ]
        )
        claim.calculation = {"input": document, "output": output}
        claim.amount_expenses = sum(line.expense.amount for line in lines)
        claim.amount_calculated = output["total_payable"]
        claim.save(update_fields=["calculation", "amount_expenses", "amount_calculated", "updated_at"])
    return claim


def recalculate_open_claims(*, incident=None, policy=None, exclude: Claim | None = None) -> int:
    """Recalculate the undecided claims of an incident or a policy after something they depend on changed
    (an approval decided, another claim decided). Returns how many were recalculated."""
    qs = Claim.objects.filter(status__in=RECALCULATED_STATUSES).select_related("policy", "incident")
    if incident is not None:
        qs = qs.filter(incident=incident)
    if policy is not None:
        qs = qs.filter(policy=policy)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    count = 0
    for claim in qs:
        claim_calculate(claim=claim)
        count += 1
    return count


# --- creation --------------------------------------------------------------------------------------------------


def claim_create(
    *, actor: Actor, incident, expenses: Iterable[Expense] | None = None, note: str = ""
) -> Claim:
    """A draft claim from unclaimed expenses of the provider's own case (all of them when ``expenses`` is None),
    under the policy in force at the incident's discovery. One draft per case at a time."""
    require(actor, "claims.claim.submit")
    require_own(actor, incident)
    coverage = incident_coverage(incident).require()
    note = (note or "").strip()
    if len(note) > 4000:
        raise InvalidInput("連絡事項は4000文字以内で入力してください。", field="note")
    with transaction.atomic():
        draft = Claim.objects.filter(incident=incident, status=ClaimStatus.DRAFT).first()
        if draft is not None:
            raise InvalidInput(
                f"作成中の請求（{draft.number}）があります。その請求を提出するか取り下げてから作成してください。",
                code="draft_exists",
            )
        unclaimed = Expense.objects.select_for_update().filter(incident=incident, claim__isnull=True)
        if expenses is None:
            chosen = list(unclaimed)
        else:
            wanted = {e.pk for e in expenses}
            chosen = list(unclaimed.filter(pk__in=wanted))
            if len(chosen) != len(wanted):
                raise InvalidInput(
                    "選んだ費用に、この案件のものでない費用か、すでに請求に含めた費用があります。",
                    field="expenses",
                )
        if not chosen:
            raise InvalidInput("請求に含める費用がありません。先に費用を登録してください。", field="expenses")
        claim = Claim.objects.create(
            number=next_number("CLM", coverage.policy.programme_year.code),
            incident=incident,
            policy=coverage.policy,
            note=note,
            created_by=actor.user,
            created_by_label=actor_label(actor),
        )
        Expense.objects.filter(pk__in=[e.pk for e in chosen]).update(claim=claim)
        claim_calculate(claim=claim)
        _event(claim, actor, "", ClaimStatus.DRAFT, note)
        audit_record(
            action="claims.claim_created",
            target=claim,
            data={
                "number": claim.number,
                "incident": incident.reference,
                "policy": coverage.policy.number,
                "expenses": sorted(e.pk for e in chosen),
                "amount_calculated": claim.amount_calculated,
            },
            **audit_actor(actor),
        )
    return claim


# --- the lifecycle ---------------------------------------------------------------------------------------------


def _event(
    claim: Claim, actor: Actor | None, from_status: str, to_status: str, reason: str, amount=None
) -> None:
    ClaimEvent.objects.create(
        claim=claim,
        at=timezone.now(),
        actor=actor.user if actor else None,
        actor_label=actor_label(actor),
        actor_organisation=actor.organisation if actor else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        amount=amount,
    )


def _clean_adjustments(claim: Claim, adjustments: Adjustments | None) -> dict[int, tuple[int, str]]:
    """The insurer's assessed amounts that actually lower a line, validated (expense id → (amount, reason))."""
    amounts = dict(claim.expenses.values_list("pk", "amount"))
    cleaned = {}
    for expense_id, (accepted, reason) in (adjustments or {}).items():
        if expense_id not in amounts:
            raise InvalidInput("この請求に含まれない費用の査定額が指定されました。", field="adjustments")
        if isinstance(accepted, bool) or not isinstance(accepted, int) or accepted < 0:
            raise InvalidInput(
                "査定額は0円以上の整数（円）で入力してください。", field=f"adjustments.{expense_id}"
            )
        if accepted >= amounts[expense_id]:
            continue  # not a reduction
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(
                "減額した明細には査定の理由を入力してください。", field=f"adjustments.{expense_id}"
            )
        cleaned[expense_id] = (accepted, reason[:500])
    return cleaned


def claim_transition(
    *,
    actor: Actor,
    claim: Claim,
    to_status: str,
    reason: str = "",
    adjustments: Adjustments | None = None,
) -> Claim:
    """The one place a claim changes state (``STATUS_TRANSITIONS``); illegal moves raise IllegalTransition.

    Provider: submit / answer a request for information (resubmit) / withdraw a draft. Insurer: take into review,
    ask for more information, approve (the calculated amount), partly approve (lines assessed lower, with reasons)
    or reject (with a reason). ``paid`` is recorded with ``claim_pay``. Submitting and deciding recalculate;
    a decision fixes what the claim takes from the policy period's limits.
    """
    reason = (reason or "").strip()
    if to_status == ClaimStatus.PAID:
        raise IllegalTransition("支払済みにするには、支払の記録（支払日・支払額）を登録してください。")
    if to_status in PROVIDER_TARGETS:
        require(actor, "claims.claim.submit")
        require_own(actor, claim.incident)
    elif to_status in INSURER_TARGETS:
        require(actor, "claims.claim.review")
    else:
        raise IllegalTransition(f"「{to_status}」という状態はありません。")
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update().select_related("incident__provider", "policy").get(pk=claim.pk)
        )
        previous = claim.status
        if to_status not in STATUS_TRANSITIONS.get(previous, frozenset()):
            raise IllegalTransition(
                f"請求（{claim.number}）は{_status_label(previous)}のため、「{_status_label(to_status)}」にできません。"
            )
        if to_status in REASON_REQUIRED and not reason:
            raise InvalidInput(REASON_REQUIRED[to_status], field="reason")
        if len(reason) > 4000:
            raise InvalidInput("理由・連絡事項は4000文字以内で入力してください。", field="reason")
        now = timezone.now()
        fields = ["status", "status_changed_at"]
        amount = None
        if to_status in (ClaimStatus.SUBMITTED, ClaimStatus.RESUBMITTED):
            if not claim.expenses.exists():
                raise InvalidInput("費用が1件もない請求は提出できません。", field="expenses")
            claim.status = to_status  # recalculated as an open claim
            claim_calculate(claim=claim)
            claim.amount_requested = amount = claim.amount_calculated
            fields.append("amount_requested")
            if to_status == ClaimStatus.SUBMITTED:
                claim.submitted_at = now
                fields.append("submitted_at")
        elif to_status in (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED):
            amount = _decide(claim, to_status, reason, adjustments, fields)
            # Issue 12: no approval on an incident not covered (or needing review) without the insurer's override.
            require_coverage_confirmed(claim)
            claim.decided_at = now
            fields.append("decided_at")
        elif to_status == ClaimStatus.REJECTED:
            claim.amount_approved = amount = 0
            claim.usage = {}
            claim.decision_reason = reason
            claim.decided_at = now
            fields += ["amount_approved", "usage", "decision_reason", "decided_at"]
        elif to_status == ClaimStatus.WITHDRAWN:
            claim.lines.all().delete()
            claim.expenses.update(claim=None)  # the expenses are free to claim again
        claim.status = to_status
        claim.status_changed_at = now
        claim.save(update_fields=sorted({*fields, "updated_at"}))
        _event(claim, actor, previous, to_status, reason, amount)
        audit_record(
            action=f"claims.claim_{to_status}",
            target=claim,
            reason=reason,
            data={
                "number": claim.number,
                "incident": claim.incident.reference,
                "from": previous,
                "to": to_status,
                "amount_calculated": claim.amount_calculated,
                "amount_requested": claim.amount_requested,
                "amount_approved": claim.amount_approved,
            },
            **audit_actor(actor),
        )
        webhooks.claim_status_changed(claim, from_status=previous)
        if to_status in (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED):
            # Later claims of the policy now have less left of the limits.
            recalculate_open_claims(policy=claim.policy, exclude=claim)
        _notify_transition(claim, to_status, reason)
    return claim


def _decide(
    claim: Claim, to_status: str, reason: str, adjustments: Adjustments | None, fields: list[str]
) -> int:
    from sonae.enrolment.models import Policy

    # One decision per policy at a time: each sees the limits the previous one left.
    Policy.objects.select_for_update().filter(pk=claim.policy_id).first()
    cleaned = _clean_adjustments(claim, adjustments)
    if to_status == ClaimStatus.APPROVED and cleaned:
        raise InvalidInput("明細を減額する場合は「一部認定」を選んでください。", field="adjustments")
    if to_status == ClaimStatus.PARTLY_APPROVED and not cleaned:
        raise InvalidInput(
            "一部認定では、減額する明細の査定額と理由を入力してください。", field="adjustments"
        )
    claim_calculate(claim=claim, adjustments=cleaned)
    if claim.amount_calculated <= 0:
        raise InvalidInput(
            "支払対象額が0円のため認定できません。理由を付けて不支払としてください。", field="adjustments"
        )
    calc = claim.calculation
    claim.amount_approved = claim.amount_calculated
    claim.usage = usage_from(calc["input"], calc["output"])
    claim.decision_reason = reason
    fields += ["amount_approved", "usage", "decision_reason"]
    return claim.amount_approved


def _notify_transition(claim: Claim, to_status: str, reason: str) -> None:
    url = url_or_blank("claims:detail", claim.number)
    title = f"保険金請求 {claim.number}: {_status_label(to_status)}"
    if to_status in (ClaimStatus.SUBMITTED, ClaimStatus.RESUBMITTED):
        notify_insurers(
            title=title,
            body=f"{claim.incident.provider.name} {format_yen(claim.amount_requested or 0)}",
            url=url,
        )
    elif to_status in INSURER_TARGETS:
        notify_organisation(claim.incident.provider, title=title, body=reason, url=url)


def claim_pay(
    *, actor: Actor, claim: Claim, paid_on: date, amount: int | None = None, reference: str = ""
) -> Payment:
    """Record the insurer's payment of an approved or partly approved claim (the approved amount, once) and mark
    the claim paid."""
    require(actor, "claims.claim.pay")
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise InvalidInput("管理番号は100文字以内で入力してください。", field="reference")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("incident__provider").get(pk=claim.pk)
        previous = claim.status
        if ClaimStatus.PAID not in STATUS_TRANSITIONS.get(previous, frozenset()):
            raise IllegalTransition(
                f"請求（{claim.number}）は{_status_label(previous)}のため、支払を記録できません（認定後に記録します）。"
            )
        amount = claim.amount_approved if amount is None else amount
        if amount != claim.amount_approved:
            raise InvalidInput(
                f"支払額は認定額（{format_yen(claim.amount_approved or 0)}）と同じ額を入力してください。",
                field="amount",
            )
        if not isinstance(paid_on, date):
            raise InvalidInput("支払日を入力してください。", field="paid_on")
        today = tokyo_date(timezone.now())
        if paid_on > today:
            raise InvalidInput("未来の支払日は登録できません。", field="paid_on")
        if claim.decided_at and paid_on < tokyo_date(claim.decided_at):
            raise InvalidInput("支払日は認定日以降の日付を入力してください。", field="paid_on")
        payment = Payment.objects.create(
            claim=claim,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor.user,
            recorded_by_label=actor_label(actor),
        )
        now = timezone.now()
        claim.status = ClaimStatus.PAID
        claim.amount_paid = amount
        claim.paid_at = now
        claim.status_changed_at = now
        claim.save(update_fields=["status", "amount_paid", "paid_at", "status_changed_at", "updated_at"])
        _event(claim, actor, previous, ClaimStatus.PAID, reference, amount)
        audit_record(
            action="claims.claim_paid",
            target=claim,
            data={
                "number": claim.number,
                "incident": claim.incident.reference,
                "from": previous,
                "amount_paid": amount,
                "paid_on": paid_on.isoformat(),
                "payment": payment.pk,
            },
            **audit_actor(actor),
        )
        webhooks.claim_status_changed(claim, from_status=previous)
        notify_organisation(
            claim.incident.provider,
            title=f"保険金のお支払い（{claim.number}）",
            body=f"{format_yen(amount)}を{format_date_ja(paid_on)}にお支払いしました。",
            url=url_or_blank("claims:detail", claim.number),
        )
    return payment
