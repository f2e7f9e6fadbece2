"""Helpers shared by the incident services: permission checks, the timeline writer, the SLA policy, desk lookup."""

from __future__ import annotations

from datetime import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.errors import PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.core.policy import require  # noqa: F401 - the services' check, imported by them from here
from sonae.incidents.models import Incident, TimelineEvent
from sonae.incidents.sla import DEFAULT_SLA_POLICY, SlaPolicy


def require_case_access(actor: Actor, incident: Incident) -> None:
    """Writes on a case: the desk on any case, a provider on its own. Selectors already hide other cases (404);
    this second check keeps a service safe when it is called with an object fetched some other way."""
    if actor.kind == OrganisationKind.DESK:
        return
    if actor.kind == OrganisationKind.PROVIDER and incident.provider_id == actor.organisation.pk:
        return
    raise PermissionDenied()


def timeline_add(
    incident: Incident,
    *,
    kind: str,
    text: str,
    actor: Actor | None = None,
    data: dict | None = None,
    at: datetime | None = None,
) -> TimelineEvent:
    """Append one event to the case's timeline (called by the service that caused it, in its transaction)."""
    return TimelineEvent.objects.create(
        incident=incident,
        kind=kind,
        at=at or timezone.now(),
        actor=actor.user if actor is not None else None,
        actor_label=_actor_label(actor),
        actor_organisation=actor.organisation if actor is not None else None,
        text=text,
        data=data or {},
    )


def _actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "システム"
    if actor.user is not None:
        return f"{actor.user}（{actor.organisation.name}）"
    token_name = actor.token.name if actor.token is not None else ""
    return f"APIトークン「{token_name}」（{actor.organisation.name}）"


def audit_actor(actor: Actor | None) -> dict:
    """Keyword arguments of ``audit_record`` for an actor (the user, or none for API tokens and the system)."""
    if actor is None:
        return {"actor": None, "organisation": None}
    return {"actor": actor.user, "organisation": actor.organisation}


def sla_policy_at(instant: datetime) -> SlaPolicy:
    """The desk's SLA policy of the programme year in force at ``instant``, or the defaults when none."""
    from sonae.programme.selectors import desk_policy_at

    policy = desk_policy_at(instant)
    return DEFAULT_SLA_POLICY if policy is None else policy


def desk_organisation() -> Organisation | None:
    """The programme's incident desk (the first active desk organisation; the programme has one)."""
    return Organisation.objects.filter(kind=OrganisationKind.DESK, is_active=True).order_by("pk").first()


def case_url(incident: Incident, tab: str = "detail") -> str:
    """The case page's path, or "" while the pages are not mounted."""
    try:
        return reverse(f"incidents:{tab}", args=[incident.reference])
    except NoReverseMatch:
        return ""
