"""The Japanese business calendar: public holidays, closure days and business hours.

Pure module (no Django). Every day count in Sonae — legal deadlines, the desk's SLA, programme deadlines — goes
through a ``BusinessCalendar`` so that there is one place that knows what a closed day is.

Closed days: Saturdays, Sundays, Japanese public holidays from the ``holidays`` package (it includes substitute
holidays 振替休日 and 国民の休日), the calendar's recurring closure days (default 12/29–1/3, the holidays of
administrative organs) and any extra closed dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TOKYO = ZoneInfo("Asia/Tokyo")

# Act on Holidays of Administrative Organs art. 1(1)(iii): 12/29 to 1/3.
DEFAULT_CLOSURE_DAYS: tuple[tuple[int, int], ...] = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


@lru_cache(maxsize=256)
def _japan_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja"))


def public_holiday_name(day: date) -> str | None:
    """The name of the Japanese public holiday on ``day`` (in Japanese), or None."""
    return _japan_holidays(day.year).get(day)


def to_tokyo(instant: datetime) -> datetime:
    """The instant in Asia/Tokyo. Naive datetimes are refused: Sonae never guesses a time zone."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("naive datetime: an instant needs a time zone offset")
    return instant.astimezone(TOKYO)


def tokyo_date(instant: datetime) -> date:
    """The calendar date in Asia/Tokyo of an aware instant."""
    return to_tokyo(instant).date()


@dataclass(frozen=True)
class BusinessCalendar:
    """Which days are open and which hours are business hours.

    ``closure_days`` are (month, day) pairs closed every year; ``extra_closed`` are one-off closed dates.
    Business hours are ``opens_at`` ≤ t < ``closes_at`` in Asia/Tokyo.
    """

    closure_days: tuple[tuple[int, int], ...] = DEFAULT_CLOSURE_DAYS
    extra_closed: frozenset[date] = field(default_factory=frozenset)
    opens_at: time = time(9, 0)
    closes_at: time = time(17, 0)

    def __post_init__(self) -> None:
        if not self.opens_at < self.closes_at:
            raise ValueError("opens_at must be before closes_at")

    # --- days -------------------------------------------------------------------------------------------------

    def is_public_holiday(self, day: date) -> bool:
        return public_holiday_name(day) is not None

    def closed_reason(self, day: date) -> str | None:
        """Why ``day`` is closed, in Japanese (土曜日, 日曜日, the holiday's name, 年末年始休業, 休業日), or None."""
        if day.weekday() == 5:
            return "土曜日"
        if day.weekday() == 6:
            return "日曜日"
        name = public_holiday_name(day)
        if name:
            return name
        if (day.month, day.day) in self.closure_days:
            # Only the statutory 12/29–1/3 is 年末年始; a programme's other closures (e.g. お盆) are plain 休業日.
            return "年末年始休業" if (day.month, day.day) in DEFAULT_CLOSURE_DAYS else "休業日"
        if day in self.extra_closed:
            return "休業日"
        return None

    def is_closed_day(self, day: date) -> bool:
        return self.closed_reason(day) is not None

    def is_business_day(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        day += timedelta(days=1)
        while self.is_closed_day(day):
            day += timedelta(days=1)
        return day

    def roll_forward(self, day: date) -> date:
        """``day`` itself when it is a business day, otherwise the next business day."""
        return day if self.is_business_day(day) else self.next_business_day(day)

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th business day after ``day`` (n ≥ 0; n = 0 rolls ``day`` forward to a business day)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return self.roll_forward(day)
        for _ in range(n):
            day = self.next_business_day(day)
        return day

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before ``day``."""
        day -= timedelta(days=1)
        while self.is_closed_day(day):
            day -= timedelta(days=1)
        return day

    def closed_days_between(self, start: date, end: date) -> list[date]:
        """Closed days in [start, end], both included."""
        days = []
        day = start
        while day <= end:
            if self.is_closed_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    # --- hours ------------------------------------------------------------------------------------------------

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=TOKYO)

    def is_business_time(self, instant: datetime) -> bool:
        local = to_tokyo(instant)
        return (
            self.is_business_day(local.date())
            and self.opens_at <= local.timetz().replace(tzinfo=None) < self.closes_at
        )

    def next_business_start(self, instant: datetime) -> datetime:
        """When handling of something received at ``instant`` starts.

        Within business hours: the instant itself. Before opening on a business day: opening time that day.
        Otherwise: opening time on the next business day. The result is in Asia/Tokyo.
        """
        local = to_tokyo(instant)
        day, clock = local.date(), local.time()
        if self.is_business_day(day):
            if clock < self.opens_at:
                return self._at(day, self.opens_at)
            if clock < self.closes_at:
                return local
        return self._at(self.next_business_day(day), self.opens_at)

    def add_business_minutes(self, instant: datetime, minutes: int) -> datetime:
        """``instant`` plus ``minutes`` counted only within business hours (result in Asia/Tokyo).

        The count starts at ``next_business_start(instant)``; a period that reaches closing time continues at the
        next opening. Adding 0 minutes gives the next business start.
        """
        if minutes < 0:
            raise ValueError("minutes must be >= 0")
        current = self.next_business_start(instant)
        remaining = timedelta(minutes=minutes)
        while True:
            closing = self._at(current.date(), self.closes_at)
            available = closing - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._at(self.next_business_day(current.date()), self.opens_at)


# The calendar of national administrative organs: used for legal deadlines (law.md R2).
ADMINISTRATIVE_CALENDAR = BusinessCalendar()


def is_business_day(day: date, calendar: BusinessCalendar = ADMINISTRATIVE_CALENDAR) -> bool:
    return calendar.is_business_day(day)


def add_business_days(day: date, n: int, calendar: BusinessCalendar = ADMINISTRATIVE_CALENDAR) -> date:
    return calendar.add_business_days(day, n)


def next_business_start(instant: datetime, calendar: BusinessCalendar = ADMINISTRATIVE_CALENDAR) -> datetime:
    return calendar.next_business_start(instant)
