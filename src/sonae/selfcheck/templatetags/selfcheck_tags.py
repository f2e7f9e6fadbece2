"""Template helpers of the self-check pages: yen in 億/万 units, labels of codes, the dashboard's risk panel."""

from __future__ import annotations

from django import template

from sonae.selfcheck.rules.data_items import DATA_ITEM_LABELS
from sonae.selfcheck.rules.scoring import ANSWER_LABELS

register = template.Library()


def format_man_yen(amount: int) -> str:
    """1億6,500万円 / 2,040万円 / 1万2,345円 / 650円 — how Japanese readers take in large sums."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amount must be int yen")
    sign = "-" if amount < 0 else ""
    oku, rest = divmod(abs(amount), 100_000_000)
    man, yen = divmod(rest, 10_000)
    parts = []
    if oku:
        parts.append(f"{oku:,}億")
    if man:
        parts.append(f"{man:,}万")
    if yen or not parts:
        parts.append(f"{yen:,}")
    return sign + "".join(parts) + "円"


@register.filter
def man_yen(value):
    """``{{ amount|man_yen }}`` → 1億6,500万円 (em dash for an empty value)."""
    if value is None or value == "":
        return "—"
    try:
        return format_man_yen(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def data_item_label(code):
    return DATA_ITEM_LABELS.get(code, code)


@register.filter
def answer_label(code):
    return ANSWER_LABELS.get(code, code)


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dict look-ups by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def selfcheck_risk_panel(context):
    """The provider's risk panel for the request's actor (None for anyone else)."""
    from sonae.selfcheck.selectors import risk_panel

    request = context.get("request")
    actor = getattr(request, "actor", None) if request is not None else None
    return risk_panel(actor) if actor else None
