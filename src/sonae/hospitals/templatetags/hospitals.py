"""Cards for the hospital's dashboard (``core/dashboard_hospital.html`` may include them):
``{% load hospitals %}{% hospital_notices_card %}`` and ``{% hospital_contractors_card %}``."""

from __future__ import annotations

from django import template

register = template.Library()


def _actor(context):
    request = context.get("request")
    actor = getattr(request, "actor", None) if request is not None else None
    return actor if actor and actor.kind == "hospital" else None


@register.inclusion_tag("hospitals/_card_notices.html", takes_context=True)
def hospital_notices_card(context):
    """The latest notices received, unacknowledged ones first."""
    from sonae.hospitals.selectors import notices_for

    notices = list(notices_for(_actor(context)).order_by("acknowledged_at", "-sent_at")[:5])
    return {"notices": notices}


@register.inclusion_tag("hospitals/_card_contractors.html", takes_context=True)
def hospital_contractors_card(context):
    """Counts of accepted contractors and pending requests. Nothing a contractor shares is read here (reading it
    is audit-logged on the contractors page), so the dashboard stays a plain summary."""
    from sonae.hospitals.selectors import contractor_links_for, link_requests_for

    actor = _actor(context)
    return {"count": contractor_links_for(actor).count(), "pending": link_requests_for(actor).count()}
