"""Every read of the self-check app.

Scoping: a provider sees its own organisation's checks, checklists, estimates and plan; every other actor sees
nothing here, and an object of another organisation is ``NotFound`` (404). Two reads are by organisation rather
than by actor, for other apps that have already scoped the organisation: ``latest_score`` (the enrolment quote) and
``latest_vendor_checklist`` (the hospital portal), and their list forms ``latest_scores`` and
``latest_vendor_checklists`` (one query for a whole list of organisations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from sonae.core.errors import NotFound
from sonae.core.models import Organisation
from sonae.jp.calendar import tokyo_date

from .models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist
from .rules import bcp as bcp_rules
from .rules import vendor_checklist as vcl
from .rules.exposure import estimate_exposure, validate_inputs
from .rules.plans import PlanLimits, compare_with_plans, plans_from_terms
from .rules.scoring import BAND_BY_CODE, Band
from .rules.trend import TrendChart, trend_chart


def _visible(actor) -> bool:
    return actor is not None and actor.kind == "provider" and actor.may("selfcheck.view")


def _scoped(actor, queryset: QuerySet) -> QuerySet:
    if not _visible(actor):
        return queryset.none()
    return queryset.filter(organisation=actor.organisation)


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- self-checks --------------------------------------------------------------------------------------------------


def self_checks_for(actor) -> QuerySet[SelfCheck]:
    """The actor's organisation's self-checks, newest first."""
    return _scoped(actor, SelfCheck.objects.all())


def self_check_get(actor, pk) -> SelfCheck:
    return _get(self_checks_for(actor), pk)


def latest_score(organisation: Organisation) -> tuple[int, str, datetime] | None:
    """(score, band code, taken_at) of the organisation's latest self-check, or None when it has none.

    The band code is one of ``rules.scoring.BANDS`` (``achieved``, ``mostly``, ``gaps``, ``danger``).
    """
    check = SelfCheck.objects.filter(organisation=organisation).order_by("-taken_at", "-id").first()
    if check is None:
        return None
    return check.score, check.band, check.taken_at


def latest_scores(organisation_ids) -> dict[int, tuple[int, str, datetime]]:
    """``latest_score`` of each organisation of ``organisation_ids`` that has a self-check, in one query."""
    latest = SelfCheck.objects.filter(organisation=OuterRef("organisation")).order_by("-taken_at", "-id")
    rows = (
        SelfCheck.objects.filter(
            organisation_id__in=list(organisation_ids), pk=Subquery(latest.values("pk")[:1])
        )
        .order_by()
        .values_list("organisation_id", "score", "band", "taken_at")
    )
    return {org_id: (score, band, taken_at) for org_id, score, band, taken_at in rows}


def history_chart(actor, *, limit: int = 20) -> TrendChart:
    """The trend chart of the actor's last ``limit`` self-checks."""
    rows = list(self_checks_for(actor).values_list("taken_at", "score")[:limit])
    return trend_chart([(tokyo_date(taken_at), score) for taken_at, score in rows])


# --- vendor checklist ---------------------------------------------------------------------------------------------


def vendor_checklists_for(actor) -> QuerySet[VendorChecklist]:
    return _scoped(actor, VendorChecklist.objects.all())


def vendor_checklist_get(actor, pk) -> VendorChecklist:
    return _get(vendor_checklists_for(actor), pk)


def latest_vendor_checklist(organisation: Organisation) -> VendorChecklist | None:
    """The organisation's latest vendor checklist (for the hospital portal), or None."""
    return (
        VendorChecklist.objects.filter(organisation=organisation)
        .order_by("-checked_on", "-created_at")
        .first()
    )


def latest_vendor_checklists(organisation_ids) -> dict[int, VendorChecklist]:
    """``latest_vendor_checklist`` of each organisation of ``organisation_ids`` that has one, in one query."""
    latest = VendorChecklist.objects.filter(organisation=OuterRef("organisation")).order_by(
        "-checked_on", "-created_at"
    )
    found = VendorChecklist.objects.filter(
        organisation_id__in=list(organisation_ids), pk=Subquery(latest.values("pk")[:1])
    ).order_by()
    return {checklist.organisation_id: checklist for checklist in found}


def vendor_checklist_summary(checklist: VendorChecklist, today: date | None = None) -> vcl.ChecklistSummary:
    """Counts and open いいえ items (overdue after their target date) of a checklist."""
    today = today or tokyo_date(timezone.now())
    return vcl.summarise(vcl.parse_stored(checklist.answers), today)


# --- exposure -----------------------------------------------------------------------------------------------------


