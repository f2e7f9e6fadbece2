"""Coverage determination for incidents in the database (issue 12 points 3–5): the pure function's inputs read
from the models, the insurer's latest decision on top, and what each party may see of it.

- The policy: the provider's policy whose period ``[start, end)`` contains the discovery instant; when none does,
  the closest one (the next to start, else the last to end) so that the reasons can say "discovered one minute
  before cover began". Cancellation ends a period at ``cancel_effective_at``.
- The discovery instant: ``Incident.discovered_at``; the received instant stands in while it is unknown (an
  incident is discovered at the latest when it is reported), with an ``info`` reason saying so.
- The cause: the duties cause code when set, else the triage category; personal data at risk when data items
  are recorded. The declarations: the policy's application (告知事項).
- The insurer's decision: the latest ``CoverageDecision``. Its facts feed the determination; its override (with
  a written reason) replaces the outcome. Without an override the outcome follows the determination recomputed
  on the current data, so a later correction of the incident (e.g. its discovery instant) is never hidden.

What each party sees (``coverage_view``): the insurer and the provider (own cases) everything; the agency a summary
(outcome per part, no reasons or facts); the desk a provisional reading (policy in force, does the described cause
look covered), always marked 暫定判定 and without the application's declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sonae.core.actors import Actor
from sonae.core.errors import InvalidInput, NotFound
from sonae.core.models import OrganisationKind
from sonae.programme.cover_terms import TRIGGERS, PolicyTerms

from .determination import (
    COVERED,
    NEEDS_REVIEW,
    NOT_COVERED,
    OUTCOME_LABELS,
    Cause,
    Declarations,
    Determination,
    DeterminationInput,
    PolicyPeriod,
    closest_policy,
    determine,
    worst,
)
from .models import CoverageDecision, CoverageOverride

VIEW_ACTION = "claims.coverage.view"
DECIDE_ACTION = "claims.coverage.decide"

FULL = "full"
SUMMARY = "summary"
PROVISIONAL = "provisional"

PROVISIONAL_LABEL = "暫定判定"
PROVISIONAL_NOTE = (
    "暫定判定です。受付時点の情報から機械的に判定したもので、補償の可否は保険会社が約款に基づいて判断します。"
    "お電話では「補償の対象となる見込みです」など、断定しない言い方でお伝えください。"
)
# The desk's reading looks at the policy period and the cause only (no application data, no declared facts).
_DESK_REASONS = frozenset(
    {
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
    }
)


# --- inputs from the models ------------------------------------------------------------------------------------


def policy_period(policy) -> PolicyPeriod | None:
    """A policy's period of cover: to its expiry or, when cancelled, to the cancellation instant (None when it was
    cancelled from inception and so never in force)."""
    end = policy.cover_end
    if policy.cancel_effective_at is not None:
        end = min(end, policy.cancel_effective_at)
    if end <= policy.cover_start:
        return None
    return PolicyPeriod(policy.cover_start, end, policy.number)


def policy_for(organisation, instant: datetime):
    """The policy an incident of ``organisation`` discovered at ``instant`` is judged against, or None."""
    from sonae.enrolment.models import Policy

    policies = list(
        Policy.objects.filter(organisation=organisation).select_related("programme_year", "application")
    )
    periods = {}
    for policy in policies:
        period = policy_period(policy)
        if period is not None:
            periods[period] = policy
    chosen = closest_policy(periods, instant)
    return (periods[chosen], chosen) if chosen is not None else (None, None)


def policy_terms(policy) -> PolicyTerms | None:
    """The determination terms of a policy (its plan in its programme year), None when the year file has none."""
    from sonae.programme.selectors import terms_for

    try:
        terms = terms_for(policy.programme_year)
    except InvalidInput:
        return None
    if terms.cover is None or policy.plan not in terms.plans:
        return None
    return terms.cover.policy_terms(policy.plan, terms.plan(policy.plan).coverage, version=terms.version)


def _declarations(policy) -> Declarations:
    application = getattr(policy, "application", None)
    if application is None:
        return Declarations()
    return Declarations(
        known_circumstances=bool(application.known_circumstances),
        past_incidents=bool(application.past_incidents),
    )


def incident_input(incident, *, facts=None) -> tuple[DeterminationInput, object]:
    """(the determination's input, the policy) for an incident as it stands, with the declared ``facts``."""
    discovered_at, assumed = incident.discovered_at, False
    if discovered_at is None and incident.received_at is not None:
        discovered_at, assumed = incident.received_at, True
    policy, period = policy_for(incident.provider, discovered_at) if discovered_at else (None, None)
    inp = DeterminationInput(
        terms=policy_terms(policy) if policy is not None else None,
        period=period,
        discovered_at=discovered_at,
        cause=Cause(
            category=incident.category or None,
            cause=incident.cause or None,
            personal_data_at_risk=bool(incident.data_items),
        ),
        facts=dict(facts or {}),
        declarations=_declarations(policy) if policy is not None else Declarations(),
        discovered_at_assumed=assumed,
    )
    return inp, policy


def determine_incident(incident, *, facts=None) -> tuple[Determination, object]:
    """(determination, policy) of an incident with the declared ``facts`` (exclusion code → True/False/None)."""
    inp, policy = incident_input(incident, facts=facts)
    return determine(inp), policy


# --- the insurer's decision on top -----------------------------------------------------------------------------


def latest_decision(incident) -> CoverageDecision | None:
    return (
        CoverageDecision.objects.filter(incident=incident)
        .select_related("decided_by_organisation")
        .order_by("-decided_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class CoverageStatus:
    """The determination of an incident with the insurer's latest decision (None until the insurer decides)."""

    incident: object
    policy: object | None
    determination: Determination
    decision: CoverageDecision | None = None

    @property
    def outcome(self) -> str:
        """The insurer's override when there is one, else the determination (with the facts it confirmed)."""
        if self.decision is not None and self.decision.override:
            return self.decision.override
        return self.determination.outcome

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def provisional(self) -> bool:
        return self.decision is None

    @property
    def overridden(self) -> bool:
        return self.decision is not None and bool(self.decision.override)

    @property
    def confirmed(self) -> bool:
        """Covered, and the insurer has said so (an override, or a decision agreeing with the determination)."""
        return self.decision is not None and self.outcome == COVERED

    @property
    def facts(self) -> dict:
        return dict(self.decision.facts) if self.decision is not None else {}

    @property
    def changed_since_decision(self) -> bool:
        """The incident's data moved the determination since the insurer decided (shown so it is looked at)."""
        return self.decision is not None and self.decision.determined_outcome != self.determination.outcome

    @property
    def policy_in_force(self) -> bool:
        return "discovered_in_period" in self.determination.codes()

    @property
    def trigger_label(self) -> str:
        return TRIGGERS.get(self.determination.trigger or "", "")


def coverage_status(incident) -> CoverageStatus:
    """The incident's coverage: the determination with the insurer's confirmed facts, and its latest decision."""
    decision = latest_decision(incident)
    determination, policy = determine_incident(incident, facts=decision.facts if decision else None)
    return CoverageStatus(incident, policy, determination, decision)


# --- what each party sees --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageView:
    """The coverage as one party may see it: ``level`` is full, summary or provisional."""

    level: str
    status: CoverageStatus
    reasons: tuple = ()
    may_decide: bool = False
    history: list = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.level == PROVISIONAL or self.status.provisional

    @property
    def outcome(self) -> str:
        if self.level == PROVISIONAL:
            return desk_outcome(self.status.determination)
        return self.status.outcome

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def headline(self) -> str:
        """補償対象の見込み / 補償対象外の見込み / 要確認 while provisional; the insurer's outcome once decided."""
        if self.provisional and self.outcome != NEEDS_REVIEW:
            return f"{self.outcome_label}の見込み"
        return self.outcome_label

    @property
    def decision(self):
        return None if self.level == PROVISIONAL else self.status.decision

    @property
    def is_full(self) -> bool:
        return self.level == FULL

    @property
    def parts(self):
        return () if self.level == PROVISIONAL else self.status.determination.parts


def desk_outcome(determination: Determination) -> str:
    """The desk's provisional reading: the policy period and the cause only."""
    reasons = [r for r in determination.reasons if r.code in _DESK_REASONS]
    if any(r.code == "no_policy" for r in reasons):
        return NOT_COVERED
    return worst(r.effect for r in reasons)


def may_view(actor: Actor | None) -> bool:
    return actor is not None and actor.may(VIEW_ACTION)


def coverage_view(actor: Actor | None, incident) -> CoverageView:
    """The coverage of an incident the actor may see (scoped through the incident selectors), else NotFound."""
    from sonae.incidents.selectors import incident_get

    if not may_view(actor):
        raise NotFound()
    incident = incident_get(actor, incident.reference)
    if actor.kind == OrganisationKind.DESK:
        determination, policy = determine_incident(incident)
        status = CoverageStatus(incident, policy, determination)
        reasons = tuple(r for r in determination.reasons if r.code in _DESK_REASONS)
        return CoverageView(PROVISIONAL, status, reasons)
    status = coverage_status(incident)
    if actor.kind == OrganisationKind.AGENCY:
        return CoverageView(SUMMARY, status)
    if actor.kind in (OrganisationKind.INSURER, OrganisationKind.PROVIDER):
        history = (
            list(
                CoverageDecision.objects.filter(incident=incident)
                .select_related("decided_by_organisation")
                .order_by("-decided_at", "-id")
            )
            if status.decision is not None
            else []
        )
        return CoverageView(
            FULL,
            status,
            tuple(status.determination.reasons),
            may_decide=actor.may(DECIDE_ACTION),
            history=history,
        )
    raise NotFound()


def coverage_view_by_reference(actor: Actor | None, reference: str) -> CoverageView:
    from sonae.incidents.selectors import incident_get

    if not may_view(actor):
        raise NotFound()
    return coverage_view(actor, incident_get(actor, reference))


OVERRIDE_LABELS = dict(CoverageOverride.choices)
