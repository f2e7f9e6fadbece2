"""Every read of the claims app, scoped by the acting party (issue 7 point 7).

- provider: expenses, approvals and claims of its own cases;
- insurer: every approval and every claim once submitted, and the expenses of every case (victims only as counts);
- agency: read-only summaries of claims once submitted (no expenses, no files, no approvals);
- desk, hospital, foundation: nothing.
Anything outside the scope is ``NotFound`` (404), so another organisation's records never show they exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet, Sum

from sonae.core.actors import Actor
from sonae.core.errors import NotFound
from sonae.core.models import OrganisationKind

from .breakdown import Breakdown, PartLimits, build_breakdown, limits_overview
from .inputs import already_paid_for
from .models import Attachment, Claim, ClaimStatus, Expense, Payment, PriorApproval
from .models.approvals import ApprovalStatus
from .models.claims import OPEN_STATUSES
from .resolution import IncidentCoverage, incident_coverage

PROGRAMME_WIDE = frozenset({OrganisationKind.INSURER})
HIDDEN_FROM_INSURER = (ClaimStatus.DRAFT, ClaimStatus.WITHDRAWN)


def _may(actor: Actor | None, action: str) -> bool:
    return actor is not None and actor.may(action)


def _get(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- cases -----------------------------------------------------------------------------------------------------


def case_get(actor: Actor | None, reference: str):
    """An incident whose expenses the actor may see (provider: own; insurer: any), else NotFound."""
    from sonae.incidents.selectors import incident_get

    if not _may(actor, "claims.expense.view"):
        raise NotFound()
    return incident_get(actor, reference)


def coverage_for(actor: Actor | None, incident) -> IncidentCoverage:
    """The coverage that applies to a case the actor may see."""
    case_get(actor, incident.reference)
    return incident_coverage(incident)


# --- expenses --------------------------------------------------------------------------------------------------


def expenses_for(actor: Actor | None, incident) -> QuerySet[Expense]:
    """The expenses of a case (the incident from ``case_get``), in date order. Read through the case's related
    manager, so each expense's ``incident`` is that object (the API names it on every row without a query)."""
    case_get(actor, incident.reference)
    return (
        incident.expenses.select_related("task", "approval", "claim")
        .prefetch_related("attachments")
        .order_by("spent_on", "id")
    )


def expense_get(actor: Actor | None, pk, incident=None) -> Expense:
    """One expense in the actor's scope (optionally of a given case)."""
    if not _may(actor, "claims.expense.view"):
        raise NotFound()
    qs = Expense.objects.select_related("incident__provider", "task", "approval", "claim")
    if actor.kind == OrganisationKind.PROVIDER:
        qs = qs.filter(incident__provider=actor.organisation)
    if incident is not None:
        qs = qs.filter(incident=incident)
    return _get(qs, pk=pk)


def all_expenses_for(actor: Actor | None) -> QuerySet[Expense]:
    """Every expense in the actor's scope (API listing)."""
    if not _may(actor, "claims.expense.view"):
        return Expense.objects.none()
    qs = Expense.objects.select_related("incident__provider", "task", "approval", "claim").order_by(
        "incident", "spent_on", "id"
    )
    if actor.kind == OrganisationKind.PROVIDER:
        return qs.filter(incident__provider=actor.organisation)
    return qs


# --- attachments -----------------------------------------------------------------------------------------------


def attachment_get(actor: Actor | None, pk) -> Attachment:
    """An attachment the actor may download: of its own case (provider) or any case (insurer)."""
    if not _may(actor, "claims.attachment.download"):
        raise NotFound()
    qs = Attachment.objects.select_related("expense__incident", "approval__incident")
    attachment = _get(qs, pk=pk)
    incident = attachment.incident
    if actor.kind == OrganisationKind.PROVIDER and incident.provider_id != actor.organisation.pk:
        raise NotFound()
    return attachment


# --- approvals -------------------------------------------------------------------------------------------------


def approvals_for(actor: Actor | None) -> QuerySet[PriorApproval]:
    if not _may(actor, "claims.approval.view"):
        return PriorApproval.objects.none()
    qs = PriorApproval.objects.select_related("incident__provider", "policy").prefetch_related("attachments")
    if actor.kind == OrganisationKind.PROVIDER:
        return qs.filter(incident__provider=actor.organisation)
    if actor.kind in PROGRAMME_WIDE:
        return qs
    return qs.none()


def approval_get(actor: Actor | None, pk) -> PriorApproval:
    return _get(approvals_for(actor), pk=pk)


def approvals_of_case(actor: Actor | None, incident) -> QuerySet[PriorApproval]:
    return approvals_for(actor).filter(incident=incident)


# --- claims ----------------------------------------------------------------------------------------------------


