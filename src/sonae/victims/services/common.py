"""Helpers shared by the victims services: permission checks, the audit actor, the case's victims settings."""

from __future__ import annotations

from sonae.core.actors import Actor
from sonae.core.errors import NotFound, PermissionDenied
from sonae.core.models import OrganisationKind
from sonae.core.policy import require  # the services' check, imported by them from here
from sonae.victims.models import VictimCase


def require_provider_of(actor: Actor | None, incident, action: str) -> None:
    """Writes on a case's list: the provider of the case only (DESIGN §1). Another organisation's case is 404."""
    require(actor, action)
    if actor.kind != OrganisationKind.PROVIDER:
        raise PermissionDenied()
    if incident.provider_id != actor.organisation.pk:
        raise NotFound()


def audit_actor(actor: Actor | None, incident=None) -> dict:
    """Keyword arguments of ``audit_record``: the acting user and organisation (the case's provider for the
    system, e.g. the CLI)."""
    if actor is None:
        return {"actor": None, "organisation": incident.provider if incident is not None else None}
    return {"actor": actor.user, "organisation": actor.organisation}


def victim_case_for(incident) -> VictimCase:
    """The case's victims settings, created with defaults on first use."""
    case = VictimCase.objects.filter(incident_id=incident.pk).first()
    if case is None:
        case, _ = VictimCase.objects.get_or_create(
            incident_id=incident.pk,
            defaults={"letter_sender": _default_sender(incident)},
        )
    return case


def _default_sender(incident) -> str:
    provider = incident.provider
    return provider.name
