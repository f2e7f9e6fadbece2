"""Plain data of the claim calculation: coverage terms, earlier payments, expenses in; results out.

Pure (no Django). Money is ``int`` yen; the pay ratio is an exact ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sonae.programme.coverage_items import PARTS as _PART_VOCABULARY

CONTRACT_VERSION = 1

# The parts of the policy (insurance-and-sector.md §2.4, §7): liability, response costs, optional business
# interruption — the shared vocabulary. Any other part name is invalid input.
PARTS: tuple[str, ...] = tuple(_PART_VOCABULARY)

# Reasons attached to one expense (calculation step 1), in the contract's order.
EXPENSE_REASONS: tuple[str, ...] = ("not_covered", "no_consent", "no_prior_approval", "capped_per_person")
# Reasons attached to a part (steps 2 and 3), in the order the steps run.
PART_REASONS: tuple[str, ...] = ("pay_ratio", "sublimit", "deductible", "limit")
REASONS: tuple[str, ...] = EXPENSE_REASONS + PART_REASONS


@dataclass(frozen=True, slots=True)
class ItemTerms:
    """One covered item of a part (e.g. costs → investigation).

    ``sublimit`` None means no inner limit. ``per_individual_cap`` / ``per_corporation_cap`` are the per-victim
    caps of condolence-type items; when either is set the other counts as 0 yen per person.
    """

    sublimit: int | None = None
    pay_ratio: Decimal = Decimal(1)
    per_individual_cap: int | None = None
    per_corporation_cap: int | None = None
    requires_consent: bool = False
    requires_prior_approval: bool = False

    @property
    def has_per_person_cap(self) -> bool:
        return self.per_individual_cap is not None or self.per_corporation_cap is not None


@dataclass(frozen=True, slots=True)
class PartTerms:
    """One part of the policy: aggregate limit for the policy period, deductible once per claim, covered items."""

    limit: int
    deductible: int = 0
    items: dict[str, ItemTerms] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Terms:
    """The coverage terms of the policy, part name → part terms (in input order)."""

    parts: dict[str, PartTerms] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlreadyPaid:
    """What earlier claims of the same policy period used: part aggregates and item sublimits.

    ``items`` is keyed by item name alone, as in the contract; an amount applies to every part's item of that name.
    """

    parts: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)

    def part(self, name: str) -> int:
        return self.parts.get(name, 0)

    def item(self, name: str) -> int:
        return self.items.get(name, 0)


@dataclass(frozen=True, slots=True)
class Expense:
    """One expense of the incident, mapped to a coverage part and item.

    ``individuals`` / ``corporations`` (victim counts for per-person caps) None means not given, counted as 0.
    ``consent`` / ``prior_approval`` None means not given, i.e. the expense does not have it.
    """

    id: str | int
    part: str
    item: str
    amount: int
    individuals: int | None = None
    corporations: int | None = None
    consent: bool | None = None
    prior_approval: bool | None = None


@dataclass(frozen=True, slots=True)
class ClaimInput:
    terms: Terms
    already_paid: AlreadyPaid
    expenses: tuple[Expense, ...]


@dataclass(frozen=True, slots=True)
class ExpenseResult:
    id: str | int
    eligible: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PartResult:
    """A part after steps 2–3. ``items`` are item results before the deductible and the part limit (step 4)."""

    items: dict[str, int]
    before_deductible: int
    payable: int
    limit_remaining: int
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    expenses: tuple[ExpenseResult, ...]
    parts: dict[str, PartResult]

    @property
    def total_payable(self) -> int:
        return sum(part.payable for part in self.parts.values())

    def to_dict(self) -> dict:
        """The contract's output object, keys in the contract's order."""
        return {
            "contract_version": CONTRACT_VERSION,
            "expenses": [
                {"id": e.id, "eligible": e.eligible, "reasons": list(e.reasons)} for e in self.expenses
            ],
            # Only parts that had expenses carry an items entry (the contract's example lists only items with
            # expenses, refused ones included at 0).
            "items": {name: dict(part.items) for name, part in self.parts.items() if part.items},
            "parts": {
                name: {
                    "before_deductible": part.before_deductible,
                    "payable": part.payable,
                    "limit_remaining": part.limit_remaining,
                }
                for name, part in self.parts.items()
            },
            "total_payable": self.total_payable,
            "reasons": {name: list(part.reasons) for name, part in self.parts.items()},
        }
