"""Deadlines on the administrative calendar: R1 (day 1), R2 (closed days roll forward), R3 (soft 速報 target)."""

from __future__ import annotations

from datetime import date

import pytest

from sonae.duties.rules.deadlines import closed_days_in_window, jp_date, preliminary_target, report_dates

from .cases import assess_ok, facts, warning_codes, warning_text

SENSITIVE = ["name", "test_results"]

# (knowing date, period, final due reading A, final due reading B)
FINAL_DUE_CASES = {
    "open day, no roll": ("2025-10-06", 30, "2025-11-04", "2025-11-05"),
    "30th day a Saturday": ("2025-09-05", 30, "2025-10-06", "2025-10-06"),
    "30th day a substitute holiday (2025-11-24)": ("2025-10-26", 30, "2025-11-25", "2025-11-25"),
    "30th day the 国民の休日 2026-09-22": ("2026-08-24", 30, "2026-09-24", "2026-09-24"),
    "30th day a Saturday before Silver Week": ("2026-08-21", 30, "2026-09-24", "2026-09-24"),
    "30th day a Saturday before the Emperor's Birthday": ("2026-01-23", 30, "2026-02-24", "2026-02-24"),
    "30th day in the year-end closure": ("2025-11-30", 30, "2026-01-05", "2026-01-05"),
    "60th day in the year-end closure": ("2025-11-04", 60, "2026-01-05", "2026-01-05"),
    "reading B alone on a weekend": ("2025-10-09", 30, "2025-11-07", "2025-11-10"),
    "entrusting-party style: Friday before year-end": ("2025-12-26", 30, "2026-01-26", "2026-01-26"),
}


@pytest.mark.parametrize("case", FINAL_DUE_CASES.values(), ids=FINAL_DUE_CASES.keys())
def test_final_report_due_counts_knowing_day_as_day_one_and_rolls_off_closed_days(case):
    knowing, period, due_a, due_b = case
    dates = report_dates(date.fromisoformat(knowing), period)
    assert dates.final_report_due == date.fromisoformat(due_a)
    assert dates.final_report_due_reading_b == date.fromisoformat(due_b)


def test_preliminary_target_is_the_fifth_calendar_day_and_never_rolled():
    # 2025-12-27 + 4 = 12-31, inside the closure: it stays (Sonae reading R3).
    assert preliminary_target(date(2025, 12, 27)) == date(2025, 12, 31)


def test_closed_days_in_window_lists_weekend_and_closure_with_reasons():
    closed = closed_days_in_window(date(2025, 12, 27))
    assert [reason for _, reason in closed] == [
        "土曜日",
        "日曜日",
        "年末年始休業",
        "年末年始休業",
        "年末年始休業",
    ]


def test_knowing_date_is_the_tokyo_calendar_date_of_the_instant():
    # 16:00 UTC on 10-05 is 01:00 on 10-06 in Tokyo.
    output = assess_ok(facts(discovered_at="2025-10-05T16:00:00Z", data_items=SENSITIVE))
    assert output["knowing_date"] == "2025-10-06"
    assert output["appi"]["final_report_due"] == "2025-11-04"


def test_year_end_closure_rolls_the_final_due_date_in_the_output():
    output = assess_ok(facts(discovered_at="2025-11-30T11:00+09:00", data_items=SENSITIVE))
    assert output["appi"]["final_report_due"] == "2026-01-05"
    assert output["appi"]["final_report_due_reading_b"] == "2026-01-05"
    assert "R2" in warning_codes(output)
    assert "年末年始休業" in warning_text(output, "R2")


def test_rolled_final_due_date_explains_the_roll_in_warning_r2():
    output = assess_ok(facts(discovered_at="2026-08-24T10:00+09:00", data_items=SENSITIVE))
    assert output["appi"]["final_report_due"] == "2026-09-24"
    message = warning_text(output, "R2")
    assert "国民の休日" in message and jp_date(date(2026, 9, 24)) in message


def test_unrolled_final_due_date_carries_no_r2_warning():
    output = assess_ok(facts(data_items=SENSITIVE))
    assert "R2" not in warning_codes(output)


def test_preliminary_window_with_closed_days_warns_r3():
    # Knowing Saturday 2025-12-27: the window to 12-31 is all closed days; the target stays 12-31.
    output = assess_ok(facts(discovered_at="2025-12-27T10:00+09:00", data_items=SENSITIVE))
    assert output["appi"]["preliminary_report_target"] == "2025-12-31"
    assert "R3" in warning_codes(output)
    assert "年末年始休業" in warning_text(output, "R3")


def test_golden_week_in_the_preliminary_window_warns_r3():
    output = assess_ok(facts(discovered_at="2026-05-01T10:00+09:00", data_items=SENSITIVE))
    assert output["appi"]["preliminary_report_target"] == "2026-05-05"
    assert "こどもの日" in warning_text(output, "R3")


def test_business_week_window_carries_no_r3_warning():
    output = assess_ok(facts(data_items=SENSITIVE))
    assert "R3" not in warning_codes(output)


def test_sixty_day_period_applies_when_unauthorized_purpose_is_among_other_categories():
    output = assess_ok(facts(data_items=SENSITIVE, cause="theft", persons=2000))
    assert output["appi"]["categories"] == ["over_1000", "sensitive", "unauthorized_purpose"]
    assert output["appi"]["final_period_days"] == 60
    assert output["appi"]["final_report_due"] == "2025-12-04"  # 2025-10-06 + 59


def test_discovery_at_night_counts_that_day_and_warns_r4():
    output = assess_ok(facts(discovered_at="2025-10-06T23:30+09:00", data_items=SENSITIVE))
    assert output["knowing_date"] == "2025-10-06"
    assert "R4" in warning_codes(output)


def test_discovery_in_business_hours_carries_no_r4_warning():
    output = assess_ok(facts(discovered_at="2025-10-06T10:00+09:00", data_items=SENSITIVE))
    assert "R4" not in warning_codes(output)


def test_discovery_at_night_does_not_warn_r4_when_nothing_is_due():
    output = assess_ok(facts(discovered_at="2025-10-06T23:30+09:00"))
    assert output["warnings"] == []


def test_jp_date_formats_with_weekday():
    assert jp_date(date(2025, 10, 10)) == "2025年10月10日（金）"
