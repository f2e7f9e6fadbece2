"""The claim calculation laid out for people (issue 7 point 4): per expense what is eligible and why not, per
item, per part, the deductible, and the limits left for the policy period.

Pure (no Django). Every figure comes from the contract's input and output (``sonae.claims.coverage``); the
intermediate steps an adjuster wants to see (sum of eligible, after the pay ratio) are recomputed with the engine's
own ``apply_pay_ratio`` so they always add up to the engine's results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .coverage import apply_pay_ratio, item_label, part_label, reason_label

# Reasons of Sonae's own on a claim line, besides the contract's codes.
LINE_REASON_LABELS: dict[str, str] = {
    "approval_cap": "事前承認・同意の額を超える部分は対象外です",
    "adjusted": "保険会社の査定により減額しました",
}


def line_reason_label(code: str) -> str:
    """Japanese text of a line reason (contract code or Sonae's own)."""
    return LINE_REASON_LABELS.get(code) or reason_label(code)


@dataclass(frozen=True)
class ItemRow:
    part: str
    item: str
    label: str
    eligible_sum: int
    pay_ratio: Decimal
    after_ratio: int
    sublimit: int | None
    used_before: int
    result: int
    remaining_after: int | None

    @property
    def pay_ratio_percent(self) -> str:
        return f"{(self.pay_ratio * 100).normalize():f}%"

    @property
    def ratio_applied(self) -> bool:
        return self.after_ratio < self.eligible_sum

    @property
    def sublimit_applied(self) -> bool:
        return self.result < self.after_ratio


@dataclass(frozen=True)
class PartRow:
    part: str
    label: str
    items: list[ItemRow]
    before_deductible: int
    deductible: int
    deductible_applied: int
    limit: int | None
    used_before: int
    payable: int
    limit_remaining: int
    reasons: list[str]

    @property
    def reason_labels(self) -> list[str]:
        return [reason_label(code) for code in self.reasons]

    @property
    def limit_applied(self) -> bool:
        return self.payable < self.before_deductible - self.deductible_applied


@dataclass(frozen=True)
class Breakdown:
    parts: list[PartRow]
    total_payable: int
    total_claimed: int
    expenses: dict[str, dict] = field(default_factory=dict)

    def expense(self, expense_id) -> dict:
        return self.expenses.get(str(expense_id), {"eligible": 0, "reasons": []})


def _ratio(value) -> Decimal:
    if value is None:
        return Decimal(1)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def build_breakdown(contract_input: dict, output: dict) -> Breakdown:
    """Lay out one calculation (contract input and output objects, as stored) for the claim screen and the PDF."""
    terms = contract_input.get("terms") or {}
    paid = contract_input.get("already_paid") or {}
    paid_items = paid.get("items") or {}
    eligible_by_id = {str(e["id"]): e for e in output.get("expenses", [])}

    sums: dict[str, dict[str, int]] = {}
    claimed = 0
    for expense in contract_input.get("expenses", []):
        claimed += expense["amount"]
        result = eligible_by_id.get(str(expense["id"]), {"eligible": 0})
        part_sums = sums.setdefault(expense["part"], {})
        part_sums[expense["item"]] = part_sums.get(expense["item"], 0) + result["eligible"]

    parts: list[PartRow] = []
    for part, part_out in (output.get("parts") or {}).items():
        part_terms = terms.get(part) or {}
        items_terms = part_terms.get("items") or {}
        rows = []
        for item, result in ((output.get("items") or {}).get(part) or {}).items():
            item_terms = items_terms.get(item)
            eligible_sum = sums.get(part, {}).get(item, 0)
            ratio = _ratio((item_terms or {}).get("pay_ratio"))
            after_ratio = apply_pay_ratio(eligible_sum, ratio) if item_terms is not None else 0
            sublimit = (item_terms or {}).get("sublimit")
            used = paid_items.get(item, 0)
            rows.append(
                ItemRow(
                    part=part,
                    item=item,
                    label=item_label(item),
                    eligible_sum=eligible_sum,
                    pay_ratio=ratio,
                    after_ratio=after_ratio,
                    sublimit=sublimit,
                    used_before=used,
                    result=result,
                    remaining_after=None if sublimit is None else max(0, sublimit - used - result),
                )
            )
        deductible = part_terms.get("deductible", 0) or 0
        before = part_out["before_deductible"]
        parts.append(
            PartRow(
                part=part,
                label=part_label(part),
                items=rows,
                before_deductible=before,
                deductible=deductible,
                deductible_applied=min(before, deductible) if part in terms else 0,
                limit=part_terms.get("limit") if part in terms else None,
                used_before=paid.get(part, 0) or 0,
                payable=part_out["payable"],
                limit_remaining=part_out["limit_remaining"],
                reasons=list((output.get("reasons") or {}).get(part, [])),
            )
        )
    return Breakdown(
        parts=parts,
        total_payable=output.get("total_payable", 0),
        total_claimed=claimed,
        expenses={
            key: {"eligible": e["eligible"], "reasons": list(e["reasons"])}
            for key, e in eligible_by_id.items()
        },
    )


@dataclass(frozen=True)
class LimitRow:
    code: str
    label: str
    limit: int | None
    used: int

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class PartLimits:
    part: LimitRow
    deductible: int
    items: list[LimitRow]


def limits_overview(terms: dict, already_paid: dict) -> list[PartLimits]:
    """What is left of each part's limit and each item's sublimit for the policy period, given what approved and
    paid claims of the policy have used (``already_paid`` in the contract's shape)."""
    paid_items = already_paid.get("items") or {}
    result = []
    for part, data in terms.items():
        items = [
            LimitRow(item, item_label(item), (conditions or {}).get("sublimit"), paid_items.get(item, 0))
            for item, conditions in (data.get("items") or {}).items()
        ]
        result.append(
            PartLimits(
                part=LimitRow(part, part_label(part), data.get("limit"), already_paid.get(part, 0) or 0),
                deductible=data.get("deductible", 0) or 0,
                items=items,
            )
        )
    return result
