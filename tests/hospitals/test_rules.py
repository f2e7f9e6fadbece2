"""Pure rules of the hospital portal (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.hospitals import rules
from sonae.jp.calendar import TOKYO

T0 = datetime(2026, 10, 6, 9, 0, tzinfo=TOKYO)


def test_business_codes_are_returned_in_the_foundations_order():
    assert rules.business_codes_clean(["patient_transport", "clinical_lab"]) == [
        "clinical_lab",
        "patient_transport",
    ]


@pytest.mark.parametrize("codes", [[], ["laundry"], ["clinical_lab", "nope"]])
def test_business_codes_refuse_empty_and_unknown_codes(codes):
    with pytest.raises(InvalidInput) as exc:
        rules.business_codes_clean(codes)
    assert exc.value.field == "business_codes"


def test_data_items_follow_the_duties_vocabulary_order():
    assert rules.data_items_clean(["test_results", "name"]) == ["name", "test_results"]


@pytest.mark.parametrize("codes", [[], ["blood_type"]])
def test_data_items_refuse_empty_and_unknown_codes(codes):
    with pytest.raises(InvalidInput) as exc:
        rules.data_items_clean(codes)
    assert exc.value.field == "data_items"


@pytest.mark.parametrize("since", [None, date(2026, 10, 7)])
def test_since_is_required_and_not_in_the_future(since):
    with pytest.raises(InvalidInput):
        rules.since_clean(since, date(2026, 10, 6))


def test_since_may_be_today():
    assert rules.since_clean(date(2026, 10, 6), date(2026, 10, 6)) == date(2026, 10, 6)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 4, 1), 2026),
        (date(2026, 3, 31), 2025),
        (date(2027, 1, 15), 2026),
        (date(2026, 12, 31), 2026),
    ],
)
def test_fiscal_year_starts_in_april(day, year):
    assert rules.fiscal_year_of(day) == year


@pytest.mark.parametrize(
    ("due", "ok"),
    [
        (date(2026, 10, 6), False),  # today
        (date(2026, 10, 7), True),
        (date(2027, 3, 31), True),  # the fiscal year's last day
        (date(2027, 4, 1), False),  # next fiscal year
        (None, False),
    ],
)
def test_checklist_due_date_lies_after_today_within_the_fiscal_year(due, ok):
    today = date(2026, 10, 6)
    if ok:
        assert rules.checklist_due_clean(due, today) == due
    else:
        with pytest.raises(InvalidInput):
            rules.checklist_due_clean(due, today)


@pytest.mark.parametrize(
    ("elapsed", "reminded", "count", "due"),
    [
        (timedelta(days=6, hours=23), None, 0, False),
        (timedelta(days=7), None, 0, True),
        (timedelta(days=20), timedelta(days=13), 1, True),  # a week after the last reminder
        (timedelta(days=20), timedelta(days=19), 1, False),
        (timedelta(days=60), timedelta(days=30), rules.MAX_REMINDERS, False),
    ],
)
def test_reminders_go_weekly_and_stop_after_the_maximum(elapsed, reminded, count, due):
    reminded_at = T0 + reminded if reminded is not None else None
    assert (
        rules.reminder_due(notified_at=T0, reminded_at=reminded_at, reminder_count=count, now=T0 + elapsed)
        is due
    )


@given(days=st.integers(min_value=0, max_value=400), count=st.integers(min_value=0, max_value=10))
def test_a_reminder_is_never_due_within_a_week_of_the_last_one(days, count):
    last = T0 + timedelta(days=days)
    now = last + timedelta(days=6, hours=23, minutes=59)
    assert not rules.reminder_due(notified_at=T0, reminded_at=last, reminder_count=count, now=now)


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "\n=x"])
def test_formula_like_text_is_neutralised(text):
    assert rules.neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["株式会社さくら臨床検査", "", 12, None, date(2026, 1, 1)])
def test_other_values_are_left_alone(value):
    assert rules.neutralise_formula(value) == value


def test_labels_fall_back_to_the_code():
    assert rules.business_labels(["clinical_lab", "x"]) == ["衛生検査所業務", "x"]
    assert rules.data_item_labels(["test_results", "x"]) == ["検査結果", "x"]
