from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.jp.calendar import (
    ADMINISTRATIVE_CALENDAR,
    TOKYO,
    BusinessCalendar,
    add_business_days,
    is_business_day,
    next_business_start,
    public_holiday_name,
    to_tokyo,
    tokyo_date,
)

CAL = ADMINISTRATIVE_CALENDAR


def jst(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=TOKYO)


# --- days -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2025, 10, 11), "土曜日"),
        (date(2025, 10, 12), "日曜日"),
        (date(2025, 10, 13), "スポーツの日"),
        (date(2025, 1, 1), "元日"),
        (date(2025, 2, 11), "建国記念の日"),
        # 振替休日: the holiday fell on a Sunday.
        (date(2025, 2, 24), "振替休日"),
        (date(2025, 5, 6), "振替休日"),
        (date(2025, 11, 24), "振替休日"),
        (date(2026, 5, 6), "振替休日"),
        # 国民の休日: a weekday between two holidays (敬老の日 9/21 and 秋分の日 9/23).
        (date(2026, 9, 22), "国民の休日"),
        # Year-end closure on weekdays.
        (date(2025, 12, 29), "年末年始休業"),
        (date(2025, 12, 30), "年末年始休業"),
        (date(2025, 12, 31), "年末年始休業"),
        (date(2026, 1, 2), "年末年始休業"),
        (date(2026, 12, 29), "年末年始休業"),
        (date(2027, 1, 1), "元日"),
        # A weekend inside the closure says weekend: the weekday reason comes first.
        (date(2026, 1, 3), "土曜日"),
        (date(2026, 1, 4), "日曜日"),
    ],
)
def test_closed_reason(day, reason):
    assert CAL.closed_reason(day) == reason
    assert CAL.is_closed_day(day)
    assert not CAL.is_business_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 10, 14),
        date(2025, 12, 26),
        date(2026, 1, 5),
        date(2027, 1, 4),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 5, 7),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 5, 7),
        date(2026, 9, 24),
    ],
)
def test_business_days(day):
    assert CAL.closed_reason(day) is None
    assert CAL.is_business_day(day)
    assert is_business_day(day)


@pytest.mark.parametrize(
    ("start", "end", "closed"),
    [
        # Golden Week 2025: 4/29 (Tue) 昭和の日; 5/3 (Sat) to 5/6 (Tue, 振替休日).
        (date(2025, 4, 26), date(2025, 5, 7), [(4, 26), (4, 27), (4, 29), (5, 3), (5, 4), (5, 5), (5, 6)]),
        # Golden Week 2026: 4/29 (Wed) 昭和の日; 5/2 (Sat) to 5/6 (Wed, 振替休日).
        (
            date(2026, 4, 25),
            date(2026, 5, 7),
            [(4, 25), (4, 26), (4, 29), (5, 2), (5, 3), (5, 4), (5, 5), (5, 6)],
        ),
        # Silver Week 2026: 9/19 (Sat) to 9/23 (Wed).
        (date(2026, 9, 18), date(2026, 9, 24), [(9, 19), (9, 20), (9, 21), (9, 22), (9, 23)]),
    ],
)
def test_closed_days_between_holiday_weeks(start, end, closed):
    assert CAL.closed_days_between(start, end) == [date(start.year, m, d) for m, d in closed]


def test_year_end_2025_is_closed_from_12_27_to_1_4():
    closed = CAL.closed_days_between(date(2025, 12, 26), date(2026, 1, 5))
    assert closed == [date(2025, 12, 27) + timedelta(days=i) for i in range(9)]


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 10, 10), 1, date(2025, 10, 14)),  # Friday, then 10/13 スポーツの日
        (date(2025, 12, 26), 1, date(2026, 1, 5)),  # across the year-end
        (date(2025, 12, 25), 2, date(2026, 1, 5)),
        (date(2025, 12, 25), 3, date(2026, 1, 6)),
        (date(2025, 12, 31), 1, date(2026, 1, 5)),
        (date(2026, 12, 28), 1, date(2027, 1, 4)),  # 2027-01-04 is a Monday
        (date(2025, 5, 2), 1, date(2025, 5, 7)),
        (date(2026, 5, 1), 1, date(2026, 5, 7)),
        (date(2026, 9, 18), 1, date(2026, 9, 24)),
        (date(2025, 10, 14), 0, date(2025, 10, 14)),  # n = 0 keeps a business day
        (date(2025, 12, 31), 0, date(2026, 1, 5)),  # n = 0 rolls a closed day forward
        (date(2025, 10, 1), 10, date(2025, 10, 16)),
    ],
)
def test_add_business_days(day, n, expected):
    assert CAL.add_business_days(day, n) == expected
    assert add_business_days(day, n) == expected


