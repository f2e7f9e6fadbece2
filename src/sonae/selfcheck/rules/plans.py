"""Plan limits, and how far they go against an exposure estimate.

Plans come from the programme year's ``terms`` (filled from the programme data file). When a year carries no plans,
the flyer's two plans are used: Plan A 賠償1億円 / 費用3,000万円, Plan B 賠償5億円 / 費用1億円
(insurance-and-sector.md §2.2, same pair as the public premium examples).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .exposure import ExposureEstimate, cover_percent


@dataclass(frozen=True)
class PlanLimits:
    code: str
    label: str
    liability_limit: int  # 賠償責任 (damages)
    cost_limit: int  # 各種対応費用 (response costs)


FLYER_PLANS: tuple[PlanLimits, ...] = (
    PlanLimits("A", "プランA", 100_000_000, 30_000_000),
    PlanLimits("B", "プランB", 500_000_000, 100_000_000),
)


def _limit(plan: Mapping, part: str) -> int | None:
    """A part's limit from the shapes the terms may use: ``{part: {"limit": n}}``, nested ``terms``/``coverage``,
    or flat ``<part>_limit``."""
    for container in (plan, plan.get("terms") or {}, plan.get("coverage") or {}, plan.get("parts") or {}):
        if not isinstance(container, Mapping):
            continue
        value = container.get(part)
        if isinstance(value, Mapping) and isinstance(value.get("limit"), int):
            return value["limit"]
        flat = container.get(f"{part}_limit")
        if isinstance(flat, int):
            return flat
    return None


def plans_from_terms(terms: Mapping | None) -> tuple[PlanLimits, ...]:
    """The plans of a programme year's ``terms`` (a list of plans with ``code``, or a mapping code → plan);
    the flyer's plans when the terms hold none with both limits."""
    raw = (terms or {}).get("plans") if isinstance(terms, Mapping) else None
    entries: list[tuple[str, Mapping]] = []
    if isinstance(raw, Mapping):
        entries = [(str(code), plan) for code, plan in raw.items() if isinstance(plan, Mapping)]
    elif isinstance(raw, Sequence) and not isinstance(raw, str):
        entries = [(str(plan.get("code", "")), plan) for plan in raw if isinstance(plan, Mapping)]
    plans = []
    for code, plan in entries:
        liability, costs = _limit(plan, "liability"), _limit(plan, "costs")
        if not code or liability is None or costs is None:
            continue
        # A short label reads well in tables and sentences; the programme file's ``name`` spells out the limits.
        label = str(plan.get("label") or f"プラン{code}")
        plans.append(PlanLimits(code, label, liability, costs))
    return tuple(plans) or FLYER_PLANS


@dataclass(frozen=True)
class PlanComparison:
    plan: PlanLimits
    damages_cover_percent: int
    costs_cover_percent: int  # against the high end of the cost estimate
    damages_shortfall: int
    costs_shortfall: int

    @property
    def sentence(self) -> str:
        """e.g. プランAの費用保険金額（3,000万円）は、この試算の対応費用（最大）の約68%をカバーします。"""
        return (
            f"{self.plan.label}の賠償の保険金額は、この試算の損害賠償額の約{self.damages_cover_percent}%、"
            f"費用の保険金額は、対応費用（試算の上限）の約{self.costs_cover_percent}%をカバーします。"
        )


def compare_with_plans(estimate: ExposureEstimate, plans: Sequence[PlanLimits]) -> tuple[PlanComparison, ...]:
    """Each plan's limits against the estimate: damages vs the liability limit, the high end of the response costs
    vs the cost limit (conservative: the shortfall a business could face)."""
    return tuple(
        PlanComparison(
            plan=plan,
            damages_cover_percent=cover_percent(plan.liability_limit, estimate.damages),
            costs_cover_percent=cover_percent(plan.cost_limit, estimate.costs_high),
            damages_shortfall=max(0, estimate.damages - plan.liability_limit),
            costs_shortfall=max(0, estimate.costs_high - plan.cost_limit),
        )
        for plan in plans
    )


def comparison_to_dict(comparison: PlanComparison) -> dict:
    return {
        "plan": comparison.plan.code,
        "label": comparison.plan.label,
        "liability_limit": comparison.plan.liability_limit,
        "cost_limit": comparison.plan.cost_limit,
        "damages_cover_percent": comparison.damages_cover_percent,
        "costs_cover_percent": comparison.costs_cover_percent,
        "damages_shortfall": comparison.damages_shortfall,
        "costs_shortfall": comparison.costs_shortfall,
        "sentence": comparison.sentence,
    }
