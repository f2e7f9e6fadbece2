from datetime import date, datetime

import pytest

from sonae.jp.calendar import TOKYO
from sonae.programme.joining import MAIN, MID_TERM, deadline_passed, months_between, window_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("instant", "joining", "cover_start", "deadline", "months"),
    [
        ("2025-07-01T09:00", MAIN, (2025, 10, 1), date(2025, 9, 16), None),
        ("2025-09-01T23:59:59", MAIN, (2025, 10, 1), date(2025, 9, 16), None),
        # after the quote deadline: mid-term joining; never a cover start at the period start itself
        ("2025-09-02T00:00", MID_TERM, (2025, 11, 1), date(2025, 10, 20), 11),
        ("2025-10-20T23:00", MID_TERM, (2025, 11, 1), date(2025, 10, 20), 11),
        ("2025-10-21T00:00", MID_TERM, (2025, 12, 1), date(2025, 11, 20), 10),
        ("2026-03-20T12:00", MID_TERM, (2026, 4, 1), date(2026, 3, 20), 6),
        ("2026-08-20T12:00", MID_TERM, (2026, 9, 1), date(2026, 8, 20), 1),
    ],
)
def test_windows_of_the_2025_year(terms_2025, instant, joining, cover_start, deadline, months):
    window = window_at(terms_2025, at(instant))
    assert window.joining == joining
    assert window.cover_start == datetime(*cover_start, 16, 0, tzinfo=TOKYO)
    assert window.cover_end == terms_2025.period_end
    assert window.application_deadline == deadline
    assert window.months == months


@pytest.mark.parametrize("instant", ["2025-06-30T23:59", "2026-08-21T00:00", "2026-10-02T00:00"])
def test_no_window_before_quoting_opens_or_when_no_month_is_left(terms_2025, instant):
    assert window_at(terms_2025, at(instant)) is None


def test_mid_term_can_be_switched_off(terms_2025):
    from dataclasses import replace

    terms = replace(terms_2025, mid_term=replace(terms_2025.mid_term, enabled=False))
    assert window_at(terms, at("2025-09-02T00:00")) is None


def test_mid_term_apply_by_day_is_configurable(terms_2025):
    from dataclasses import replace

    terms = replace(terms_2025, mid_term=replace(terms_2025.mid_term, apply_by_day=10))
    window = window_at(terms, at("2025-10-15T12:00"))
    assert window.cover_start == datetime(2025, 12, 1, 16, 0, tzinfo=TOKYO)
    assert window.application_deadline == date(2025, 11, 10)


@pytest.mark.parametrize(
    ("deadline", "instant", "passed"),
    [
        (date(2025, 9, 16), "2025-09-16T23:59:59", False),
        (date(2025, 9, 16), "2025-09-17T00:00:00", True),
    ],
)
def test_deadline_day_is_still_in_time(deadline, instant, passed):
    assert deadline_passed(deadline, at(instant)) is passed


def test_deadline_is_judged_by_the_tokyo_date():
    from datetime import UTC

    # 2025-09-16 15:00 UTC is 2025-09-17 00:00 JST: passed.
    assert deadline_passed(date(2025, 9, 16), datetime(2025, 9, 16, 15, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2025-10-01T16:00", "2026-10-01T16:00", 12),
        ("2025-11-01T16:00", "2026-10-01T16:00", 11),
        ("2025-10-15T16:00", "2026-10-01T16:00", 12),  # a started month counts
        ("2026-09-01T16:00", "2026-10-01T16:00", 1),
    ],
)
def test_months_between(start, end, months):
    assert months_between(at(start), at(end)) == months
