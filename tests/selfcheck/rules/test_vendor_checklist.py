from datetime import date

import pytest

from sonae.core.errors import InvalidInput
from sonae.selfcheck.rules.vendor_checklist import (
    ITEMS,
    NO,
    SECTIONS,
    YES,
    fiscal_year_end,
    summarise,
    validate_answers,
)

CHECKED = date(2025, 6, 2)


def _all_yes() -> dict:
    return {item.code: {"answer": YES} for item in ITEMS}


def test_items_follow_the_three_mhlw_sections():
    assert [s.label for s in SECTIONS] == ["体制構築", "管理・運用", "インシデントに備えた対応"]
    assert {item.section for item in ITEMS} == {s.code for s in SECTIONS}


@pytest.mark.parametrize(
    ("day", "end"), [(date(2025, 4, 1), date(2026, 3, 31)), (date(2026, 3, 31), date(2026, 3, 31))]
)
def test_fiscal_year_runs_april_to_march(day, end):
    assert fiscal_year_end(day) == end


def test_all_yes_is_complete_with_no_open_items():
    summary = summarise(validate_answers(_all_yes(), CHECKED), date(2025, 7, 1))
    assert summary.complete
    assert summary.open_items == ()


def test_a_no_without_target_date_is_refused():
    answers = _all_yes() | {"cyber_bcp": {"answer": NO}}
    with pytest.raises(InvalidInput) as exc:
        validate_answers(answers, CHECKED)
    assert exc.value.field == "cyber_bcp"
    assert "目標日" in exc.value.message


def test_a_target_date_after_the_fiscal_year_is_refused():
    answers = _all_yes() | {"cyber_bcp": {"answer": NO, "target_date": "2026-04-01"}}
    with pytest.raises(InvalidInput) as exc:
        validate_answers(answers, CHECKED)
    assert "2026年3月31日" in exc.value.message


def test_a_target_date_before_the_check_is_refused():
    answers = _all_yes() | {"cyber_bcp": {"answer": NO, "target_date": "2025-06-01"}}
    with pytest.raises(InvalidInput):
        validate_answers(answers, CHECKED)


def test_an_unanswered_item_is_refused():
    answers = _all_yes()
    del answers["device_ledger"]
    with pytest.raises(InvalidInput) as exc:
        validate_answers(answers, CHECKED)
    assert exc.value.field == "device_ledger"


def test_a_yes_drops_any_target_date():
    answers = _all_yes() | {"cyber_bcp": {"answer": YES, "target_date": "2025-09-30"}}
    assert validate_answers(answers, CHECKED)["cyber_bcp"].target_date is None


def test_open_item_is_overdue_only_after_its_target_date():
    answers = validate_answers(
        _all_yes() | {"cyber_bcp": {"answer": NO, "target_date": "2025-09-30"}}, CHECKED
    )
    assert not summarise(answers, date(2025, 9, 30)).overdue
    overdue = summarise(answers, date(2025, 10, 1)).overdue
    assert [o.item.code for o in overdue] == ["cyber_bcp"]
    assert summarise(answers, date(2025, 10, 1)).no == 1