def plans_in_force(instant: datetime | None = None):
    """(plans, programme year) of the programme year in force at ``instant``; the flyer's plans when no year is in
    force or its terms hold no plans."""
    from sonae.programme.selectors import programme_year_at

    year = programme_year_at(instant or timezone.now())
    plans: tuple[PlanLimits, ...] = plans_from_terms(year.terms if year is not None else None)
    return plans, year


def exposure_compute(*, data_items, persons, at: datetime | None = None, **options):
    """An estimate compared with the plans in force at ``at`` (now by default), without saving anything.

    Returns (estimate, comparisons, programme year or None). Raises ``InvalidInput`` for bad inputs.
    """
    estimate = estimate_exposure(validate_inputs(data_items=data_items, persons=persons, **options))
    plans, year = plans_in_force(at)
    return estimate, compare_with_plans(estimate, plans), year


def exposure_estimates_for(actor) -> QuerySet[ExposureEstimate]:
    return _scoped(actor, ExposureEstimate.objects.all())


def exposure_estimate_get(actor, pk) -> ExposureEstimate:
    return _get(exposure_estimates_for(actor), pk)


# --- BCP ----------------------------------------------------------------------------------------------------------


def bcp_for(actor) -> BcpPlan | None:
    """The actor's organisation's cyber-BCP, or None when it has not been started."""
    if not _visible(actor):
        return None
    return BcpPlan.objects.filter(organisation=actor.organisation).first()


def bcp_missing(plan: BcpPlan) -> tuple[str, ...]:
    return bcp_rules.missing_sections(
        contacts=plan.contacts or [],
        systems=plan.systems or [],
        paper_operations=plan.paper_operations or [],
        backups=plan.backups or [],
    )


def desk_phone() -> str:
    return settings.SONAE_DESK_PHONE


# --- the provider dashboard's risk panel --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreView:
    score: int
    band: Band
    taken_at: datetime
    check_id: int


@dataclass(frozen=True)
class RiskPanel:
    score: ScoreView | None
    estimate: ExposureEstimate | None
    bcp_status: str  # none / draft / adopted
    bcp_status_label: str
    bcp_review_state: str
    bcp_review_label: str
    bcp_next_review: date | None
    open_items: tuple[str, ...]


def risk_panel(actor, today: date | None = None) -> RiskPanel | None:
    """What the provider dashboard shows: latest score and band, the latest estimate against the plans' limits,
    the BCP's status and the open items (weak basic measures, いいえ items, BCP gaps). None for non-providers."""
    if not _visible(actor):
        return None
    today = today or tokyo_date(timezone.now())
    open_items: list[str] = []

    check = self_checks_for(actor).first()
    score = None
    if check is not None:
        score = ScoreView(check.score, BAND_BY_CODE[check.band], check.taken_at, check.pk)
        weak_basic = [
            code for code in ("q01", "q02", "q03", "q04", "q05") if check.answers.get(code) != "implemented"
        ]
        if weak_basic:
            open_items.append(f"基本的な対策に未実施の項目が{len(weak_basic)}件あります。")
    else:
        open_items.append("セキュリティのセルフチェックをまだ実施していません。")

    checklist = vendor_checklists_for(actor).first()
    if checklist is not None:
        summary = vendor_checklist_summary(checklist, today)
        if summary.overdue:
            open_items.append(
                f"事業者向けチェックリストで目標日を過ぎた「いいえ」が{len(summary.overdue)}件あります。"
            )
        elif summary.open_items:
            open_items.append(
                f"事業者向けチェックリストに対応中の「いいえ」が{len(summary.open_items)}件あります。"
            )

    plan = BcpPlan.objects.filter(organisation=actor.organisation).first()
    if plan is None:
        status, review = "none", bcp_rules.REVIEW_NONE
        open_items.append("サイバーBCPをまだ作成していません。")
    else:
        status = plan.status
        review = bcp_rules.review_state(plan.reviewed_on, today) if status == bcp_rules.ADOPTED else "none"
        if status == bcp_rules.DRAFT:
            open_items.append("サイバーBCPは作成中です。入力を終えて策定してください。")
        elif review == bcp_rules.REVIEW_OVERDUE:
            open_items.append("サイバーBCPの見直し期限を過ぎています。")
        elif review == bcp_rules.REVIEW_DUE_SOON:
            open_items.append("サイバーBCPの見直し時期が近づいています。")

    return RiskPanel(
        score=score,
        estimate=exposure_estimates_for(actor).first(),
        bcp_status=status,
        bcp_status_label="未作成" if status == "none" else bcp_rules.STATUS_LABELS[status],
        bcp_review_state=review,
        bcp_review_label=bcp_rules.REVIEW_LABELS.get(review, ""),
        bcp_next_review=plan.next_review_due if plan is not None and status == bcp_rules.ADOPTED else None,
        open_items=tuple(open_items),
    )
