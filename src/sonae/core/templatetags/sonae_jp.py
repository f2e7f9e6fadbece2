"""Template filters for Japanese dates, yen and postal codes, wrapping the pure helpers in ``sonae.jp``.

Every filter shows an em dash for an empty value (None or "") so templates need no ``{% if %}`` around optional
fields, and returns the value unchanged when it cannot be formatted rather than breaking the page.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template

register = template.Library()

EMPTY = "—"


def _empty(value) -> bool:
    return value is None or value == ""


@register.filter
def date_ja(value, weekday=False):
    """2025年10月1日 (``|date_ja:"weekday"`` adds （水）). Aware datetimes are shown by their Tokyo date."""
    if _empty(value):
        return EMPTY
    from sonae.jp.wareki import format_date_ja

    if not isinstance(value, date):
        return value
    try:
        return format_date_ja(value, weekday=bool(weekday))
    except (ValueError, TypeError):
        return value


@register.filter
def datetime_ja(value, weekday=False):
    """2025年10月1日 16:00 in Asia/Tokyo (``|datetime_ja:"weekday"`` adds the weekday)."""
    if _empty(value):
        return EMPTY
    from sonae.jp.wareki import format_date_ja, format_datetime_ja

    try:
        if isinstance(value, datetime):
            return format_datetime_ja(value, weekday=bool(weekday))
        if isinstance(value, date):
            return format_date_ja(value, weekday=bool(weekday))
    except (ValueError, TypeError):
        pass
    return value


@register.filter
def wareki(value, mode=""):
    """令和7年10月1日; ``|wareki:"short"`` gives R7.10.1."""
    if _empty(value):
        return EMPTY
    from sonae.jp.wareki import format_wareki

    if not isinstance(value, date):
        return value
    try:
        return format_wareki(value, abbreviated=mode == "short")
    except (ValueError, TypeError):
        return value


@register.filter
def yen(value, mode=""):
    """12,345円; ``|yen:"symbol"`` gives ¥12,345. Money is int yen; anything else is shown as it is."""
    if _empty(value):
        return EMPTY
    from sonae.jp.formatting import format_yen

    try:
        return format_yen(value, symbol=mode == "symbol")
    except (ValueError, TypeError):
        return value


@register.filter
def postal_code(value):
    """〒123-4567 from any way a postal code is typed."""
    if _empty(value):
        return EMPTY
    from sonae.jp.formatting import format_postal_code

    try:
        return format_postal_code(str(value))
    except (ValueError, TypeError):
        return value


@register.filter
def duration_ja(value):
    """A timedelta in words: 30分, 1時間, 1時間30分, 2日 (rounded up to whole minutes)."""
    from datetime import timedelta

    if not isinstance(value, timedelta):
        return EMPTY if _empty(value) else value
    minutes = -(-int(value.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}日"] if days else []
    if hours:
        parts.append(f"{hours}時間")
    if mins or not parts:
        parts.append(f"{mins}分")
    return "".join(parts)