def test_add_business_days_refuses_negative_n():
    with pytest.raises(ValueError):
        CAL.add_business_days(date(2025, 10, 1), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 10), date(2025, 10, 14)),
        (date(2025, 12, 26), date(2026, 1, 5)),
        (date(2025, 10, 14), date(2025, 10, 15)),
    ],
)
def test_next_business_day_is_strictly_after(day, expected):
    assert CAL.next_business_day(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), date(2025, 12, 26)),
        (date(2025, 10, 14), date(2025, 10, 10)),
        (date(2025, 5, 7), date(2025, 5, 2)),
    ],
)
def test_previous_business_day_is_strictly_before(day, expected):
    assert CAL.previous_business_day(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2025, 10, 11), date(2025, 10, 14)), (date(2025, 10, 14), date(2025, 10, 14))],
)
def test_roll_forward(day, expected):
    assert CAL.roll_forward(day) == expected


def test_public_holiday_name():
    assert public_holiday_name(date(2025, 10, 13)) == "スポーツの日"
    assert public_holiday_name(date(2025, 10, 14)) is None


# --- custom calendars -------------------------------------------------------------------------------------------


def test_calendar_without_closure_days_opens_on_year_end_weekdays():
    cal = BusinessCalendar(closure_days=())
    assert cal.is_business_day(date(2025, 12, 29))
    assert cal.add_business_days(date(2025, 12, 26), 1) == date(2025, 12, 29)
    # Holidays and weekends stay closed.
    assert cal.closed_reason(date(2026, 1, 1)) == "元日"
    assert cal.closed_reason(date(2025, 12, 27)) == "土曜日"


def test_custom_closure_days_are_closed_every_year_as_plain_closure():
    cal = BusinessCalendar(closure_days=((8, 13), (8, 14), (8, 15)))
    assert cal.closed_reason(date(2025, 8, 13)) == "休業日"
    assert cal.closed_reason(date(2026, 8, 14)) == "休業日"
    assert cal.is_business_day(date(2025, 12, 29))


def test_extended_year_end_closure_labels_only_the_statutory_days_as_year_end():
    cal = BusinessCalendar(closure_days=((12, 28), *ADMINISTRATIVE_CALENDAR.closure_days))
    assert cal.closed_reason(date(2026, 12, 28)) == "休業日"
    assert cal.closed_reason(date(2026, 12, 29)) == "年末年始休業"


def test_extra_closed_dates_are_closed_once():
    cal = BusinessCalendar(extra_closed=frozenset({date(2025, 10, 14)}))
    assert cal.closed_reason(date(2025, 10, 14)) == "休業日"
    assert cal.is_business_day(date(2026, 10, 14))
    assert cal.add_business_days(date(2025, 10, 10), 1) == date(2025, 10, 15)


def test_custom_business_hours():
    cal = BusinessCalendar(opens_at=time(10, 0), closes_at=time(18, 0))
    assert cal.next_business_start(jst(2025, 10, 14, 9, 30)) == jst(2025, 10, 14, 10, 0)
    assert cal.next_business_start(jst(2025, 10, 14, 17, 30)) == jst(2025, 10, 14, 17, 30)
    assert cal.add_business_minutes(jst(2025, 10, 14, 17, 30), 60) == jst(2025, 10, 15, 10, 30)


def test_opening_must_be_before_closing():
    with pytest.raises(ValueError):
        BusinessCalendar(opens_at=time(17, 0), closes_at=time(9, 0))


# --- hours ------------------------------------------------------------------------------------------------------

