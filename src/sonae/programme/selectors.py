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


def programme_year_get(code: str) -> ProgrammeYear:
    """The programme year with ``code``; NotFound otherwise."""
    from sonae.core.errors import NotFound

    year = ProgrammeYear.objects.filter(code=code).first()
    if year is None:
        raise NotFound("指定された制度年度が見つかりません。")
    return year


def terms_for(year: ProgrammeYear):
    """The year's parsed terms (``sonae.programme.terms.ProgrammeTerms``). Raises InvalidInput when the year has
    no terms loaded yet (``sonae programme load FILE``)."""
    from sonae.core.errors import InvalidInput

    from .terms import parse_terms

    if not year.terms:
        raise InvalidInput(f"{year.name} の制度データ（プラン・料率）が未登録です。")
    return parse_terms(year.terms)


def coverage_terms_for(year: ProgrammeYear, plan: str) -> dict:
    """One plan's coverage terms in the claims contract's ``terms`` shape (parts → limit, deductible, items)."""
    return terms_for(year).plan(plan).coverage


def windows_open_at(instant: datetime) -> list:
    """(year, window) for every year a business quoting at ``instant`` can join, earliest cover first."""
    from .joining import window_at

    result = []
    for year in (
        ProgrammeYear.objects.exclude(terms={}).filter(period_end__gt=instant).order_by("period_start")
    ):
        window = window_at(terms_for(year), instant)
        if window is not None:
            result.append((year, window))
    return result
