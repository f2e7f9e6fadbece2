"""Every read of the victims part, scoped by the acting party (DESIGN §1).

- the case must be visible to the actor at all (``sonae.incidents.selectors.incident_get``): another provider's
  case, and any case for a hospital or the foundation, is NotFound (404);
- statistics (counts, items, letters, gifts, inquiries per day) — no personal data — for the provider, the
  desk, the agency and the insurer;
- personal data (the list, look-ups, print files): the case's provider; the desk only while the provider grants
  it on that case. Agency and insurer get NotFound (aggregates only); the desk without a grant gets
  PermissionDenied with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet

from sonae.core.actors import Actor
from sonae.core.errors import NotFound, PermissionDenied
from sonae.core.localcache import TtlCache
from sonae.core.models import OrganisationKind
from sonae.duties.rules import DATA_ITEM_LABELS
from sonae.incidents import selectors as incident_selectors
from sonae.incidents.models import Incident
from sonae.victims.items import ITEM_BITS
from sonae.victims.models import (
    GiftStatus,
    ImportIssue,
    ImportJob,
    Inquiry,
    InquiryCategory,
    InquiryChannel,
    LetterBatch,
    LetterRun,
    LetterStatus,
    Victim,
    VictimCase,
)
from sonae.victims.services.common import victim_case_for
from sonae.victims.services.scope import committed_victims

DESK_NOT_GRANTED = "この案件の対象者データの閲覧は、事業者から許可されていません。"


def case_get(actor: Actor | None, reference: str):
    """(incident, victims case) of a case the actor may see at all, with the statistics permission."""
    if actor is None or not actor.may("victims.stats"):
        raise NotFound()
    incident = incident_selectors.incident_get(actor, reference)
    return incident, victim_case_for(incident)


_lookup_cases = TtlCache("victims_lookup_cases")
_lookup_cases.clear_on_save(Incident, VictimCase)


def case_for_lookup(actor: Actor | None, reference: str):
    """``case_get`` for the look-up API: the same scoping (``incidents_for``), fetching only the columns a look-up
    uses. A look-up is the call centre's hottest path: the answer is kept in this process for a few seconds per
    organisation and role (``sonae.core.localcache``; a changed grant clears it at once in this process)."""
    if actor is None or not actor.may("victims.stats"):
        raise NotFound()
    found = _lookup_cases.get_or_load(
        (actor.organisation.pk, actor.role, reference), lambda: _case_for_lookup(actor, reference)
    )
    if found is None:
        raise NotFound()
    return found


def _case_for_lookup(actor: Actor, reference: str):
    incident = (
        incident_selectors.incidents_for(actor)
        .select_related(None)
        .only("id", "reference", "provider_id")
        .annotate(case_id=F("victim_case__id"), case_desk_access=F("victim_case__desk_access"))
        .filter(reference=reference)
        .first()
    )
    if incident is None:
        return None
    if incident.case_id is None:
        return incident, victim_case_for(incident)
    case = VictimCase(id=incident.case_id, incident_id=incident.pk, desk_access=incident.case_desk_access)
    return incident, case


def may_see_personal(actor: Actor | None, incident, case: VictimCase) -> bool:
    if actor is None:
        return False
    if actor.kind == OrganisationKind.PROVIDER:
        return incident.provider_id == actor.organisation.pk
    if actor.kind == OrganisationKind.DESK:
        return case.desk_access
    return False


def require_personal(actor: Actor | None, incident, case: VictimCase, action: str) -> None:
    """Personal data of the case: provider (own) or granted desk, with ``action`` allowed by role."""
    if actor is None or actor.kind not in (OrganisationKind.PROVIDER, OrganisationKind.DESK):
        raise NotFound()
    if actor.kind == OrganisationKind.PROVIDER and incident.provider_id != actor.organisation.pk:
        raise NotFound()
    if actor.kind == OrganisationKind.DESK and not case.desk_access:
        raise PermissionDenied(DESK_NOT_GRANTED)
    if not actor.may(action):
        raise PermissionDenied()


def is_provider_of(actor: Actor | None, incident) -> bool:
    return (
        actor is not None
        and actor.kind == OrganisationKind.PROVIDER
        and incident.provider_id == actor.organisation.pk
    )


def provider_case_get(actor: Actor | None, reference: str):
    """``case_get`` for the parts of a case only its provider works (imports, letters): NotFound for anyone
    else, the kinds that see the case's statistics included."""
    incident, case = case_get(actor, reference)
    if not is_provider_of(actor, incident):
        raise NotFound()
    return incident, case


