"""Building the claims contract's input for a claim: terms, what earlier claims used, and the expenses.

- ``terms``: the plan's coverage terms (``resolution.incident_coverage``), with each part's deductible reduced by
  what decided claims of the same incident already bore — the deductible applies once per incident, so an interim
  claim takes it and a later claim of the same incident does not take it again.
- ``already_paid``: what approved, partly approved and paid claims of the same POLICY (every incident of the
  policy period) used, per part (payable) and per item (item result before the deductible and the part limit, as
  the contract reports items) — so interim claims reduce the remaining sublimits and limits.
- ``expenses``: one entry per expense, its amount lowered to what a granted prior approval / consent allows
  (the approved amount is shared by the expenses linked to it, in date order) and to the insurer's assessed
  amount when the adjuster reduced a line; ``consent`` / ``prior_approval`` true when a granted approval of the
  same item is linked.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .models import Claim, Expense, PriorApproval
from .models.claims import USING_STATUSES


@dataclass
class LineInput:
    """What goes into the calculation for one expense, and why its amount was lowered (Sonae's own reasons)."""

    expense: Expense
    amount: int
    consent: bool
    prior_approval: bool
    approval_number: str = ""
    accepted_amount: int | None = None
    adjustment_reason: str = ""
    notes: list[str] = field(default_factory=list)

    def contract_entry(self) -> dict:
        entry = {
            "id": str(self.expense.pk),
            "part": self.expense.part,
            "item": self.expense.item,
            "amount": self.amount,
        }
        if self.expense.individuals is not None:
            entry["individuals"] = self.expense.individuals
        if self.expense.corporations is not None:
            entry["corporations"] = self.expense.corporations
        entry["consent"] = self.consent
        entry["prior_approval"] = self.prior_approval
        return entry


def _add(target: dict, key: str, amount: int) -> None:
    target[key] = target.get(key, 0) + int(amount or 0)


def using_claims(policy, *, exclude: Claim | None = None):
    """Claims of the policy whose amounts count against its limits (approved, partly approved, paid)."""
    qs = Claim.objects.filter(policy=policy, status__in=USING_STATUSES)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def already_paid_for(policy, *, exclude: Claim | None = None) -> dict:
    """The contract's ``already_paid`` for a claim under ``policy``: the usage of every other using claim."""
    parts: dict[str, int] = {}
    items: dict[str, int] = {}
    for usage in using_claims(policy, exclude=exclude).values_list("usage", flat=True):
        for part, amount in (usage.get("parts") or {}).items():
            _add(parts, part, amount)
        for item, amount in (usage.get("items") or {}).items():
            _add(items, item, amount)
    return {**parts, "items": items}


def deductible_used_for(incident, policy, *, exclude: Claim | None = None) -> dict[str, int]:
    """Per part, the deductible already borne by decided claims of this incident under this policy."""
    used: dict[str, int] = {}
    for usage in (
        using_claims(policy, exclude=exclude).filter(incident=incident).values_list("usage", flat=True)
    ):
        for part, amount in (usage.get("deductible") or {}).items():
            _add(used, part, amount)
    return used


def terms_for_claim(terms: Mapping, deductible_used: Mapping[str, int]) -> dict:
    """The plan's terms with each part's deductible lowered by what this incident's earlier claims bore."""
    result = copy.deepcopy(dict(terms))
    for part, data in result.items():
        data["deductible"] = max(0, int(data.get("deductible", 0) or 0) - int(deductible_used.get(part, 0)))
    return result


def approval_allowances(expenses: Iterable[Expense]) -> dict[int, int]:
    """Per expense linked to a granted approval, how much of it the approval allows.

    The approved amount is shared by all expenses linked to the approval (claimed or not), in date order — the
    first costs use it up first.
    """
    approval_ids = {e.approval_id for e in expenses if e.approval_id}
    allowance: dict[int, int] = {}
    for approval in PriorApproval.objects.filter(pk__in=approval_ids):
        if not approval.is_granted:
            continue
        left = approval.amount_approved or 0
        for expense in approval.expenses.order_by("spent_on", "id"):
            allowance[expense.pk] = min(expense.amount, left)
            left = max(0, left - expense.amount)
    return allowance


def line_inputs(
    expenses: list[Expense], adjustments: Mapping[int, tuple[int, str]] | None = None
) -> list[LineInput]:
    """The calculation entries of ``expenses`` (with their approvals) and the insurer's ``adjustments``
    (expense id → (assessed amount, reason))."""
    adjustments = adjustments or {}
    allowance = approval_allowances(expenses)
    lines = []
    for expense in expenses:
        approval = expense.approval
        granted = approval is not None and approval.is_granted and approval.item == expense.item
        amount = expense.amount
        notes: list[str] = []
        if granted and expense.pk in allowance and allowance[expense.pk] < amount:
            amount = allowance[expense.pk]
            notes.append("approval_cap")
        accepted, reason = adjustments.get(expense.pk, (None, ""))
        if accepted is not None and accepted < amount:
            amount = accepted
            notes.append("adjusted")
        lines.append(
            LineInput(
                expense=expense,
                amount=amount,
                # One granted approval of the item is the insurer's word for both flags the contract knows.
                consent=granted,
                prior_approval=granted,
                approval_number=approval.number if approval is not None else "",
                accepted_amount=accepted,
                adjustment_reason=reason if accepted is not None else "",
                notes=notes,
            )
        )
    return lines


def contract_input(*, terms: Mapping, already_paid: Mapping, lines: list[LineInput]) -> dict:
    """The JSON object ``sonae claims calculate`` takes."""
    return {
        "terms": dict(terms),
        "already_paid": dict(already_paid),
        "expenses": [line.contract_entry() for line in lines],
    }


def usage_from(contract: Mapping, output: Mapping) -> dict:
    """What a decided claim takes from the policy period: part payable, item results, deductible borne."""
    terms = contract.get("terms") or {}
    parts = {part: data["payable"] for part, data in (output.get("parts") or {}).items() if data["payable"]}
    items: dict[str, int] = {}
    for part_items in (output.get("items") or {}).values():
        for item, amount in part_items.items():
            if amount:
                _add(items, item, amount)
    deductible = {}
    for part, data in (output.get("parts") or {}).items():
        if part in terms:
            borne = min(data["before_deductible"], int(terms[part].get("deductible", 0) or 0))
            if borne:
                deductible[part] = borne
    return {"parts": parts, "items": items, "deductible": deductible}
