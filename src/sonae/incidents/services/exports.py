"""Exports of a case: the timeline as PDF."""

from __future__ import annotations

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.documents.pdf import render_pdf
from sonae.incidents.models import Incident

from .common import audit_actor


def timeline_pdf_export(*, actor: Actor, incident: Incident, events, show_caller: bool) -> bytes:
    """The case's timeline as an A4 PDF; the export is audited (who exported which case, how many events).

    ``incident`` and ``events`` come from the selectors (already scoped); ``show_caller`` puts the caller's
    details in the header (desk and the provider only).
    """
    events = list(events)
    pdf = render_pdf(
        "incidents/pdf/timeline.html", {"incident": incident, "events": events, "may_see_caller": show_caller}
    )
    audit_record(
        action="incident.timeline_exported",
        target=incident,
        data={"events": len(events)},
        **audit_actor(actor),
    )
    return pdf