START_CASES = [
    ("friday 18:00 -> monday 9:00", jst(2025, 10, 17, 18, 0), jst(2025, 10, 20, 9, 0)),
    ("friday 18:00 before a holiday monday -> tuesday", jst(2025, 10, 10, 18, 0), jst(2025, 10, 14, 9, 0)),
    ("saturday", jst(2025, 10, 18, 10, 0), jst(2025, 10, 20, 9, 0)),
    ("sunday 23:59", jst(2025, 10, 19, 23, 59), jst(2025, 10, 20, 9, 0)),
    ("holiday monday", jst(2025, 7, 21, 10, 0), jst(2025, 7, 22, 9, 0)),
    ("substitute holiday", jst(2025, 2, 24, 12, 0), jst(2025, 2, 25, 9, 0)),
    ("national citizens' holiday", jst(2026, 9, 22, 12, 0), jst(2026, 9, 24, 9, 0)),
    ("12/28 17:30 (2025, a sunday)", jst(2025, 12, 28, 17, 30), jst(2026, 1, 5, 9, 0)),
    ("12/28 17:30 (2026, a monday)", jst(2026, 12, 28, 17, 30), jst(2027, 1, 4, 9, 0)),
    ("12/28 16:00 (2026) is within hours", jst(2026, 12, 28, 16, 0), jst(2026, 12, 28, 16, 0)),
    ("12/31", jst(2025, 12, 31, 18, 0), jst(2026, 1, 5, 9, 0)),
    ("12/31 noon", jst(2025, 12, 31, 12, 0), jst(2026, 1, 5, 9, 0)),
    ("1/4 2026 is a sunday", jst(2026, 1, 4, 10, 0), jst(2026, 1, 5, 9, 0)),
    ("1/4 2027 is a monday: 8:00 -> 9:00", jst(2027, 1, 4, 8, 0), jst(2027, 1, 4, 9, 0)),
    ("1/4 2027 10:00 is within hours", jst(2027, 1, 4, 10, 0), jst(2027, 1, 4, 10, 0)),
    ("golden week 2025: 5/2 17:00", jst(2025, 5, 2, 17, 0), jst(2025, 5, 7, 9, 0)),
    ("golden week 2025: 4/28 18:00", jst(2025, 4, 28, 18, 0), jst(2025, 4, 30, 9, 0)),
    ("golden week 2025: 5/5", jst(2025, 5, 5, 10, 0), jst(2025, 5, 7, 9, 0)),
    ("golden week 2026: 5/1 18:00", jst(2026, 5, 1, 18, 0), jst(2026, 5, 7, 9, 0)),
    ("golden week 2026: 4/29", jst(2026, 4, 29, 10, 0), jst(2026, 4, 30, 9, 0)),
    ("08:30 on a business day", jst(2025, 10, 14, 8, 30), jst(2025, 10, 14, 9, 0)),
    ("00:00 on a business day", jst(2025, 10, 14, 0, 0), jst(2025, 10, 14, 9, 0)),
    ("exactly 9:00", jst(2025, 10, 14, 9, 0), jst(2025, 10, 14, 9, 0)),
    ("16:59:59", jst(2025, 10, 14, 16, 59, 59), jst(2025, 10, 14, 16, 59, 59)),
    ("exactly 17:00 -> next day", jst(2025, 10, 14, 17, 0), jst(2025, 10, 15, 9, 0)),
    ("utc input", datetime(2025, 10, 17, 9, 0, tzinfo=UTC), jst(2025, 10, 20, 9, 0)),
]


@pytest.mark.parametrize(
    ("instant", "expected"), [c[1:] for c in START_CASES], ids=[c[0] for c in START_CASES]
)
def test_next_business_start(instant, expected):
    result = CAL.next_business_start(instant)
    assert result == expected
    assert result.utcoffset() == timedelta(hours=9)
    assert next_business_start(instant) == expected


MINUTE_CASES = [
    ("16:30 + 60 -> next business day 9:30", jst(2025, 10, 1, 16, 30), 60, jst(2025, 10, 2, 9, 30)),
    ("16:00 + 60 -> 17:00 same day", jst(2025, 10, 1, 16, 0), 60, jst(2025, 10, 1, 17, 0)),
    ("friday 16:30 + 60 over a holiday monday", jst(2025, 10, 10, 16, 30), 60, jst(2025, 10, 14, 9, 30)),
    ("friday 18:00 + 60", jst(2025, 10, 17, 18, 0), 60, jst(2025, 10, 20, 10, 0)),
    ("saturday + 60", jst(2025, 10, 18, 10, 0), 60, jst(2025, 10, 20, 10, 0)),
    ("08:30 + 60", jst(2025, 10, 14, 8, 30), 60, jst(2025, 10, 14, 10, 0)),
    ("exactly 17:00 + 60", jst(2025, 10, 14, 17, 0), 60, jst(2025, 10, 15, 10, 0)),
    ("exactly 9:00 + 60", jst(2025, 10, 14, 9, 0), 60, jst(2025, 10, 14, 10, 0)),
    ("12/26 16:30 + 60 across the year-end", jst(2025, 12, 26, 16, 30), 60, jst(2026, 1, 5, 9, 30)),
    ("12/28 17:30 (2026) + 60", jst(2026, 12, 28, 17, 30), 60, jst(2027, 1, 4, 10, 0)),
    ("12/31 + 60", jst(2025, 12, 31, 18, 0), 60, jst(2026, 1, 5, 10, 0)),
    ("golden week 2025: 5/2 16:45 + 60", jst(2025, 5, 2, 16, 45), 60, jst(2025, 5, 7, 9, 45)),
    ("golden week 2026: 5/1 16:45 + 60", jst(2026, 5, 1, 16, 45), 60, jst(2026, 5, 7, 9, 45)),
    ("a whole business day", jst(2025, 10, 14, 9, 0), 480, jst(2025, 10, 14, 17, 0)),
    ("a business day and a minute", jst(2025, 10, 14, 9, 0), 481, jst(2025, 10, 15, 9, 1)),
    ("two days from mid-day", jst(2025, 10, 14, 12, 0), 960, jst(2025, 10, 16, 12, 0)),
    ("zero minutes = next business start", jst(2025, 10, 18, 10, 0), 0, jst(2025, 10, 20, 9, 0)),
    ("zero minutes within hours", jst(2025, 10, 14, 10, 0), 0, jst(2025, 10, 14, 10, 0)),
]


