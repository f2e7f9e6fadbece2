from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.incidents.sla import (
    DEFAULT_SLA_POLICY,
    SlaPolicy,
    SlaTimes,
    compute_sla,
    overdue,
    queue_sort_key,
    responded_late,
    time_to_due,
)
from sonae.jp.calendar import TOKYO, BusinessCalendar


def jst(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=TOKYO)


# (name, received, handling starts, first response due) under the default policy (60 business minutes).
CASES = [
    ("weekday within hours", jst(2025, 10, 1, 10, 0), jst(2025, 10, 1, 10, 0), jst(2025, 10, 1, 11, 0)),
    ("exactly 9:00", jst(2025, 10, 1, 9, 0), jst(2025, 10, 1, 9, 0), jst(2025, 10, 1, 10, 0)),
    ("08:30 on a business day", jst(2025, 10, 1, 8, 30), jst(2025, 10, 1, 9, 0), jst(2025, 10, 1, 10, 0)),
    ("16:00 due at closing", jst(2025, 10, 1, 16, 0), jst(2025, 10, 1, 16, 0), jst(2025, 10, 1, 17, 0)),
    (
        "16:30 due next business day 9:30",
        jst(2025, 10, 1, 16, 30),
        jst(2025, 10, 1, 16, 30),
        jst(2025, 10, 2, 9, 30),
    ),
    ("exactly 17:00 is night", jst(2025, 10, 1, 17, 0), jst(2025, 10, 2, 9, 0), jst(2025, 10, 2, 10, 0)),
    ("friday 18:00", jst(2025, 10, 17, 18, 0), jst(2025, 10, 20, 9, 0), jst(2025, 10, 20, 10, 0)),
    (
        "friday 18:30 before a holiday monday",
        jst(2025, 10, 10, 18, 30),
        jst(2025, 10, 14, 9, 0),
        jst(2025, 10, 14, 10, 0),
    ),
    ("saturday", jst(2025, 10, 18, 11, 0), jst(2025, 10, 20, 9, 0), jst(2025, 10, 20, 10, 0)),
    ("holiday monday", jst(2025, 7, 21, 10, 0), jst(2025, 7, 22, 9, 0), jst(2025, 7, 22, 10, 0)),
    ("national citizens' holiday", jst(2026, 9, 22, 10, 0), jst(2026, 9, 24, 9, 0), jst(2026, 9, 24, 10, 0)),
    ("12/28 17:30 (2025, sunday)", jst(2025, 12, 28, 17, 30), jst(2026, 1, 5, 9, 0), jst(2026, 1, 5, 10, 0)),
    ("12/28 17:30 (2026, monday)", jst(2026, 12, 28, 17, 30), jst(2027, 1, 4, 9, 0), jst(2027, 1, 4, 10, 0)),
    (
        "12/26 16:30 across the year-end",
        jst(2025, 12, 26, 16, 30),
        jst(2025, 12, 26, 16, 30),
        jst(2026, 1, 5, 9, 30),
    ),
    ("12/31 18:00", jst(2025, 12, 31, 18, 0), jst(2026, 1, 5, 9, 0), jst(2026, 1, 5, 10, 0)),
    ("1/4 2026 (sunday)", jst(2026, 1, 4, 12, 0), jst(2026, 1, 5, 9, 0), jst(2026, 1, 5, 10, 0)),
    ("1/4 2027 (monday) 08:00", jst(2027, 1, 4, 8, 0), jst(2027, 1, 4, 9, 0), jst(2027, 1, 4, 10, 0)),
    ("golden week 2025", jst(2025, 5, 2, 17, 30), jst(2025, 5, 7, 9, 0), jst(2025, 5, 7, 10, 0)),
    ("golden week 2025 16:30", jst(2025, 5, 2, 16, 30), jst(2025, 5, 2, 16, 30), jst(2025, 5, 7, 9, 30)),
    ("golden week 2026", jst(2026, 5, 1, 18, 0), jst(2026, 5, 7, 9, 0), jst(2026, 5, 7, 10, 0)),
    (
        "utc input shown in tokyo",
        datetime(2025, 12, 31, 9, 0, tzinfo=UTC),
        jst(2026, 1, 5, 9, 0),
        jst(2026, 1, 5, 10, 0),
    ),
]


