"""Cards for the hospital's dashboard (``core/dashboard_hospital.html`` may include them):
``{% load hospitals %}{% hospital_notices_card %}`` and ``{% hospital_contractors_card %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from sonae.jp.calendar import tokyo_date

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
    """Counts: accepted contractors, pending requests, contractors with overdue checklist items."""
    from sonae.hospitals.selectors import contractor_rows, link_requests_for

    actor = _actor(context)
    now = timezone.now()
    rows = contractor_rows(actor, now=now, today=tokyo_date(now)) if actor else []
    overdue = sum(1 for r in rows if r.posture.checklist and r.posture.checklist.overdue_count)
    return {"count": len(rows), "pending": link_requests_for(actor).count(), "overdue": overdue}
