"""Reads of programme data. Programme years are public to every signed-in organisation (no personal data)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from sonae.jp.calendar import BusinessCalendar

from .models import ProgrammeYear


def programme_years() -> QuerySet[ProgrammeYear]:
    return ProgrammeYear.objects.all()


def programme_year_at(instant: datetime) -> ProgrammeYear | None:
    """The programme year whose period [start, end) contains ``instant``."""
    return ProgrammeYear.objects.filter(period_start__lte=instant, period_end__gt=instant).first()


def calendar_for(year: ProgrammeYear) -> BusinessCalendar:
    return BusinessCalendar(
        closure_days=year.closure_pairs(),
        extra_closed=year.extra_closed(),
        opens_at=year.business_opens_at,
        closes_at=year.business_closes_at,
    )


def desk_policy_at(instant: datetime):
    """The desk's SLA policy (calendar and response target) of the programme year in force, or None."""
    from sonae.incidents.sla import SlaPolicy

    year = programme_year_at(instant)
    if year is None:
        return None
    return SlaPolicy(calendar=calendar_for(year), response_minutes=year.desk_response_minutes)