@pytest.mark.parametrize(("received", "starts", "due"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_compute_sla_default_policy(received, starts, due):
    times = compute_sla(received, DEFAULT_SLA_POLICY)
    assert times == SlaTimes(received_at=received, handling_starts_at=starts, first_response_due=due)


def test_compute_sla_gives_every_instant_in_tokyo():
    times = compute_sla(datetime(2025, 12, 31, 9, 0, tzinfo=UTC), DEFAULT_SLA_POLICY)
    for instant in (times.received_at, times.handling_starts_at, times.first_response_due):
        assert instant.utcoffset() == timedelta(hours=9)
    assert times.received_at == jst(2025, 12, 31, 18, 0)


def test_compute_sla_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        compute_sla(datetime(2025, 10, 1, 10, 0), DEFAULT_SLA_POLICY)


def test_compute_sla_keeps_sub_second_precision():
    received = jst(2025, 10, 1, 10, 0).replace(microsecond=123456)
    times = compute_sla(received, DEFAULT_SLA_POLICY)
    assert times.handling_starts_at == received
    assert times.first_response_due == received + timedelta(hours=1)


@pytest.mark.parametrize(
    ("minutes", "received", "due"),
    [
        (120, jst(2025, 10, 1, 16, 30), jst(2025, 10, 2, 10, 30)),
        (30, jst(2025, 10, 1, 16, 30), jst(2025, 10, 1, 17, 0)),
        (0, jst(2025, 10, 17, 18, 0), jst(2025, 10, 20, 9, 0)),
        (480, jst(2025, 10, 1, 9, 0), jst(2025, 10, 1, 17, 0)),
    ],
)
def test_response_target_is_counted_in_business_minutes(minutes, received, due):
    policy = SlaPolicy(BusinessCalendar(), minutes)
    assert compute_sla(received, policy).first_response_due == due


def test_programme_calendar_without_year_end_closure():
    policy = SlaPolicy(BusinessCalendar(closure_days=()))
    times = compute_sla(jst(2025, 12, 26, 18, 0), policy)
    assert times.handling_starts_at == jst(2025, 12, 29, 9, 0)


def test_programme_calendar_with_extra_closed_day():
    policy = SlaPolicy(BusinessCalendar(extra_closed=frozenset({date(2025, 10, 20)})))
    times = compute_sla(jst(2025, 10, 17, 18, 0), policy)
    assert times.handling_starts_at == jst(2025, 10, 21, 9, 0)


def test_programme_calendar_with_other_business_hours():
    policy = SlaPolicy(BusinessCalendar(opens_at=time(8, 30), closes_at=time(17, 30)), 60)
    times = compute_sla(jst(2025, 10, 1, 17, 0), policy)
    assert times.handling_starts_at == jst(2025, 10, 1, 17, 0)
    assert times.first_response_due == jst(2025, 10, 2, 9, 0)


def test_default_policy_is_sixty_minutes_on_the_standard_calendar():
    assert DEFAULT_SLA_POLICY.response_minutes == 60
    assert DEFAULT_SLA_POLICY.calendar == BusinessCalendar()


@pytest.mark.parametrize(("minutes", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_policy_refuses_bad_targets(minutes, error):
    with pytest.raises(error):
        SlaPolicy(BusinessCalendar(), minutes)


# --- queue helpers ----------------------------------------------------------------------------------------------

TIMES = compute_sla(jst(2025, 10, 1, 16, 30), DEFAULT_SLA_POLICY)  # due 2025-10-02 09:30


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (jst(2025, 10, 1, 16, 45), False),
        (jst(2025, 10, 2, 9, 29, 59), False),
        (jst(2025, 10, 2, 9, 30), False),  # exactly at the due time is still in time
        (jst(2025, 10, 2, 9, 30, 1), True),
        (datetime(2025, 10, 2, 1, 0, tzinfo=UTC), True),  # 10:00 in Tokyo
    ],
)
def test_overdue_only_after_the_due_time(now, expected):
    assert overdue(now, TIMES) is expected


def test_a_report_with_a_response_is_not_overdue():
    assert overdue(jst(2025, 10, 3, 12, 0), TIMES, responded_at=jst(2025, 10, 2, 9, 0)) is False


@pytest.mark.parametrize(
    ("responded_at", "expected"),
    [(jst(2025, 10, 2, 9, 30), False), (jst(2025, 10, 2, 9, 31), True), (jst(2025, 10, 1, 16, 40), False)],
)
def test_responded_late(responded_at, expected):
    assert responded_late(TIMES, responded_at) is expected


def test_overdue_refuses_naive_now():
    with pytest.raises(ValueError):
        overdue(datetime(2025, 10, 2, 10, 0), TIMES)


def test_time_to_due_counts_down_and_goes_negative():
    assert time_to_due(jst(2025, 10, 2, 9, 0), TIMES) == timedelta(minutes=30)
    assert time_to_due(jst(2025, 10, 2, 10, 0), TIMES) == timedelta(minutes=-30)


def test_queue_sorts_by_due_time_then_receipt():
    late_report = compute_sla(jst(2025, 10, 1, 18, 0), DEFAULT_SLA_POLICY)  # due 10/2 10:00
    night_report = compute_sla(jst(2025, 10, 1, 20, 0), DEFAULT_SLA_POLICY)  # due 10/2 10:00 too
    afternoon = compute_sla(jst(2025, 10, 1, 16, 30), DEFAULT_SLA_POLICY)  # due 10/2 09:30
    queue = sorted([night_report, late_report, afternoon], key=queue_sort_key)
    assert queue == [afternoon, late_report, night_report]


# --- properties -------------------------------------------------------------------------------------------------

received_instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 20),
    timezones=st.sampled_from([TOKYO, UTC, timezone(timedelta(hours=2))]),
)


@given(received_instants, st.integers(min_value=0, max_value=2000))
def test_sla_instants_are_ordered(received, minutes):
    times = compute_sla(received, SlaPolicy(BusinessCalendar(), minutes))
    assert times.received_at <= times.handling_starts_at <= times.first_response_due


@given(received_instants)
def test_handling_starts_within_business_hours(received):
    times = compute_sla(received, DEFAULT_SLA_POLICY)
    assert DEFAULT_SLA_POLICY.calendar.is_business_time(times.handling_starts_at)


@given(received_instants)
def test_first_response_due_is_within_hours_or_at_closing(received):
    due = compute_sla(received, DEFAULT_SLA_POLICY).first_response_due
    calendar = DEFAULT_SLA_POLICY.calendar
    assert calendar.is_business_time(due) or due.timetz().replace(tzinfo=None) == calendar.closes_at