# -- imports ---------------------------------------------------------------------------------------------------


def import_jobs_for(actor: Actor | None, incident) -> QuerySet[ImportJob]:
    """The case's imports (provider only: file names and errors concern the list)."""
    if not is_provider_of(actor, incident):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(incident=incident).order_by("-created_at")


def import_job_get(actor: Actor | None, incident, pk) -> ImportJob:
    try:
        return import_jobs_for(actor, incident).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def import_issues(job: ImportJob, kind: str | None = None) -> QuerySet[ImportIssue]:
    """The validation report of a job the caller got from ``import_job_get``: errors (line, column, reason; the
    messages never repeat a cell's value) and duplicates, by line."""
    issues = ImportIssue.objects.filter(job=job).order_by("line", "id")
    return issues.filter(kind=kind) if kind else issues


# -- letters ------------------------------------------------------------------------------------------------------


def letter_runs_for(actor: Actor | None, incident) -> QuerySet[LetterRun]:
    if not is_provider_of(actor, incident):
        return LetterRun.objects.none()
    return LetterRun.objects.filter(incident=incident).order_by("-created_at")


def letter_run_get(actor: Actor | None, incident, pk) -> LetterRun:
    try:
        return letter_runs_for(actor, incident).get(pk=pk)
    except (LetterRun.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def letter_batch_get(actor: Actor | None, incident, run_pk, number) -> LetterBatch:
    run = letter_run_get(actor, incident, run_pk)
    try:
        return run.batches.get(number=number)
    except (LetterBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# -- statistics (no personal data) ------------------------------------------------------------------------------


@dataclass
class ItemCount:
    code: str
    label: str
    persons: int


@dataclass
class CaseStatistics:
    persons: int
    corporations: int
    items: list[ItemCount]
    letters: dict[str, int] = field(default_factory=dict)
    gifts: dict[str, int] = field(default_factory=dict)
    excluded: int = 0


def case_statistics(actor: Actor | None, incident, case: VictimCase) -> CaseStatistics:
    """Counts for the duties engine, report drafts, agency and insurer: persons, items, letters, gifts."""
    order = {code: i for i, code in enumerate(ITEM_BITS)}
    items = [
        ItemCount(code, DATA_ITEM_LABELS.get(code, code), n)
        for code, n in sorted((case.item_counts or {}).items(), key=lambda kv: order.get(kv[0], 99))
        if n
    ]
    victims = committed_victims(incident)
    letters = dict(victims.values_list("letter_status").annotate(n=Count("id")).order_by())
    gifts = dict(victims.values_list("gift_status").annotate(n=Count("id")).order_by())
    excluded = victims.filter(excluded=True).count()
    return CaseStatistics(
        persons=case.persons,
        corporations=case.corporations,
        items=items,
        letters={str(LetterStatus(k).label): v for k, v in letters.items()},
        gifts={str(GiftStatus(k).label): v for k, v in gifts.items()},
        excluded=excluded,
    )


def case_figures(incident) -> dict:
    """Internal hook for the duties engine and report drafts (no actor: the caller has scoped the incident): the
    committed list's counts, ``{"persons", "corporations", "items": {code: persons}}``; zeros without a list."""
    case = VictimCase.objects.filter(incident_id=incident.pk).first()
    if case is None:
        return {"persons": 0, "corporations": 0, "items": {}}
    return {"persons": case.persons, "corporations": case.corporations, "items": dict(case.item_counts or {})}


def item_codes_of_list(case: VictimCase) -> list[str]:
    """The items that leaked for at least one person, in vocabulary order (for the incident's facts)."""
    return [code for code in ITEM_BITS if (case.item_counts or {}).get(code)]


# -- condolence gifts ---------------------------------------------------------------------------------------------


def condolence_counts(incident) -> tuple[int, int]:
    """(individuals, corporations) who were sent a condolence gift that did not come back — the counts the claim
    calculation multiplies by the plan's per-person caps (claims engineer, issue 7)."""
    shipped = committed_victims(incident).filter(gift_status=GiftStatus.SHIPPED)
    counts = shipped.aggregate(
        individuals=Count("id", filter=Q(is_corporation=False)),
        corporations=Count("id", filter=Q(is_corporation=True)),
    )
    return counts["individuals"] or 0, counts["corporations"] or 0


@dataclass(frozen=True)
class CondolenceTotals:
    kind: str
    amount_individual: int | None
    amount_corporation: int | None
    cap_individual: int | None
    cap_corporation: int | None
    individuals: int
    corporations: int
    planned: int
    returned: int
    declined: int
    total_yen: int  # spent on gifts that arrived
    covered_yen: int  # within the plan's per-person caps (before the claim's other limits)


def plan_caps(incident) -> tuple[int | None, int | None]:
    """The plan's per-individual and per-corporation caps of condolence costs, when the provider has a policy in
    force at the incident's receipt and the programme year has terms (``costs.items.condolence``)."""
    try:
        from sonae.enrolment.selectors import policy_in_force

        policy = policy_in_force(incident.provider, incident.received_at)
        if policy is None:
            return None, None
        terms = policy.coverage_terms()
    except Exception:  # no enrolment data or terms not loaded: no cap to apply
        return None, None
    item = (terms.get("costs", {}).get("items", {}) or {}).get("condolence") or {}
    return item.get("per_individual_cap"), item.get("per_corporation_cap")


def condolence_totals(incident, case: VictimCase | None = None) -> CondolenceTotals:
    """Totals of the case's condolence gifts for the claim."""
    case = case or victim_case_for(incident)
    individuals, corporations = condolence_counts(incident)
    victims = committed_victims(incident)
    by_status = dict(victims.values_list("gift_status").annotate(n=Count("id")).order_by())
    cap_i, cap_c = plan_caps(incident)
    amount_i = case.gift_amount or 0
    amount_c = case.gift_amount_corporation if case.gift_amount_corporation is not None else amount_i
    total = individuals * amount_i + corporations * amount_c
    covered = individuals * (min(amount_i, cap_i) if cap_i is not None else amount_i) + corporations * (
        min(amount_c, cap_c) if cap_c is not None else amount_c
    )
    return CondolenceTotals(
        kind=case.gift_kind,
        amount_individual=case.gift_amount,
        amount_corporation=case.gift_amount_corporation,
        cap_individual=cap_i,
        cap_corporation=cap_c,
        individuals=individuals,
        corporations=corporations,
        planned=by_status.get(GiftStatus.PLANNED, 0),
        returned=by_status.get(GiftStatus.RETURNED, 0),
        declined=by_status.get(GiftStatus.DECLINED, 0),
        total_yen=total,
        covered_yen=covered,
    )


# -- inquiries ----------------------------------------------------------------------------------------------------


@dataclass
class DayStatistics:
    day: date
    total: int
    by_category: dict[str, int]
    follow_up_open: int
    web_matched: int
    web_unmatched: int


def inquiries_for(actor: Actor | None, incident, case: VictimCase) -> QuerySet[Inquiry]:
    require_personal(actor, incident, case, "victims.inquiry")
    return Inquiry.objects.filter(incident=incident).select_related("created_by").order_by("-created_at")


def inquiry_statistics(incident, *, days: int = 31) -> list[DayStatistics]:
    """Inquiries per day (latest first), by category: aggregates for every viewer of the case."""
    rows = (
        Inquiry.objects.filter(incident=incident)
        .values("day", "category", "channel")
        .annotate(
            n=Count("id"),
            open=Count("id", filter=Q(follow_up=True, follow_up_done_at__isnull=True)),
            matched=Count("id", filter=Q(victim__isnull=False)),
        )
        .order_by("-day")
    )
    by_day: dict[date, DayStatistics] = {}
    for row in rows:
        stats = by_day.setdefault(row["day"], DayStatistics(row["day"], 0, {}, 0, 0, 0))
        stats.total += row["n"]
        label = str(InquiryCategory(row["category"]).label)
        stats.by_category[label] = stats.by_category.get(label, 0) + row["n"]
        stats.follow_up_open += row["open"]
        if row["channel"] == InquiryChannel.WEB:
            stats.web_matched += row["matched"]
            stats.web_unmatched += row["n"] - row["matched"]
    return sorted(by_day.values(), key=lambda s: s.day, reverse=True)[:days]


def victim_for_inquiry(actor: Actor | None, incident, case: VictimCase, victim_id) -> Victim | None:
    if victim_id in (None, ""):
        return None
    require_personal(actor, incident, case, "victims.inquiry")
    try:
        return committed_victims(incident).get(pk=int(victim_id))
    except (Victim.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
