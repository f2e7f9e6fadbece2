"""Every read of the incident desk, scoped by the acting party (issue 4 point 10).

- provider: its own cases (everything in them, caller details included);
- desk: the queue and every case;
- agency and insurer: case summaries, tasks and timeline of every case (the programme has one agency and one
  insurer: all providers are their policyholders), never the caller's name or number, never evidence files;
- hospital: only the notices sent to its organisation;
- foundation: nothing of cases.
Anything outside the scope is ``NotFound`` (404), so the existence of another organisation's case never leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Q, QuerySet, When

from sonae.core.actors import Actor
from sonae.core.errors import NotFound, PermissionDenied
from sonae.core.models import AuditEvent, Membership, Organisation, OrganisationKind
from sonae.jp.text import kana_key, normalize

from . import sla
from .models import Evidence, HospitalNotice, Incident, Task, TimelineEvent, Vendor, VendorDispatch
from .models.incident import OPEN_STATUSES

CASE_VIEWERS = frozenset(
    {OrganisationKind.PROVIDER, OrganisationKind.DESK, OrganisationKind.AGENCY, OrganisationKind.INSURER}
)
WORKERS = frozenset({OrganisationKind.PROVIDER, OrganisationKind.DESK})


def incidents_for(actor: Actor | None) -> QuerySet[Incident]:
    """The cases the actor may see at all (summaries for agency and insurer)."""
    if actor is None or not actor.may("incident.view"):
        return Incident.objects.none()
    qs = Incident.objects.select_related("provider", "entrusting_hospital", "programme_year")
    if actor.kind == OrganisationKind.PROVIDER:
        return qs.filter(provider=actor.organisation)
    if actor.kind in CASE_VIEWERS:
        return qs
    return Incident.objects.none()


def incident_get(actor: Actor | None, reference: str) -> Incident:
    """One case by reference, or NotFound when it does not exist or is outside the actor's scope."""
    try:
        return incidents_for(actor).get(reference=reference)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_see_caller(actor: Actor | None, incident: Incident) -> bool:
    """Caller name and call-back number: the desk and the provider itself; never agency or insurer."""
    if actor is None:
        return False
    if actor.kind == OrganisationKind.DESK:
        return True
    return actor.kind == OrganisationKind.PROVIDER and incident.provider_id == actor.organisation.pk


def may_work_on(actor: Actor | None, incident: Incident) -> bool:
    """Tasks, notes, calls and evidence: the desk on any case, the provider on its own (staff and admins)."""
    if actor is None or not actor.may("incident.work"):
        return False
    return actor.kind == OrganisationKind.DESK or incident.provider_id == actor.organisation.pk


@dataclass(frozen=True)
class QueueRow:
    incident: Incident
    overdue: bool
    time_to_due: object  # timedelta (negative when overdue)


def desk_queue_cases(actor: Actor | None) -> QuerySet[Incident]:
    """The desk's open cases in queue order, sorted by the database (the queue can hold thousands): awaiting a
    first response first, by due time (earliest first, ``sla.queue_sort_key``), then the others by due time."""
    if actor is None or not actor.may("incident.queue"):
        raise PermissionDenied()
    return (
        incidents_for(actor)
        .filter(status__in=OPEN_STATUSES)
        .annotate(_answered=Case(When(first_responded_at__isnull=True, then=0), default=1))
        .order_by("_answered", "first_response_due", "received_at", "id")
    )


def queue_rows(incidents, *, now: datetime) -> list[QueueRow]:
    """Queue rows (overdue flag, time left) of already-fetched cases."""
    return [
        QueueRow(
            incident=incident,
            overdue=sla.overdue(now, _times(incident), responded_at=incident.first_responded_at),
            time_to_due=sla.time_to_due(now, _times(incident)),
        )
        for incident in incidents
    ]


def desk_queue_ids(actor: Actor | None) -> QuerySet:
    """The queue's case ids in queue order: the database sorts narrow rows, then only one page of (encrypted,
    wide) cases is read with ``queue_cases`` — sorting whole rows of thousands of cases cost ~90 ms."""
    return desk_queue_cases(actor).values_list("pk", flat=True)


