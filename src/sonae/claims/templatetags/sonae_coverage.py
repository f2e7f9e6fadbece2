"""Template tags of the coverage determination: ``{% coverage_for incident as coverage %}`` gives what the signed-in
party may see of an incident's coverage (``coverage_status.CoverageView``, None when nothing), so that any page —
the incident case page, the claim screen — can show it with one include and no change to its view."""

from __future__ import annotations

from django import template

from sonae.core.errors import DomainError

from ..coverage_status import PROVISIONAL_LABEL, PROVISIONAL_NOTE, coverage_view

register = template.Library()

BADGES = {
    "covered": "text-bg-success",
    "needs_review": "text-bg-warning",
    "not_covered": "text-bg-danger",
    "info": "text-bg-light",
}
EFFECT_LABELS = {
    "covered": "補償の対象",
    "needs_review": "要確認",
    "not_covered": "補償の対象外",
    "info": "参考",
}


@register.simple_tag(takes_context=True)
def coverage_for(context, incident):
    """The actor's view of ``incident``'s coverage, or None (no incident, no actor, or nothing to see)."""
    request = context.get("request")
    actor = getattr(request, "actor", None)
    if incident is None or actor is None:
        return None
    try:
        return coverage_view(actor, incident)
    except DomainError:
        return None


@register.filter
def coverage_badge(outcome: str) -> str:
    """Bootstrap badge classes for an outcome or a reason's effect (the badge always carries its label too)."""
    return BADGES.get(outcome, "text-bg-secondary")


@register.filter
def effect_label(effect: str) -> str:
    return EFFECT_LABELS.get(effect, effect)


@register.simple_tag
def provisional_label() -> str:
    return PROVISIONAL_LABEL


@register.simple_tag
def provisional_note() -> str:
    return PROVISIONAL_NOTE
