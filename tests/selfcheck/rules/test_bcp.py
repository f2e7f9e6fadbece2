from datetime import date

import pytest

from sonae.selfcheck.rules.bcp import (
    REVIEW_DUE_SOON,
    REVIEW_NONE,
    REVIEW_OK,
    REVIEW_OVERDUE,
    STEPS,
    default_contacts,
    missing_sections,
    next_review_due,
    reporting_deadlines,
    review_state,
)


def test_the_plan_follows_the_five_mhlw_steps_in_order():
    assert [s.label for s in STEPS] == ["平時", "検知", "初動対応", "復旧処理", "事後対応"]


def test_default_contacts_carry_the_desk_number_and_the_police_and_ppc():
    contacts = default_contacts("0120-123-456")
    desk = next(c for c in contacts if c["category"] == "desk")
    assert desk["phone"] == "0120-123-456"
    assert {"internal", "hospital", "vendor", "police", "ppc"} <= {c["category"] for c in contacts}


def test_deadlines_are_explained_with_the_duties_engines_periods():
    text = "".join(e.title + e.text for e in reporting_deadlines())
    assert "3〜5日" in text
    assert "5日目" in text
    assert "30日以内" in text and "60日以内" in text
    assert "11月4日" in text


@pytest.mark.parametrize(
    ("reviewed", "due"),
    [(date(2025, 6, 1), date(2026, 6, 1)), (date(2024, 2, 29), date(2025, 2, 28)), (None, None)],
)
def test_review_is_due_a_year_after_the_last_one(reviewed, due):
    assert next_review_due(reviewed) == due


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 4, 30), REVIEW_OK),
        (date(2026, 5, 2), REVIEW_DUE_SOON),
        (date(2026, 6, 1), REVIEW_DUE_SOON),
        (date(2026, 6, 2), REVIEW_OVERDUE),
    ],
)
def test_review_state_warns_thirty_days_ahead(today, state):
    assert review_state(date(2025, 6, 1), today) == state


def test_a_plan_never_reviewed_has_no_review_state():
    assert review_state(None, date(2026, 1, 1)) == REVIEW_NONE


def test_a_new_plan_lacks_internal_contact_systems_paper_operations_and_backups():
    missing = missing_sections(
        contacts=default_contacts("0120-000-000"), systems=[], paper_operations=[], backups=[]
    )
    assert len(missing) == 4
    assert any("社内の責任者" in m for m in missing)


def test_a_filled_plan_is_complete():
    contacts = default_contacts("0120-000-000")
    contacts[0] |= {"name": "山田 太郎", "phone": "090-0000-0000"}
    assert (
        missing_sections(
            contacts=contacts,
            systems=[{"name": "検査システム"}],
            paper_operations=[{"operation": "検査結果の報告", "fallback": "紙の報告書をFAX"}],
            backups=[{"target": "検査データ", "method": "外付けディスク"}],
        )
        == ()
    )