def queue_cases(actor: Actor | None, ids) -> list[Incident]:
    """The cases of ``ids`` (one page of the queue) in that order."""
    ids = list(ids)
    found = incidents_for(actor).in_bulk(ids)  # scoped as the queue; the order is the ids' (no second sort)
    return [found[pk] for pk in ids if pk in found]


def desk_queue(actor: Actor | None, *, now: datetime, limit: int | None = None) -> list[QueueRow]:
    """The first ``limit`` rows of the desk queue (all when None); see ``desk_queue_cases``."""
    ids = desk_queue_ids(actor)
    return queue_rows(queue_cases(actor, ids if limit is None else ids[:limit]), now=now)


def desk_queue_overdue_count(actor: Actor | None, *, now: datetime) -> int:
    """Open cases still awaiting a first response after their due time (``sla.overdue``, counted in SQL)."""
    return desk_queue_cases(actor).filter(first_responded_at__isnull=True, first_response_due__lt=now).count()


def _times(incident: Incident) -> sla.SlaTimes:
    return sla.SlaTimes(incident.received_at, incident.handling_starts_at, incident.first_response_due)


def is_overdue(incident: Incident, now: datetime) -> bool:
    return incident.is_open and sla.overdue(now, _times(incident), responded_at=incident.first_responded_at)


def tasks_for(actor: Actor | None, incident: Incident) -> QuerySet[Task]:
    """The case's tasks (the incident must come from ``incident_get``)."""
    _ensure_visible(actor, incident)
    return incident.tasks.select_related("owner_organisation", "owner_user", "owner_vendor").order_by(
        "sort_order", "id"
    )


def task_get(actor: Actor | None, incident: Incident, pk) -> Task:
    try:
        return tasks_for(actor, incident).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def timeline_for(actor: Actor | None, incident: Incident) -> QuerySet[TimelineEvent]:
    """The case's timeline in chronological order."""
    _ensure_visible(actor, incident)
    return incident.timeline.select_related("actor", "actor_organisation").order_by("at", "id")


def evidence_for(actor: Actor | None, incident: Incident) -> QuerySet[Evidence]:
    """Evidence of the case: provider (own) and desk only — files may hold victims' personal data."""
    _ensure_visible(actor, incident)
    if not _may_see_evidence(actor, incident):
        raise NotFound()
    return incident.evidence.select_related("uploaded_by", "uploaded_by_organisation")


def evidence_get(actor: Actor | None, incident: Incident, pk) -> Evidence:
    try:
        return evidence_for(actor, incident).get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _may_see_evidence(actor: Actor | None, incident: Incident) -> bool:
    if actor is None or not actor.may("incident.evidence_view"):
        return False
    return actor.kind == OrganisationKind.DESK or incident.provider_id == actor.organisation.pk


def may_see_evidence(actor: Actor | None, incident: Incident) -> bool:
    return _may_see_evidence(actor, incident)


def evidence_custody(actor: Actor | None, evidence: Evidence) -> QuerySet[AuditEvent]:
    """The chain of custody of one evidence file: its audit events (upload, every download with its reason)."""
    evidence_get(actor, evidence.incident, evidence.pk)
    return AuditEvent.objects.filter(target_type="incidents.evidence", target_id=str(evidence.pk)).order_by(
        "id"
    )


def dispatches_for(actor: Actor | None, incident: Incident) -> QuerySet[VendorDispatch]:
    _ensure_visible(actor, incident)
    return incident.dispatches.select_related("vendor", "task", "dispatched_by")


def notices_for_incident(actor: Actor | None, incident: Incident) -> QuerySet[HospitalNotice]:
    """Notices of a case, for the provider, the desk, and (as a summary) agency and insurer."""
    _ensure_visible(actor, incident)
    return incident.hospital_notices.select_related("hospital", "acknowledged_by", "sent_by")


