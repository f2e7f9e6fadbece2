"""Inputs and outputs of the coverage determination: plain frozen dataclasses (no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sonae.programme.cover_terms import PolicyTerms
from sonae.programme.coverage_items import PARTS

COVERED = "covered"
NEEDS_REVIEW = "needs_review"
NOT_COVERED = "not_covered"
INFO = "info"  # a reason that explains and changes nothing
OUTCOMES = (COVERED, NEEDS_REVIEW, NOT_COVERED)
# The worse outcome wins when reasons meet on a part.
_RANK = {COVERED: 0, NEEDS_REVIEW: 1, NOT_COVERED: 2}

OUTCOME_LABELS: dict[str, str] = {
    COVERED: "補償対象",
    NEEDS_REVIEW: "要確認",
    NOT_COVERED: "補償対象外",
}

# Reason codes (stable: stored with decisions and returned by the API).
REASON_CODES: tuple[str, ...] = (
    "no_policy",
    "terms_missing",
    "discovery_unknown",
    "discovery_assumed",
    "discovered_in_period",
    "discovered_before_start",
    "discovered_after_end",
    "trigger_covered",
    "trigger_unknown",
    "trigger_not_in_plan",
    "trigger_needs_rider",
    "part_not_for_trigger",
    "part_not_in_plan",
    "exclusion_applies",
    "exclusion_to_review",
    "declared_known_circumstances",
    "declared_past_incidents",
)


def worst(outcomes) -> str:
    """The most adverse of ``outcomes`` (not covered > needs review > covered); needs review when empty."""
    outcomes = [o for o in outcomes if o in _RANK]
    if not outcomes:
        return NEEDS_REVIEW
    return max(outcomes, key=_RANK.__getitem__)


@dataclass(frozen=True)
class PolicyPeriod:
    """A policy's period of cover ``[start, end)``: the start instant is covered, the end instant is not (it
    belongs to the renewal). ``end`` is the earlier of the expiry and a cancellation. ``key`` names the policy."""

    start: datetime
    end: datetime
    key: str = ""

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("policy period instants must be aware")
        if self.end <= self.start:
            raise ValueError("policy period must end after it starts")

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


@dataclass(frozen=True)
class Cause:
    """What the incident's facts say about its cause: the triage category, the duties cause code (set when the
    desk or provider confirmed it; it wins over the category), and whether personal data is at risk."""

    category: str | None = None
    cause: str | None = None
    personal_data_at_risk: bool = False


@dataclass(frozen=True)
class Declarations:
    """What the insured declared at application (告知事項, ``Application``)."""

    known_circumstances: bool = False
    past_incidents: bool = False


@dataclass(frozen=True)
class DeterminationInput:
    """Everything the determination needs. ``terms``/``period`` None: no policy. ``facts`` maps exclusion codes
    (``cover_terms.EXCLUSIONS``) to True (declared to apply), False (confirmed not to apply) or None (unknown)."""

    terms: PolicyTerms | None
    period: PolicyPeriod | None
    discovered_at: datetime | None
    cause: Cause = Cause()
    facts: Mapping[str, bool | None] = field(default_factory=dict)
    declarations: Declarations = Declarations()
    discovered_at_assumed: bool = False  # the received instant stands in for an unknown discovery instant


@dataclass(frozen=True)
class Reason:
    """One reason of the determination: a stable ``code``, its ``effect`` on the outcome, the Japanese message, the
    clause it comes from, what it is about (``subject``: a trigger, exclusion or declaration code) and the parts it
    concerns (empty: every part)."""

    code: str
    effect: str
    message: str
    clause: str = ""
    clause_summary: str = ""
    subject: str = ""
    parts: tuple[str, ...] = ()

    def concerns(self, part: str) -> bool:
        return not self.parts or part in self.parts

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "effect": self.effect,
            "subject": self.subject,
            "parts": list(self.parts),
            "message": self.message,
            "clause": self.clause,
            "clause_summary": self.clause_summary,
        }


@dataclass(frozen=True)
class PartResult:
    """The outcome for one part (liability, costs, business_interruption) with the reasons behind it."""

    part: str
    outcome: str
    in_plan: bool
    clause: str
    reasons: tuple[Reason, ...]

    @property
    def label(self) -> str:
        return PARTS.get(self.part, self.part)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def to_dict(self) -> dict:
        return {
            "part": self.part,
            "label": self.label,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "in_plan": self.in_plan,
            "clause": self.clause,
            "reasons": [r.code for r in self.reasons],
        }


@dataclass(frozen=True)
class Determination:
    """The result: overall outcome, per part, the reasons in order (period, cause, exclusions, declarations, parts)
    and the trigger the cause was read as."""

    outcome: str
    parts: tuple[PartResult, ...]
    reasons: tuple[Reason, ...]
    trigger: str | None = None
    policy: str = ""
    notice: str = ""
    version: str = ""

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    def part(self, code: str) -> PartResult:
        for result in self.parts:
            if result.part == code:
                return result
        raise KeyError(code)

    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def adverse_reasons(self) -> list[Reason]:
        """The reasons that keep the incident or a part of the plan from being covered, most serious first (a part
        the plan does not have at all is not one of them)."""
        in_plan = {p.part for p in self.parts if p.in_plan}
        return sorted(
            (
                r
                for r in self.reasons
                if r.effect in (NOT_COVERED, NEEDS_REVIEW) and (not r.parts or in_plan & set(r.parts))
            ),
            key=lambda r: -_RANK[r.effect],
        )

    def to_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "trigger": self.trigger,
            "policy": self.policy,
            "parts": [p.to_dict() for p in self.parts],
            "reasons": [r.to_dict() for r in self.reasons],
            "notice": self.notice,
            "version": self.version,
        }
