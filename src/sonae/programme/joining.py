"""When a business can join a programme year, from when it is covered and until when it must apply.

Pure module (no Django). Two ways in:
- **main enrolment**: quote by the quote deadline, apply and pay by the application deadline, covered for the whole
  period from its start (2025 flyer: 9/1, 9/16, 2025-10-01 16:00 JST);
- **mid-term joining** (when the year's rule enables it): apply by the ``apply_by_day`` (20th) of a month, covered
  from the ``cover_day`` (1st) of the next month at ``cover_time`` (16:00) to the common expiry, premium pro rata by
  remaining months (JNX group scheme precedent, insurance-and-sector.md §2.2). A mid-term cover never starts at or
  before the period start: that date belongs to main enrolment and its own deadline.
Deadlines are dates in Asia/Tokyo and include the whole day ("by 2025-09-16" = until 23:59:59 JST that day).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime

from sonae.jp.calendar import TOKYO, tokyo_date

from .terms import ProgrammeTerms

MAIN = "main"
MID_TERM = "mid_term"
JOINING_LABELS = {MAIN: "一斉加入", MID_TERM: "中途加入"}


@dataclass(frozen=True)
class Window:
    """One way to join: cover from ``cover_start`` to ``cover_end``; quote by ``quote_deadline``; apply and pay by
    ``application_deadline``. ``months`` is None for main enrolment (annual premium), else the remaining months."""

    joining: str
    cover_start: datetime
    cover_end: datetime
    quote_deadline: date
    application_deadline: date
    months: int | None
    months_in_period: int

    @property
    def label(self) -> str:
        return JOINING_LABELS[self.joining]


def deadline_passed(deadline: date, at: datetime) -> bool:
    """True once the Tokyo date of ``at`` is after ``deadline`` (the deadline day itself is still in time)."""
    return tokyo_date(at) > deadline


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def months_between(start: datetime, end: datetime) -> int:
    """Whole months from ``start`` to ``end``; a started month counts as one (pro rata by remaining months)."""
    start, end = start.astimezone(TOKYO), end.astimezone(TOKYO)

    def shifted(n: int) -> datetime:
        y, m = _add_months(start.year, start.month, n)
        return start.replace(year=y, month=m, day=min(start.day, monthrange(y, m)[1]))

    months = (end.year - start.year) * 12 + (end.month - start.month)
    if shifted(months) > end:
        months -= 1
    if shifted(months) < end:
        months += 1
    return max(months, 0)


def main_window(terms: ProgrammeTerms) -> Window:
    return Window(
        joining=MAIN,
        cover_start=terms.period_start,
        cover_end=terms.period_end,
        quote_deadline=terms.quote_deadline,
        application_deadline=terms.application_deadline,
        months=None,
        months_in_period=months_between(terms.period_start, terms.period_end),
    )


def mid_term_window(terms: ProgrammeTerms, at: datetime) -> Window | None:
    """The mid-term window for someone applying on the Tokyo date of ``at``; None when the rule is off or the
    remaining cover would be empty."""
    rule = terms.mid_term
    if not rule.enabled:
        return None
    today = tokyo_date(at)
    # Apply by the 20th → the 1st of next month; after the 20th → the month after that.
    y, m = _add_months(today.year, today.month, 1 if today.day <= rule.apply_by_day else 2)
    cover_start = datetime.combine(date(y, m, rule.cover_day), rule.cover_time, tzinfo=TOKYO)
    while cover_start <= terms.period_start:
        y, m = _add_months(y, m, 1)
        cover_start = datetime.combine(date(y, m, rule.cover_day), rule.cover_time, tzinfo=TOKYO)
    if cover_start >= terms.period_end:
        return None
    dy, dm = _add_months(y, m, -1)
    deadline = date(dy, dm, rule.apply_by_day)
    return Window(
        joining=MID_TERM,
        cover_start=cover_start,
        cover_end=terms.period_end,
        quote_deadline=deadline,
        application_deadline=deadline,
        months=months_between(cover_start, terms.period_end),
        months_in_period=months_between(terms.period_start, terms.period_end),
    )


def window_at(terms: ProgrammeTerms, at: datetime) -> Window | None:
    """How a business quoting at ``at`` can join this year: main enrolment until the quote deadline, then
    mid-term joining; None before quoting opens or when no cover is left."""
    today = tokyo_date(at)
    if terms.quote_opens and today < terms.quote_opens:
        return None
    if today <= terms.quote_deadline:
        return main_window(terms)
    return mid_term_window(terms, at)
