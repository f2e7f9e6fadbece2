"""Helpers shared by the claims services: permission checks, audit arguments, numbers, notifications."""

from __future__ import annotations

from django.db import transaction
from django.urls import NoReverseMatch, reverse

from sonae.core.actors import Actor
from sonae.core.errors import PermissionDenied
from sonae.core.models import Membership, Organisation, OrganisationKind
from sonae.core.policy import require  # noqa: F401 - the services' check, imported by them from here

from ..models import NumberCounter


def require_own(actor: Actor, incident) -> None:
    """A provider writes only on its own cases. Selectors already hide other cases (404); this second check keeps a
    service safe when it is called with an object fetched some other way."""
    if actor.kind != OrganisationKind.PROVIDER or incident.provider_id != actor.organisation.pk:
        raise PermissionDenied()


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "システム"
    who = (
        str(actor.user)
        if actor.user is not None
        else f"APIトークン「{actor.token.name if actor.token else ''}」"
    )
    return f"{who}（{actor.organisation.name}）"


def audit_actor(actor: Actor | None) -> dict:
    """Keyword arguments of ``audit_record`` for an actor (the user, or none for API tokens and the system)."""
    if actor is None:
        return {"actor": None, "organisation": None}
    return {"actor": actor.user, "organisation": actor.organisation}


def next_number(prefix: str, year_code: str, width: int = 5) -> str:
    """``CLM-2025-00001``: the next number of a prefix in a programme year, drawn under a row lock."""
    key = f"{prefix}-{year_code}"
    with transaction.atomic():
        counter, _ = NumberCounter.objects.select_for_update().get_or_create(key=key)
        counter.last += 1
        counter.save(update_fields=["last"])
    return f"{key}-{counter.last:0{width}d}"


def url_or_blank(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def notify_organisation(organisation: Organisation, *, title: str, body: str = "", url: str = "") -> None:
    """An in-app notification for every member of ``organisation`` (after the transaction commits)."""

    def send() -> None:
        from sonae.core.services import notify

        for membership in Membership.objects.filter(organisation=organisation).select_related("user"):
            notify(user=membership.user, organisation=organisation, title=title, body=body, url=url)

    transaction.on_commit(send)


def notify_insurers(*, title: str, body: str = "", url: str = "") -> None:
    """Notify the programme's insurer organisations (the programme has one underwriting insurer)."""
    for organisation in Organisation.objects.filter(kind=OrganisationKind.INSURER, is_active=True):
        notify_organisation(organisation, title=title, body=body, url=url)
