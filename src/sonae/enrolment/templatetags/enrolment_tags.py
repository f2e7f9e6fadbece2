"""Template filters of the enrolment pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def exact_amount(value) -> str:
    """An exact decimal amount of the premium breakdown with separators and no trailing zeros: 193,190.4."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def factor(value) -> str:
    """A rating factor without trailing zeros: 1.50 → 1.5, 1.0 → 1."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