@pytest.mark.parametrize(
    ("instant", "minutes", "expected"), [c[1:] for c in MINUTE_CASES], ids=[c[0] for c in MINUTE_CASES]
)
def test_add_business_minutes(instant, minutes, expected):
    assert CAL.add_business_minutes(instant, minutes) == expected


def test_add_business_minutes_refuses_negative_minutes():
    with pytest.raises(ValueError):
        CAL.add_business_minutes(jst(2025, 10, 14, 10, 0), -1)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (jst(2025, 10, 14, 8, 59, 59), False),
        (jst(2025, 10, 14, 9, 0), True),
        (jst(2025, 10, 14, 16, 59, 59), True),
        (jst(2025, 10, 14, 17, 0), False),
        (jst(2025, 10, 13, 10, 0), False),
        (datetime(2025, 10, 14, 1, 0, tzinfo=UTC), True),
    ],
)
def test_is_business_time(instant, expected):
    assert CAL.is_business_time(instant) is expected


def test_naive_instants_are_refused():
    naive = datetime(2025, 10, 14, 10, 0)
    for call in (to_tokyo, tokyo_date, CAL.next_business_start, CAL.is_business_time):
        with pytest.raises(ValueError):
            call(naive)


def test_tokyo_date_of_a_utc_evening_is_the_next_day():
    assert tokyo_date(datetime(2025, 12, 31, 15, 0, tzinfo=UTC)) == date(2026, 1, 1)


# --- properties -------------------------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 20),
    timezones=st.sampled_from([TOKYO, UTC, timezone(timedelta(hours=-5))]),
)


@given(instants)
def test_next_business_start_is_never_on_a_closed_day_nor_before_the_instant(instant):
    start = CAL.next_business_start(instant)
    assert CAL.is_business_day(start.date())
    assert start >= instant
    assert CAL.is_business_time(start)


@given(instants)
def test_next_business_start_is_the_instant_itself_within_business_hours(instant):
    assert (CAL.next_business_start(instant) == instant) is CAL.is_business_time(instant)


@given(instants, st.integers(min_value=0, max_value=5000))
def test_add_business_minutes_ends_within_hours_or_exactly_at_closing(instant, minutes):
    due = CAL.add_business_minutes(instant, minutes)
    assert CAL.is_business_day(due.date())
    assert CAL.is_business_time(due) or due.timetz().replace(tzinfo=None) == CAL.closes_at
    assert due >= CAL.next_business_start(instant)


def _reference_add_business_minutes(instant: datetime, minutes: int) -> datetime:
    # Walk minute by minute, counting only minutes that start within business hours.
    current, counted = CAL.next_business_start(instant), 0
    while counted < minutes:
        if CAL.is_business_time(current):
            counted += 1
        current += timedelta(minutes=1)
    return current


@given(
    st.datetimes(
        min_value=datetime(2025, 4, 1), max_value=datetime(2027, 3, 31), timezones=st.just(TOKYO)
    ).map(lambda t: t.replace(second=0, microsecond=0)),
    st.integers(min_value=0, max_value=600),
)
def test_add_business_minutes_matches_a_minute_by_minute_count(instant, minutes):
    assert CAL.add_business_minutes(instant, minutes) == _reference_add_business_minutes(instant, minutes)
