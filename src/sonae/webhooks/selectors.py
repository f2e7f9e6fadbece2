"""Every read of the webhooks app, scoped to the actor's organisation (another organisation's rows: NotFound)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from sonae.core.actors import Actor
from sonae.core.errors import NotFound, PermissionDenied

from .models import Delivery, WebhookEndpoint


def _require(actor: Actor | None) -> None:
    if actor is None or not actor.may("webhook.manage"):
        raise PermissionDenied()


def endpoints_for(actor: Actor) -> QuerySet[WebhookEndpoint]:
    """The organisation's endpoints (admins only)."""
    _require(actor)
    return WebhookEndpoint.objects.filter(organisation=actor.organisation).order_by("name", "pk")


def endpoint_get(actor: Actor, pk) -> WebhookEndpoint:
    try:
        return endpoints_for(actor).get(pk=int(pk))
    except (WebhookEndpoint.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def deliveries_for(actor: Actor, endpoint: WebhookEndpoint | None = None) -> QuerySet[Delivery]:
    """Deliveries of the organisation (of one endpoint when given), newest first."""
    _require(actor)
    qs = Delivery.objects.filter(organisation=actor.organisation).select_related("endpoint")
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    return qs.order_by("-created_at", "-pk")


def delivery_get(actor: Actor, pk) -> Delivery:
    """One delivery (by id or UUID) with its attempt log."""
    qs = deliveries_for(actor).prefetch_related("attempt_log")
    try:
        if isinstance(pk, str) and not pk.isdigit():
            return qs.get(uuid=pk)
        return qs.get(pk=int(pk))
    except (Delivery.DoesNotExist, TypeError, ValueError, ValidationError):
        raise NotFound() from None
