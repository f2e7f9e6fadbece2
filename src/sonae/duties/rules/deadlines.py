"""Report deadlines on the administrative calendar (law.md §2; Sonae readings R1–R3, R16).

- Final report (確報): the knowing date is day 1 (reading A, R1), so the 30th (60th) day is knowing + 29 (59);
  a due date on a closed day (Sat/Sun, national holiday incl. 振替休日 and 国民の休日, 12/29–1/3) rolls forward to
  the next open day (R2; Act on Holidays of Administrative Organs art. 2).
- Reading B (Civil Code art. 140, first day excluded) = knowing + 30 (60), rolled the same way; information only.
- Preliminary report (速報) and the contractor's notice target: knowing + 4 calendar days (the 5th day counting
  the knowing day), never rolled (R3, R5); the engine warns when the window contains closed days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sonae.jp.calendar import ADMINISTRATIVE_CALENDAR, BusinessCalendar

PRELIMINARY_TARGET_DAYS = 4
FINAL_PERIOD_DAYS = 30
FINAL_PERIOD_DAYS_UNAUTHORIZED_PURPOSE = 60


def preliminary_target(knowing: date) -> date:
    """The soft target for a 速報 or a contractor's notice: the 5th day counting the knowing day (R3, R5)."""
    return knowing + timedelta(days=PRELIMINARY_TARGET_DAYS)


def final_period_days(unauthorized_purpose: bool) -> int:
    """30 days, or 60 when the situation is an unauthorized-purpose one (Enforcement Rules art. 8(2))."""
    return FINAL_PERIOD_DAYS_UNAUTHORIZED_PURPOSE if unauthorized_purpose else FINAL_PERIOD_DAYS


@dataclass(frozen=True)
class ReportDates:
    """One business's report dates counted from the day it knew."""

    knowing_date: date
    preliminary_report_target: date
    final_period_days: int
    final_report_nominal: date  # the last day of the period before rolling (reading A)
    final_report_due: date
    final_report_due_reading_b: date

    @property
    def rolled(self) -> bool:
        """Whether the final due date was moved off a closed day (R2)."""
        return self.final_report_due != self.final_report_nominal


def report_dates(
    knowing: date, period_days: int, calendar: BusinessCalendar = ADMINISTRATIVE_CALENDAR
) -> ReportDates:
    """The 速報 target and the 確報 due date (readings A and B) for a business that knew on ``knowing``."""
    # Sonae reading R1: the knowing day is day 1.
    nominal = knowing + timedelta(days=period_days - 1)
    # Civil Code art. 140 (reading B): the first day is not counted.
    nominal_b = knowing + timedelta(days=period_days)
    return ReportDates(
        knowing_date=knowing,
        preliminary_report_target=preliminary_target(knowing),
        final_period_days=period_days,
        final_report_nominal=nominal,
        # Sonae reading R2; Act on Holidays of Administrative Organs art. 2.
        final_report_due=calendar.roll_forward(nominal),
        final_report_due_reading_b=calendar.roll_forward(nominal_b),
    )


def closed_days_in_window(
    knowing: date, calendar: BusinessCalendar = ADMINISTRATIVE_CALENDAR
) -> list[tuple[date, str]]:
    """Closed days (with the reason in Japanese) from the knowing day to the soft target, both included (R3)."""
    end = preliminary_target(knowing)
    return [(day, calendar.closed_reason(day) or "") for day in calendar.closed_days_between(knowing, end)]


_WEEKDAYS = "月火水木金土日"


def jp_date(day: date) -> str:
    """A date as users read it: 2025年10月10日（金）."""
    return f"{day.year}年{day.month}月{day.day}日（{_WEEKDAYS[day.weekday()]}）"
