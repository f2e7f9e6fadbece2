"""The claim calculation itself (claims-contract.md v1, "Calculation, in this order, for each part").

Pure (no Django), no I/O: dataclasses in, dataclasses out. See ``sonae.claims.coverage`` for the readings of the
contract this implements.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .model import (
    PART_REASONS,
    AlreadyPaid,
    Expense,
    ExpenseResult,
    ItemTerms,
    PartResult,
    PartTerms,
    Result,
    Terms,
)


def expense_eligible(expense: Expense, item: ItemTerms | None) -> ExpenseResult:
    """Step 1: the eligible amount of one expense under its item's terms (None = item not covered), with reasons.

    A refused expense (not covered, consent or prior approval missing) is 0 and stops there; the per-person cap
    is reported only when it actually lowered the amount.
    """
    # claims-contract v1, step 1
    if item is None:
        return ExpenseResult(expense.id, 0, ("not_covered",))
    refusals = []
    if item.requires_consent and expense.consent is not True:
        refusals.append("no_consent")
    if item.requires_prior_approval and expense.prior_approval is not True:
        refusals.append("no_prior_approval")
    if refusals:
        return ExpenseResult(expense.id, 0, tuple(refusals))
    if item.has_per_person_cap:
        # Missing counts and a missing per-kind cap count as 0: nothing is paid for victims nobody counted.
        cap = (expense.individuals or 0) * (item.per_individual_cap or 0) + (expense.corporations or 0) * (
            item.per_corporation_cap or 0
        )
        if cap < expense.amount:
            return ExpenseResult(expense.id, cap, ("capped_per_person",))
    return ExpenseResult(expense.id, expense.amount, ())


def apply_pay_ratio(amount: int, pay_ratio: Decimal) -> int:
    """``floor(amount × pay_ratio)`` exactly: integer arithmetic on the ratio's exact fraction, never a float and
    never a Decimal context that could round a large product."""
    numerator, denominator = pay_ratio.as_integer_ratio()
    return amount * numerator // denominator


def _in_step_order(reasons: set[str]) -> tuple[str, ...]:
    # De-duplicated and always in the order the steps run, whichever item triggered a reason first.
    return tuple(code for code in PART_REASONS if code in reasons)


def calculate(terms: Terms, already_paid: AlreadyPaid, expenses: Sequence[Expense]) -> Result:
    """What the policy pays for ``expenses`` under ``terms``, given what earlier claims already used.

    Follows claims-contract.md v1 steps 1–4: eligible per expense → per item ``floor(sum × pay_ratio)`` capped by
    the remaining sublimit → per part the sum of items, minus the deductible once, capped by the remaining part
    limit. Parts are reported in order of first appearance among the expenses, then the remaining parts of the
    terms; items in order of first appearance among the expenses.
    """
    expense_results: list[ExpenseResult] = []
    eligible_sums: dict[str, dict[str, int]] = {}
    for expense in expenses:
        part_terms = terms.parts.get(expense.part)
        item_terms = part_terms.items.get(expense.item) if part_terms is not None else None
        result = expense_eligible(expense, item_terms)
        expense_results.append(result)
        part_sums = eligible_sums.setdefault(expense.part, {})
        part_sums[expense.item] = part_sums.get(expense.item, 0) + result.eligible

    part_names = list(eligible_sums) + [name for name in terms.parts if name not in eligible_sums]
    parts = {
        name: _part_result(terms.parts.get(name), already_paid, name, eligible_sums.get(name, {}))
        for name in part_names
    }
    return Result(tuple(expense_results), parts)


def _part_result(
    part_terms: PartTerms | None, already_paid: AlreadyPaid, part_name: str, item_sums: dict[str, int]
) -> PartResult:
    reasons: set[str] = set()
    items: dict[str, int] = {}
    for item_name, eligible_sum in item_sums.items():
        item_terms = part_terms.items.get(item_name) if part_terms is not None else None
        if item_terms is None:
            items[item_name] = 0  # every expense of it was not_covered
            continue
        # claims-contract v1, step 2: pay ratio first, then what is left of the item's sublimit.
        amount = apply_pay_ratio(eligible_sum, item_terms.pay_ratio)
        if amount < eligible_sum:
            reasons.add("pay_ratio")
        if item_terms.sublimit is not None:
            room = max(0, item_terms.sublimit - already_paid.item(item_name))
            if amount > room:
                amount = room
                reasons.add("sublimit")
        items[item_name] = amount

    before_deductible = sum(items.values())
    if part_terms is None:
        # A part the policy does not have: nothing to pay and no limit to report.
        return PartResult(items, before_deductible, 0, 0, _in_step_order(reasons))

    # claims-contract v1, step 3: the deductible once per part, then what is left of the part's limit for the policy period.
    after_deductible = max(0, before_deductible - part_terms.deductible)
    if after_deductible < before_deductible:
        reasons.add("deductible")
    room = max(0, part_terms.limit - already_paid.part(part_name))
    payable = min(after_deductible, room)
    if payable < after_deductible:
        reasons.add("limit")
    return PartResult(items, before_deductible, payable, room - payable, _in_step_order(reasons))
