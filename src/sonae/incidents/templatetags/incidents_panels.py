"""Dashboard panels of the incidents app: open cases of the acting organisation and the desk queue."""

from __future__ import annotations

from django import template
from django.utils import timezone

from sonae.incidents import selectors
from sonae.incidents.models.incident import OPEN_STATUSES

register = template.Library()

PANEL_SIZE = 5


@register.simple_tag(takes_context=True)
def open_incidents_panel(context):
    """The actor's open cases, newest first (scoped by the incidents selectors)."""
    actor = getattr(context.get("request"), "actor", None)
    if not actor:
        return None
    cases = selectors.incidents_for(actor).filter(status__in=OPEN_STATUSES).select_related("provider")
    return {"cases": list(cases.order_by("-received_at")[:PANEL_SIZE]), "count": cases.count()}


@register.simple_tag(takes_context=True)
def desk_queue_panel(context):
    """The first rows of the desk queue with overdue flags, for desk members."""
    actor = getattr(context.get("request"), "actor", None)
    if not actor or not actor.may("incident.queue"):
        return None
    now = timezone.now()
    return {
        "rows": selectors.desk_queue(actor, now=now, limit=PANEL_SIZE),
        "count": selectors.desk_queue_cases(actor).count(),
        "overdue": selectors.desk_queue_overdue_count(actor, now=now),
    }
