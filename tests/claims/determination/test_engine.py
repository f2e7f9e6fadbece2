"""The pure coverage determination (issue 12 point 2): period edges, every trigger and exclusion, riders,
application declarations and the parts that respond."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.claims.determination import (
    COVERED,
    FACT_QUESTIONS,
    NEEDS_REVIEW,
    NOT_COVERED,
    REASON_CODES,
    DeterminationInput,
    PolicyPeriod,
    determine,
)
from sonae.programme.cover_terms import EXCLUSIONS
from sonae.programme.joining import mid_term_window

from .terms import jst, make_input, year_terms

START = jst(2025, 10, 1, 16, 0)
END = jst(2026, 10, 1, 16, 0)

# --- the policy period -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discovered_at", "outcome", "code"),
    [
        (jst(2025, 10, 1, 15, 59), NOT_COVERED, "discovered_before_start"),
        (jst(2025, 10, 1, 15, 59, 59), NOT_COVERED, "discovered_before_start"),
        (jst(2025, 10, 1, 16, 0), COVERED, "discovered_in_period"),
        (jst(2025, 10, 1, 16, 0, 1), COVERED, "discovered_in_period"),
        (jst(2026, 10, 1, 15, 59), COVERED, "discovered_in_period"),
        (jst(2026, 10, 1, 15, 59, 59), COVERED, "discovered_in_period"),
        (jst(2026, 10, 1, 16, 0), NOT_COVERED, "discovered_after_end"),
        (jst(2026, 10, 1, 16, 1), NOT_COVERED, "discovered_after_end"),
        (datetime(2025, 10, 1, 7, 0, tzinfo=UTC), COVERED, "discovered_in_period"),  # 16:00 JST
        (datetime(2025, 10, 1, 6, 59, 59, tzinfo=UTC), NOT_COVERED, "discovered_before_start"),
    ],
)
def test_cover_starts_at_16_00_on_the_start_date_and_ends_at_16_00_on_the_end_date(
    discovered_at, outcome, code
):
    result = determine(make_input(discovered_at=discovered_at))
    assert result.outcome == outcome
    assert result.codes()[0] == code


def test_discovery_one_minute_before_cover_says_when_cover_starts():
    result = determine(make_input(discovered_at=jst(2025, 10, 1, 15, 59)))
    reason = result.reasons[0]
    assert "2025年10月1日 15:59" in reason.message
    assert "2025年10月1日 16:00" in reason.message
    assert "（サンプル）" in reason.clause
    assert all(p.outcome == NOT_COVERED for p in result.parts)


@pytest.mark.parametrize(
    ("applied_at", "discovered_at", "outcome"),
    [
        # Applied by the 20th → covered from the 1st of the next month at 16:00 to the common expiry (§2.2).
        (jst(2026, 1, 15, 10), jst(2026, 2, 1, 15, 59), NOT_COVERED),
        (jst(2026, 1, 15, 10), jst(2026, 2, 1, 16, 0), COVERED),
        (jst(2026, 1, 15, 10), jst(2026, 1, 20, 9, 0), NOT_COVERED),
        (jst(2026, 1, 15, 10), jst(2026, 10, 1, 15, 59), COVERED),
        (jst(2026, 1, 15, 10), jst(2026, 10, 1, 16, 0), NOT_COVERED),
        (jst(2026, 5, 21, 10), jst(2026, 7, 1, 16, 0), COVERED),  # after the 20th: the month after next
        (jst(2026, 5, 21, 10), jst(2026, 6, 1, 16, 0), NOT_COVERED),
    ],
)
def test_a_mid_term_joiner_is_covered_from_the_1st_of_a_month_at_16_00(applied_at, discovered_at, outcome):
    window = mid_term_window(year_terms("2025"), applied_at)
    assert window.cover_start.day == 1 and window.cover_start.hour == 16
    period = PolicyPeriod(window.cover_start, window.cover_end, "P-MID")
    result = determine(make_input(discovered_at=discovered_at, period=period))
    assert result.outcome == outcome


def test_a_cancelled_policy_covers_until_the_cancellation_instant():
    period = PolicyPeriod(START, jst(2026, 3, 31, 23, 59), "P-CANCELLED")
    assert determine(make_input(discovered_at=jst(2026, 3, 31, 23, 58), period=period)).outcome == COVERED
    assert determine(make_input(discovered_at=jst(2026, 3, 31, 23, 59), period=period)).outcome == NOT_COVERED


def test_no_policy_is_not_covered_for_any_part():
    inp = replace(make_input(), terms=None, period=None)
    result = determine(inp)
    assert result.outcome == NOT_COVERED
    assert result.codes() == ["no_policy"]
    assert {p.outcome for p in result.parts} == {NOT_COVERED}
    assert "有効な保険契約がありません" in result.reasons[0].message


def test_an_unknown_discovery_instant_needs_review():
    inp = replace(make_input(), discovered_at=None)
    result = determine(inp)
    assert result.outcome == NEEDS_REVIEW
    assert result.codes()[0] == "discovery_unknown"


def test_the_received_instant_standing_in_for_discovery_is_said_but_changes_nothing():
    result = determine(make_input(assumed=True))
    assert result.outcome == COVERED
    assert result.reasons[0].code == "discovery_assumed"
    assert result.reasons[0].effect == "info"


def test_a_year_without_determination_terms_needs_review_but_still_checks_the_period():
    inside = determine(replace(make_input(), terms=None))
    assert inside.outcome == NEEDS_REVIEW
    assert "terms_missing" in inside.codes()
    before = determine(replace(make_input(discovered_at=jst(2025, 10, 1, 15, 0)), terms=None))
    assert before.outcome == NOT_COVERED


@given(st.integers(min_value=-3 * 86400, max_value=3 * 86400))
def test_period_membership_alone_decides_a_plain_cyber_attack_around_the_start(seconds):
    instant = START + timedelta(seconds=seconds)
    expected = COVERED if seconds >= 0 else NOT_COVERED
    assert determine(make_input(discovered_at=instant)).outcome == expected


# --- triggers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "plan", "trigger", "outcome", "code"),
    [
        ("ransomware", "A", "cyber_attack", COVERED, "trigger_covered"),
        ("unauthorized_access", "A", "cyber_attack", COVERED, "trigger_covered"),
        ("malware", "A", "cyber_attack", COVERED, "trigger_covered"),
        ("website_compromise", "A", "cyber_attack", COVERED, "trigger_covered"),
        ("impersonation", "A", "cyber_attack", COVERED, "trigger_covered"),
        ("loss_theft", "A", "lost_device_or_bag", COVERED, "trigger_covered"),
        ("misdelivery", "A", "employee_error", COVERED, "trigger_covered"),
        ("insider", "A", "employee_crime", NOT_COVERED, "trigger_needs_rider"),
        ("insider", "B", "employee_crime", COVERED, "trigger_covered"),
        ("other", "A", None, NEEDS_REVIEW, "trigger_unknown"),
    ],
)
def test_each_triage_category_is_read_as_a_trigger(category, plan, trigger, outcome, code):
    result = determine(make_input(plan=plan, category=category))
    assert result.trigger == trigger
    assert result.outcome == outcome
    assert code in result.codes()


@pytest.mark.parametrize(
    ("cause", "trigger", "outcome"),
    [
        ("ransomware", "cyber_attack", COVERED),
        ("unauthorized_access", "cyber_attack", COVERED),
        ("malware", "cyber_attack", COVERED),
        ("phishing", "cyber_attack", COVERED),
        ("web_skimming", "cyber_attack", COVERED),
        ("theft", "lost_device_or_bag", COVERED),
        ("loss", "lost_device_or_bag", COVERED),
        ("insider_theft", "employee_crime", NOT_COVERED),  # plan A: no rider
        ("misdelivery", "employee_error", COVERED),
        ("misdelivery_email", "employee_error", COVERED),
        ("misconfiguration", "employee_error", COVERED),
        ("public_exposure", "employee_error", COVERED),
        ("operational_error", "employee_error", COVERED),
        ("system_failure", None, NEEDS_REVIEW),
        ("other", None, NEEDS_REVIEW),
    ],
)
def test_each_duties_cause_is_read_as_a_trigger(cause, trigger, outcome):
    result = determine(make_input(category="other", cause=cause))
    assert result.trigger == trigger
    assert result.outcome == outcome


def test_an_employee_mistake_is_covered_and_says_which_clause():
    result = determine(make_input(category="misdelivery", cause="misdelivery_email"))
    assert result.outcome == COVERED
    reason = next(r for r in result.reasons if r.code == "trigger_covered")
    assert reason.subject == "employee_error"
    assert "従業員等の操作・設定ミス" in reason.message
    assert reason.clause.startswith("賠償責任補償条項 第1条③")


def test_the_confirmed_cause_wins_over_the_triage_category():
    result = determine(make_input(category="ransomware", cause="operational_error"))
    assert result.trigger == "employee_error"


def test_an_unmapped_cause_falls_back_to_the_category():
    assert determine(make_input(category="malware", cause="system_failure")).trigger == "cyber_attack"


def test_an_unknown_cause_with_personal_data_at_risk_is_a_leak_or_its_risk():
    result = determine(make_input(category="other", data_at_risk=True))
    assert result.trigger == "leak_or_risk"
    assert result.outcome == COVERED


def test_employee_crime_without_the_rider_cites_the_rider_clause():
    result = determine(make_input(plan="A", category="insider"))
    reason = next(r for r in result.reasons if r.code == "trigger_needs_rider")
    assert "使用人犯罪補償追加条項" in reason.message
    assert reason.clause == "使用人犯罪補償追加条項（サンプル）"


def test_a_rider_attached_to_the_policy_covers_employee_crime_on_plan_a():
    assert determine(make_input(plan="A", category="insider", riders=["employee_crime"])).outcome == COVERED


def test_a_trigger_the_plan_does_not_list_is_not_covered():
    inp = make_input(category="misdelivery")
    terms = replace(
        inp.terms, triggers={k: v for k, v in inp.terms.triggers.items() if k != "employee_error"}
    )
    result = determine(replace(inp, terms=terms))
    assert result.outcome == NOT_COVERED
    assert "trigger_not_in_plan" in result.codes()


# --- parts -------------------------------------------------------------------------------------------------------


def test_liability_and_costs_respond_and_business_interruption_is_not_in_the_plans():
    result = determine(make_input())
    assert result.part("liability").outcome == COVERED
    assert result.part("costs").outcome == COVERED
    bi = result.part("business_interruption")
    assert (bi.outcome, bi.in_plan) == (NOT_COVERED, False)
    assert bi.reasons[0].code == "part_not_in_plan"


def test_a_trigger_that_names_fewer_parts_leaves_the_others_uncovered():
    inp = make_input(category="misdelivery")
    term = replace(inp.terms.triggers["employee_error"], parts=("costs",))
    terms = replace(inp.terms, triggers={**inp.terms.triggers, "employee_error": term})
    result = determine(replace(inp, terms=terms))
    assert result.part("liability").outcome == NOT_COVERED
    assert result.part("costs").outcome == COVERED
    assert result.outcome == COVERED
    assert "part_not_for_trigger" in result.codes()


# --- exclusions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "outcome", "liability", "costs", "code"),
    [
        ("war_terror", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("nuclear", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("wilful_act", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("insured_crime", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("knowing_law_violation", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("known_before_inception", NEEDS_REVIEW, NEEDS_REVIEW, NEEDS_REVIEW, "exclusion_to_review"),
        ("earthquake_natural_disaster", NOT_COVERED, NOT_COVERED, NOT_COVERED, "exclusion_applies"),
        ("contractual_liability_beyond_law", COVERED, NOT_COVERED, COVERED, "exclusion_applies"),
        ("bodily_injury_property_damage", COVERED, NOT_COVERED, COVERED, "exclusion_applies"),
    ],
)
def test_each_exclusion_declared_to_apply_takes_away_its_parts(fact, outcome, liability, costs, code):
    result = determine(make_input(facts={fact: True}))
    assert (result.outcome, result.part("liability").outcome, result.part("costs").outcome) == (
        outcome,
        liability,
        costs,
    )
    reason = next(r for r in result.reasons if r.subject == fact)
    assert reason.code == code
    assert "（サンプル）" in reason.clause
    assert EXCLUSIONS[fact] in reason.message


def test_every_exclusion_is_tested_and_has_a_question():
    assert set(FACT_QUESTIONS) == set(EXCLUSIONS)


@pytest.mark.parametrize("value", [False, None])
def test_an_exclusion_confirmed_not_to_apply_or_unknown_changes_nothing(value):
    result = determine(make_input(facts=dict.fromkeys(EXCLUSIONS, value)))
    assert result.outcome == COVERED


def test_an_exclusion_applies_whatever_the_trigger():
    result = determine(make_input(category="loss_theft", facts={"wilful_act": True}))
    assert result.outcome == NOT_COVERED


def test_unknown_fact_codes_are_refused():
    with pytest.raises(ValueError):
        determine(make_input(facts={"alien_invasion": True}))


def test_fact_values_must_be_true_false_or_unknown():
    with pytest.raises(ValueError):
        determine(make_input(facts={"war_terror": "yes"}))


@given(st.dictionaries(st.sampled_from(sorted(EXCLUSIONS)), st.sampled_from([True, False, None])))
def test_declaring_one_more_fact_never_improves_the_outcome(facts):
    rank = {COVERED: 0, NEEDS_REVIEW: 1, NOT_COVERED: 2}
    before = determine(make_input(facts=facts)).outcome
    for code in EXCLUSIONS:
        after = determine(make_input(facts={**facts, code: True})).outcome
        assert rank[after] >= rank[before]


# --- declarations at application ---------------------------------------------------------------------------------


def test_circumstances_known_and_declared_before_applying_need_review_and_say_why():
    result = determine(make_input(known_circumstances=True))
    assert result.outcome == NEEDS_REVIEW
    reason = next(r for r in result.reasons if r.code == "declared_known_circumstances")
    assert reason.effect == NEEDS_REVIEW
    assert "告知事項" in reason.message
    assert "第8条（告知義務）（サンプル）" in reason.clause
    assert result.adverse_reasons()[0] is reason


def test_past_incidents_declared_at_application_are_shown_but_change_nothing():
    result = determine(make_input(past_incidents=True))
    assert result.outcome == COVERED
    assert "declared_past_incidents" in result.codes()


# --- output ------------------------------------------------------------------------------------------------------


def test_the_result_serialises_with_japanese_labels_and_stable_codes():
    data = determine(make_input(known_circumstances=True)).to_dict()
    assert data["outcome"] == "needs_review"
    assert data["outcome_label"] == "要確認"
    assert [p["part"] for p in data["parts"]] == ["liability", "costs", "business_interruption"]
    assert {r["code"] for r in data["reasons"]} <= set(REASON_CODES)
    assert data["version"] == "2025.3"
    assert "サンプル" in data["notice"]


def test_aware_instants_are_required():
    with pytest.raises(ValueError):
        determine(make_input(discovered_at=datetime(2025, 11, 1, 9, 0)))
    with pytest.raises(ValueError):
        PolicyPeriod(datetime(2025, 10, 1, 16), END)


def test_a_period_must_end_after_it_starts():
    with pytest.raises(ValueError):
        PolicyPeriod(END, START)


def test_input_defaults_are_empty_facts_and_no_declarations():
    inp = DeterminationInput(terms=None, period=None, discovered_at=None)
    assert inp.facts == {} and not inp.declarations.known_circumstances
