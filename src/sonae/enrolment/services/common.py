"""Helpers shared by the enrolment services."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.errors import PermissionDenied
from sonae.core.policy import require  # noqa: F401 - the services' check, imported by them from here

from ..models import NumberSequence


def now_or(at: datetime | None) -> datetime:
    """The instant of the action: ``at`` when given (demo data, imports of paper records), else now."""
    return at if at is not None else timezone.now()


def require_own(actor: Actor, organisation_id: int) -> None:
    """Providers act for their own organisation only; the agency acts programme-wide."""
    if actor.kind != "agency" and actor.organisation.pk != organisation_id:
        raise PermissionDenied()


def next_number(prefix: str, year_code: str, width: int = 5) -> str:
    """The next number in a series such as Q-2025-00001. Call inside a transaction (row lock on the counter)."""
    key = f"{prefix}-{year_code}"
    sequence, _ = NumberSequence.objects.select_for_update().get_or_create(key=key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{key}-{sequence.last:0{width}d}"


def user_of(actor: Actor | None):
    return actor.user if actor is not None else None
