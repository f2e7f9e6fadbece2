"""Every read of rights requests, scoped by the actor."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.apps import apps
from django.db.models import QuerySet

from sonae.core.actors import Actor
from sonae.core.errors import NotFound
from sonae.incidents.models import Incident
from sonae.incidents.selectors import incident_get

from .models import Kind, Restriction, RightsRequest


def requests_for_incident(actor: Actor | None, incident: Incident) -> QuerySet[RightsRequest]:
    """Requests of a case: the provider (own case) and the desk; NotFound for anyone else."""
    if actor is None or not actor.may("rights.view"):
        raise NotFound()
    if not (actor.kind == "desk" or incident.provider_id == actor.organisation.pk):
        raise NotFound()
    if actor.kind == "desk" and not _desk_granted(incident):
        # Requests hold the requester's name and words: personal data the desk sees only while the provider
        # grants it the case's personal data (DESIGN §1, the victims app's grant).
        raise NotFound()
    # Through the case's related manager: each request's ``incident`` is this object, not a query per row.
    return incident.rights_requests.select_related("forwarded_to")


def _desk_granted(incident: Incident) -> bool:
    try:
        case_model = apps.get_model("victims", "VictimCase")
    except LookupError:  # without the victims app there is no grant to give
        return False
    return case_model.objects.filter(incident_id=incident.pk, desk_access=True).exists()


def request_get(actor: Actor | None, reference: str, pk) -> RightsRequest:
    """One request of a case, or NotFound outside the actor's scope."""
    incident = incident_get(actor, reference)
    try:
        return requests_for_incident(actor, incident).get(pk=pk)
    except (RightsRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def forwarded_for(actor: Actor | None) -> QuerySet[RightsRequest]:
    """The hospital's view: requests its contractors forwarded to it."""
    if actor is None or not actor.may("rights.view_forwarded"):
        return RightsRequest.objects.none()
    # Through the hospital's related manager: each request's ``forwarded_to`` is the actor's organisation object.
    return actor.organisation.forwarded_rights.select_related("incident", "organisation")


def forwarded_get(actor: Actor | None, pk) -> RightsRequest:
    try:
        return forwarded_for(actor).get(pk=pk)
    except (RightsRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_read_list_record(actor: Actor | None, request: RightsRequest) -> bool:
    """May ``actor`` read the record the victims list holds on the request's person (the disclosure package does)?

    The same rule as the victims pages (DESIGN §1): the case's provider; the desk only while the provider grants it
    the case's personal data. A request that names nobody on the list reads no record.
    """
    if request.victim_id is None:
        return True
    if actor is None:
        return False
    own = actor.kind == "provider" and request.incident.provider_id == actor.organisation.pk
    try:
        case_model = apps.get_model("victims", "VictimCase")
    except LookupError:  # without the victims app there is no list to read
        return own
    from sonae.victims.selectors import may_see_personal

    case = case_model.objects.filter(incident_id=request.incident_id).first()
    return own if case is None else may_see_personal(actor, request.incident, case)


def excluded_victim_ids(incident: Incident) -> set[int]:
    """Victims of the case to leave out of further letters, gifts and exports (granted suspension/erasure).

    Internal hook for the victims app (no actor: the caller has already scoped the incident).
    """
    return set(
        Restriction.objects.filter(incident=incident, kind=Kind.SUSPENSION).values_list(
            "victim_id", flat=True
        )
    )


def report(requests: QuerySet[RightsRequest], *, today: date) -> dict:
    """Requests by kind, on time vs late, and outcomes (per case or per programme year)."""
    by_kind: Counter = Counter()
    outcomes: Counter = Counter()
    on_time = late = 0
    for r in requests:
        by_kind[r.kind] += 1
        if r.decision:
            outcomes[r.decision] += 1
        if r.status in ("forwarded", "withdrawn"):
            continue
        if r.is_late(today):
            late += 1
        else:
            on_time += 1
    return {
        "total": sum(by_kind.values()),
        "by_kind": dict(by_kind),
        "on_time": on_time,
        "late": late,
        "outcomes": dict(outcomes),
    }


def report_for_incident(actor: Actor | None, incident: Incident, *, today: date) -> dict:
    return report(requests_for_incident(actor, incident), today=today)


def report_for_year(actor: Actor | None, year_code: str, *, today: date) -> dict:
    """Per programme year: a provider its own requests; the desk and the agency all (no personal data)."""
    if actor is None or not actor.may("rights.report"):
        raise NotFound()
    qs = RightsRequest.objects.filter(incident__programme_year__code=year_code)
    if actor.kind == "provider":
        qs = qs.filter(organisation=actor.organisation)
    return report(qs, today=today)
