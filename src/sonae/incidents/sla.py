"""The desk's service-level clock: when handling of a report starts and when the first response is due.

Pure module (no Django). The desk takes reports round the clock, but handling starts only within business hours
(9:00 ≤ t < 17:00 on business days of the programme year's calendar); the first response is due a number of
business minutes after handling starts (default 60). Programme flyer, desk hours; issue 4 point 3.

The programme year in force supplies the calendar and the target (``sonae.programme.selectors.desk_policy_at``);
``DEFAULT_SLA_POLICY`` applies when no programme year is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sonae.jp.calendar import BusinessCalendar, to_tokyo

DEFAULT_RESPONSE_MINUTES = 60


@dataclass(frozen=True)
class SlaPolicy:
    """The desk's calendar (closed days, business hours) and its first-response target in business minutes."""

    calendar: BusinessCalendar
    response_minutes: int = DEFAULT_RESPONSE_MINUTES

    def __post_init__(self) -> None:
        if isinstance(self.response_minutes, bool) or not isinstance(self.response_minutes, int):
            raise TypeError("response_minutes must be an int")
        if self.response_minutes < 0:
            raise ValueError("response_minutes must be >= 0")


# Issue 4 point 3 defaults: Sat/Sun, public holidays (incl. 振替休日, 国民の休日), closure 12/29–1/3, 9:00–17:00.
DEFAULT_SLA_POLICY = SlaPolicy(BusinessCalendar(), DEFAULT_RESPONSE_MINUTES)


@dataclass(frozen=True)
class SlaTimes:
    """The three instants of a report's SLA, all aware and in Asia/Tokyo."""

    received_at: datetime
    handling_starts_at: datetime
    first_response_due: datetime


def compute_sla(received_at: datetime, policy: SlaPolicy) -> SlaTimes:
    """The SLA of a report received at ``received_at`` (aware; naive datetimes raise ValueError).

    ``handling_starts_at``: the received time within business hours; 9:00 the same day if received before opening
    on a business day; otherwise 9:00 on the next business day (17:00 itself counts as night: the flyer's 17時以降).
    ``first_response_due``: ``handling_starts_at`` plus ``policy.response_minutes`` business minutes; a period that
    reaches closing continues at the next opening (handled from 16:30 with 60 minutes: due 9:30 next business day).
    """
    received = to_tokyo(received_at)
    starts = policy.calendar.next_business_start(received)
    due = policy.calendar.add_business_minutes(starts, policy.response_minutes)
    return SlaTimes(received_at=received, handling_starts_at=starts, first_response_due=due)


# --- the desk queue ---------------------------------------------------------------------------------------------


def overdue(now: datetime, times: SlaTimes, *, responded_at: datetime | None = None) -> bool:
    """True when no first response has been made and ``now`` is past the due time.

    A response exactly at the due time is in time, so the report becomes overdue only after it. Once a response
    is recorded the report is no longer overdue (whether it was late is ``responded_late``).
    """
    if responded_at is not None:
        return False
    return to_tokyo(now) > times.first_response_due


def responded_late(times: SlaTimes, responded_at: datetime) -> bool:
    """True when the first response was made after it was due."""
    return to_tokyo(responded_at) > times.first_response_due


def time_to_due(now: datetime, times: SlaTimes) -> timedelta:
    """Wall-clock time left until the first response is due (negative once overdue), for the queue's countdown."""
    return times.first_response_due - to_tokyo(now)


def queue_sort_key(times: SlaTimes) -> tuple[datetime, datetime]:
    """Order of the desk queue: earliest due first; reports due at the same time in order of receipt."""
    return (times.first_response_due, times.received_at)