def claims_for(actor: Actor | None) -> QuerySet[Claim]:
    """Claims in the actor's scope: the provider's own (drafts too); every submitted claim for the insurer and, as
    summaries, for the agency."""
    if not _may(actor, "claims.view"):
        return Claim.objects.none()
    qs = Claim.objects.select_related("incident__provider", "policy__programme_year")
    if actor.kind == OrganisationKind.PROVIDER:
        return qs.filter(incident__provider=actor.organisation)
    if actor.kind in (OrganisationKind.INSURER, OrganisationKind.AGENCY):
        return qs.exclude(status__in=HIDDEN_FROM_INSURER)
    return qs.none()


def claim_get(actor: Actor | None, number: str) -> Claim:
    return _get(claims_for(actor), number=number)


def claims_of_case(actor: Actor | None, incident) -> QuerySet[Claim]:
    return claims_for(actor).filter(incident=incident)


def may_see_claim_details(actor: Actor | None) -> bool:
    """Lines, expenses and files: provider and insurer; the agency sees summaries only."""
    return _may(actor, "claims.expense.view")


def claim_breakdown(claim: Claim) -> Breakdown | None:
    """The stored calculation of a claim laid out per expense, item and part (None before any calculation)."""
    calc = claim.calculation or {}
    if not calc.get("output"):
        return None
    return build_breakdown(calc["input"], calc["output"])


def policy_limits(policy) -> list[PartLimits]:
    """What is left of the policy period's limits and sublimits after its approved and paid claims."""
    return limits_overview(policy.coverage_terms(), already_paid_for(policy))


# --- the insurer's work queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueClaim:
    claim: Claim
    age_days: int  # since submitted
    waiting_days: int  # since its last change of state


@dataclass(frozen=True)
class QueueApproval:
    approval: PriorApproval
    age_days: int


@dataclass(frozen=True)
class YearTotals:
    code: str
    name: str
    claims_paid: int
    paid: int
    approved_unpaid: int


@dataclass
class WorkQueue:
    status_counts: list[tuple[str, str, int]] = field(default_factory=list)
    claims: list[QueueClaim] = field(default_factory=list)
    approvals: list[QueueApproval] = field(default_factory=list)
    years: list[YearTotals] = field(default_factory=list)


AGE_BANDS = ((7, "7日未満"), (30, "7〜29日"), (None, "30日以上"))


def age_band(days: int) -> str:
    for limit, label in AGE_BANDS:
        if limit is None or days < limit:
            return label
    return AGE_BANDS[-1][1]  # pragma: no cover


def work_queue(actor: Actor | None, *, now: datetime) -> WorkQueue:
    """The insurer's queue: claims by status and age (oldest first), approvals pending, totals paid per
    programme year."""
    if not _may(actor, "claims.queue"):
        raise NotFound()
    queue = WorkQueue()
    claims = claims_for(actor)
    counts = dict.fromkeys(ClaimStatus.values, 0)
    for status in claims.values_list("status", flat=True):
        counts[status] += 1
    queue.status_counts = [
        (code, label, counts[code]) for code, label in ClaimStatus.choices if code not in HIDDEN_FROM_INSURER
    ]
    open_claims = claims.filter(status__in=OPEN_STATUSES).order_by("submitted_at", "id")
    queue.claims = [
        QueueClaim(
            claim,
            age_days=(now - (claim.submitted_at or claim.created_at)).days,
            waiting_days=(now - claim.status_changed_at).days,
        )
        for claim in open_claims
    ]
    pending = approvals_for(actor).filter(status=ApprovalStatus.REQUESTED).order_by("requested_at", "id")
    queue.approvals = [QueueApproval(a, (now - a.requested_at).days) for a in pending]
    queue.years = programme_year_totals(actor)
    return queue


def programme_year_totals(actor: Actor | None) -> list[YearTotals]:
    """Per programme year: claims paid, amount paid, amount approved and not yet paid."""
    claims = claims_for(actor)
    paid = defaultdict(int)
    count = defaultdict(int)
    for row in (
        Payment.objects.filter(claim__in=claims)
        .values("claim__policy__programme_year")
        .annotate(total=Sum("amount"))
    ):
        paid[row["claim__policy__programme_year"]] = row["total"] or 0
    for year_id in claims.filter(status=ClaimStatus.PAID).values_list("policy__programme_year", flat=True):
        count[year_id] += 1
    unpaid = defaultdict(int)
    for row in (
        claims.filter(status__in=(ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED))
        .values("policy__programme_year")
        .annotate(total=Sum("amount_approved"))
    ):
        unpaid[row["policy__programme_year"]] = row["total"] or 0
    from sonae.programme.models import ProgrammeYear

    years = ProgrammeYear.objects.filter(pk__in=set(paid) | set(unpaid) | set(count)).order_by(
        "-period_start"
    )
    return [YearTotals(y.code, y.name, count[y.pk], paid[y.pk], unpaid[y.pk]) for y in years]
