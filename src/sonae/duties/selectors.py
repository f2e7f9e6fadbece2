"""Every read of the legal duties app, scoped by the acting party.

- provider: its own cases, in full (facts, versions, drafts); the desk: every case, in full;
- agency and insurer: the checklist of any case as a read-only summary (no facts form, versions or drafts: 403);
- hospital, foundation and anyone else: no case at all (``NotFound`` → 404, so a case's existence never shows).
Cases are found through the incident desk's selectors, so both apps share one scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from sonae.core.actors import Actor
from sonae.core.errors import NotFound, PermissionDenied
from sonae.core.models import OrganisationKind
from sonae.duties.rules import RECOMMENDATION_LABELS
from sonae.incidents import selectors as incident_selectors
from sonae.incidents.models import Incident

from .checklist import ChecklistLine, checklist_lines, headline
from .diff import diff_facts
from .labels import basis_label
from .models import DutyAssessment, DutyItem
from .prefill import facts_from_incident, incident_changes


def case_get(actor: Actor | None, reference: str) -> Incident:
    """The case by reference when the actor may see its duties at all; otherwise NotFound."""
    if actor is None or not actor.may("duties.view"):
        raise NotFound()
    return incident_selectors.incident_get(actor, reference)


def _own_or_desk(actor: Actor | None, incident: Incident) -> bool:
    if actor is None:
        return False
    return actor.kind == OrganisationKind.DESK or (
        actor.kind == OrganisationKind.PROVIDER and incident.provider_id == actor.organisation.pk
    )


def may_see_detail(actor: Actor | None, incident: Incident) -> bool:
    """Facts, versions, diffs and drafts: the case's provider and the desk."""
    return actor is not None and actor.may("duties.view_detail") and _own_or_desk(actor, incident)


def may_assess(actor: Actor | None, incident: Incident) -> bool:
    return actor is not None and actor.may("duties.assess") and _own_or_desk(actor, incident)


def may_mark_done(actor: Actor | None, incident: Incident) -> bool:
    return actor is not None and actor.may("duties.mark_done") and _own_or_desk(actor, incident)


def may_draft(actor: Actor | None, incident: Incident) -> bool:
    return actor is not None and actor.may("duties.draft") and _own_or_desk(actor, incident)


def _require_detail(actor: Actor | None, incident: Incident) -> None:
    incident_selectors.incident_get(actor, incident.reference)  # scope first: another's case is 404
    if not may_see_detail(actor, incident):
        raise PermissionDenied()


def latest_assessment(actor: Actor | None, incident: Incident) -> DutyAssessment | None:
    """The case's latest version (summary readers included)."""
    case_get(actor, incident.reference)
    return (
        DutyAssessment.objects.filter(incident=incident)
        .select_related("entrusting_hospital", "created_by")
        .order_by("-version")
        .first()
    )


def items_for(actor: Actor | None, incident: Incident) -> QuerySet[DutyItem]:
    """The case's duties (summary readers included)."""
    case_get(actor, incident.reference)
    return DutyItem.objects.filter(incident=incident).select_related("task", "assessment", "done_by")


def item_get(actor: Actor | None, incident: Incident, kind: str) -> DutyItem:
    try:
        return items_for(actor, incident).get(kind=kind)
    except (DutyItem.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def versions_for(actor: Actor | None, incident: Incident) -> QuerySet[DutyAssessment]:
    """Every version of the case's assessment, newest first (provider and desk)."""
    _require_detail(actor, incident)
    return (
        DutyAssessment.objects.filter(incident=incident)
        .select_related("entrusting_hospital", "created_by", "status_changed_by")
        .order_by("-version")
    )


def version_get(actor: Actor | None, incident: Incident, version) -> DutyAssessment:
    try:
        return versions_for(actor, incident).get(version=version)
    except (DutyAssessment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def form_facts(actor: Actor | None, incident: Incident, *, from_incident: bool = False) -> dict:
    """What the facts form starts from: the latest version's facts and entrusting party, or (first time, or on
    request) what the incident records."""
    _require_detail(actor, incident)
    latest = DutyAssessment.objects.filter(incident=incident).order_by("-version").first()
    if latest is None or from_incident:
        return {
            "facts": facts_from_incident(incident),
            "entrusting_hospital": incident.entrusting_hospital,
            "entrusting_party_name": incident.entrusting_party_name,
        }
    return {
        "facts": dict(latest.facts),
        "entrusting_hospital": latest.entrusting_hospital,
        "entrusting_party_name": latest.entrusting_party_name,
    }


@dataclass
class DutyOverview:
    """What the 法的対応 page and the API show about one case."""

    incident: Incident
    latest: DutyAssessment | None
    lines: list[ChecklistLine] = field(default_factory=list)
    items: dict[str, DutyItem] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    headline: str = ""
    # Duties done under an earlier version that the latest no longer requires: their record stays visible.
    earlier_done: list[DutyItem] = field(default_factory=list)
    # What the incident records differently since the latest version (provider and desk only).
    incident_changes: list = field(default_factory=list)


def overview(actor: Actor | None, incident: Incident) -> DutyOverview:
    """The checklist of the latest version with each duty's record attached, the warnings (with the explain
    page's anchor of their reading) and the recommendations in Japanese."""
    latest = latest_assessment(actor, incident)
    items = {item.kind: item for item in items_for(actor, incident)}
    view = DutyOverview(incident=incident, latest=latest, items=items)
    if latest is None:
        return view
    view.lines = checklist_lines(latest.result, latest.facts, latest.entrusting_party_display)
    view.headline = headline(latest.result, latest.facts, latest.entrusting_party_display)
    shown = {line.kind for line in view.lines if line.kind}
    if may_see_detail(actor, incident):
        changes = incident_changes(incident, latest.facts)
        view.incident_changes = diff_facts(latest.facts, {**latest.facts, **changes}) if changes else []
    view.earlier_done = [
        item for item in items.values() if item.is_done and not item.informational and item.kind not in shown
    ]
    for line in view.lines:
        line.item = items.get(line.kind) if line.kind else None
    view.warnings = [
        {
            **warning,
            "label": basis_label(f"Sonae reading {warning['code']}")[0],
            "anchor": warning["code"].lower(),
        }
        for warning in latest.result["warnings"]
    ]
    view.recommendations = [
        {"code": code, "label": RECOMMENDATION_LABELS.get(code, code)}
        for code in latest.result["recommendations"]
    ]
    return view