def notice_get_for_incident(actor: Actor | None, incident: Incident, pk) -> HospitalNotice:
    try:
        return notices_for_incident(actor, incident).get(pk=pk)
    except (HospitalNotice.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def hospital_notices_for(actor: Actor | None) -> QuerySet[HospitalNotice]:
    """A hospital's inbox: the notices sent to its organisation (drafts are never shown)."""
    if actor is None or not actor.may("hospital_notice.view"):
        return HospitalNotice.objects.none()
    return (
        HospitalNotice.objects.filter(hospital=actor.organisation, sent_at__isnull=False)
        .select_related("incident__provider", "acknowledged_by")
        .order_by("-sent_at", "-id")
    )


def hospital_notice_get(actor: Actor | None, pk) -> HospitalNotice:
    try:
        return hospital_notices_for(actor).get(pk=pk)
    except (HospitalNotice.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def vendors_for(actor: Actor | None, *, active_only: bool = False) -> QuerySet[Vendor]:
    """The vendor directory (desk only)."""
    if actor is None or not actor.may("vendor.view"):
        raise PermissionDenied()
    qs = Vendor.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def vendor_get(actor: Actor | None, pk) -> Vendor:
    try:
        return vendors_for(actor).get(pk=pk)
    except (Vendor.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def assignable_members(actor: Actor | None, incident: Incident) -> QuerySet[Membership]:
    """People a task of this case can be given to: members of the case's provider and of the desk."""
    _ensure_visible(actor, incident)
    return (
        Membership.objects.filter(
            Q(organisation=incident.provider)
            | Q(organisation__kind=OrganisationKind.DESK, organisation__is_active=True)
        )
        .select_related("user", "organisation")
        .order_by("organisation__kind", "organisation__name", "user__email")
    )


def hospitals_for_choice() -> QuerySet[Organisation]:
    """Hospitals a provider can name as the entrusting party (names only; registered hospitals are public)."""
    return Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, is_active=True).order_by(
        "name_kana", "name"
    )


def provider_search(actor: Actor | None, text: str, *, limit: int = 20) -> list[Organisation]:
    """Providers found by name, kana or organisation code — and by policy number when enrolment offers it —
    for the desk's phone intake."""
    if actor is None or not actor.may("incident.intake"):
        raise PermissionDenied()
    text = normalize(text or "")
    if not text:
        return []
    providers = Organisation.objects.filter(kind=OrganisationKind.PROVIDER, is_active=True)
    query = Q(name__icontains=text) | Q(code__iexact=text) | Q(code__icontains=text)
    key = kana_key(text)
    if key:
        query |= Q(name_kana__icontains=key)
    ids = _provider_ids_by_policy_number(text)
    if ids:
        query |= Q(pk__in=ids)
    found = list(providers.filter(query).order_by("name_kana", "name")[:limit])
    if len(found) < limit and key:
        # name_kana is stored as typed: compare normalised keys in Python for spaces, widths and hiragana.
        seen = {org.pk for org in found}
        for org in providers.exclude(pk__in=seen).only("pk", "name", "name_kana", "code"):
            if key in kana_key(org.name_kana or "") and len(found) < limit:
                found.append(org)
    return found


def provider_for_intake(actor: Actor | None, pk: int) -> Organisation | None:
    """One active provider by id, for the desk's intake form (None when there is no such provider)."""
    if actor is None or not actor.may("incident.intake"):
        raise PermissionDenied()
    return Organisation.objects.filter(pk=pk, kind=OrganisationKind.PROVIDER, is_active=True).first()


def _provider_ids_by_policy_number(text: str) -> list[int]:
    # Enrolment is built separately; use its look-up when present.
    try:
        from sonae.enrolment import selectors as enrolment_selectors
    except ImportError:
        return []
    lookup = getattr(enrolment_selectors, "provider_ids_by_policy_number", None)
    if lookup is None:
        return []
    return list(lookup(text) or [])


def _ensure_visible(actor: Actor | None, incident: Incident) -> None:
    if not incidents_for(actor).filter(pk=incident.pk).exists():
        raise NotFound()
