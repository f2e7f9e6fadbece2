"""Claim calculation: what the policy pays for the expenses of one incident (claims-contract.md, version 1).

Pure (no Django). The code lives in ``sonae.claims.calculation`` (model, parse, engine, payload, labels); this
module is the public face used by the CLI (``sonae claims calculate``), the API and the claim screens.

How the contract is read (where its text leaves room, the choice made here):

Per expense (step 1) — reasons ``not_covered``, ``no_consent``, ``no_prior_approval``, ``capped_per_person``:
- ``not_covered``: the expense's part is not in the terms, or its item is not listed under that part.
- ``no_consent`` / ``no_prior_approval``: the item requires it and the expense's flag is not ``true`` (false or
  missing). If both are required and missing, both reasons, in that order. A refused expense is 0 whatever its
  amount and gets no further reasons.
- ``capped_per_person``: only when the cap was binding (cap < amount). The worked example's E2 (cap = amount) has
  no reason. When an item has a per-person cap, a missing count (individuals / corporations) or a missing per-kind
  cap counts as 0 — nothing is paid for victims nobody counted (conservative).
- Reasons of one expense are de-duplicated and in the contract's order.

Per part (steps 2–3) — reasons ``pay_ratio``, ``sublimit``, ``deductible``, ``limit`` go into
``reasons[part]``, and only when that step lowered the amount: ``pay_ratio`` when the item's ratio cut a positive
sum; ``sublimit`` when the remaining sublimit (``sublimit − already_paid.items[item]``, never below 0) was below
the amount after the ratio — so an exhausted sublimit gives 0 with ``sublimit``; ``deductible`` when it reduced a
positive sum (the example's liability, deductible 0, has none); ``limit`` likewise. Expense reasons never appear in
``reasons[part]`` (the example's liability part has ``[]`` though E3 was refused). A part's list is de-duplicated
and in step order (pay_ratio, sublimit, deductible, limit).

Arithmetic: ``floor(sum of eligible × pay_ratio)`` per item with the ratio as an exact fraction and integer
division (no float, no Decimal rounding even for huge sums); ``pay_ratio`` is parsed from the raw JSON as a
Decimal, or from a float through ``Decimal(str(x))`` so 0.9 is exactly 9/10. Remaining limits never go negative:
with ``already_paid`` above the limit, payable and ``limit_remaining`` are 0.

Output shape:
- ``expenses``: every expense in input order.
- ``items``: per part, every item that had at least one expense (refused and uncovered ones at 0), in order of
  first appearance; items of the terms without expenses are left out (as in the worked example, which omits
  call_center, damages and cooperation). ``already_paid.items`` is keyed by item name alone, as in the contract, so
  it applies to an item of that name in any part.
- ``parts`` and ``reasons``: every part that had expenses (in order of first appearance — the example lists costs
  before liability) followed by every other part of the terms, so the remaining limit of each part is always
  reported. A part with expenses but absent from the terms is reported with 0 payable and 0 limit remaining.
- ``total_payable`` = sum of the parts' ``payable``; ``limit_remaining = limit − already_paid[part] − payable``.

Bad input (``InvalidInput``; CLI exit 2; ``field`` is the path of the value): a part name other than liability,
costs, business_interruption — in terms, already_paid or an expense (a valid part that the terms lack is merely
not covered); negative or non-integer yen amounts and counts; pay_ratio not a number in [0, 1]; booleans that are
not true/false; missing required fields (terms; each part's limit and items; each expense's id, part, item,
amount); duplicate expense ids; invalid JSON. ``already_paid`` and optional fields may be left out or null.
"""

from __future__ import annotations

from .calculation.engine import apply_pay_ratio, calculate, expense_eligible
from .calculation.labels import (
    ITEM_LABELS,
    PART_LABELS,
    REASON_LABELS,
    item_label,
    part_label,
    reason_label,
)
from .calculation.model import (
    CONTRACT_VERSION,
    EXPENSE_REASONS,
    PART_REASONS,
    PARTS,
    REASONS,
    AlreadyPaid,
    ClaimInput,
    Expense,
    ExpenseResult,
    ItemTerms,
    PartResult,
    PartTerms,
    Result,
    Terms,
)
from .calculation.parse import loads, parse_claim_input
from .calculation.payload import calculate_json_payload, error_payload

__all__ = [
    "CONTRACT_VERSION",
    "EXPENSE_REASONS",
    "ITEM_LABELS",
    "PART_LABELS",
    "PART_REASONS",
    "PARTS",
    "REASONS",
    "REASON_LABELS",
    "AlreadyPaid",
    "ClaimInput",
    "Expense",
    "ExpenseResult",
    "ItemTerms",
    "PartResult",
    "PartTerms",
    "Result",
    "Terms",
    "apply_pay_ratio",
    "calculate",
    "calculate_json_payload",
    "error_payload",
    "expense_eligible",
    "item_label",
    "loads",
    "parse_claim_input",
    "part_label",
    "reason_label",
]
