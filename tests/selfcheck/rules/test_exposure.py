import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.selfcheck.rules.data_items import CONTRACT_ITEM_CODES, DATA_ITEM_LABELS
from sonae.selfcheck.rules.exposure import (
    EP_LEVELS,
    estimate_exposure,
    identifiability,
    jo_breakdown,
    jo_value_per_person,
    sensitivity,
    validate_inputs,
)
from sonae.selfcheck.rules.plans import FLYER_PLANS, compare_with_plans


# insurance-and-sector.md §3.3, worked values per person before the two multipliers, and with both at 2 (×4).
@pytest.mark.parametrize(
    ("x", "y", "plain", "both_doubled"),
    [
        (1, 1, 6_000, 24_000),  # name + address only
        (2, 1, 33_000, 132_000),  # name + address + 病歴/検査記録
        (3, 1, 303_000, 1_212_000),  # name + address + カルテ/病状
        (1, 3, 78_000, 312_000),  # name + address + card data
    ],
)
def test_jo_formula_reproduces_the_domain_files_worked_values(x, y, plain, both_doubled):
    assert jo_value_per_person(x=x, y=y, identifiability=6) == plain
    assert jo_value_per_person(
        x=x, y=y, identifiability=6, social_responsibility=2, response_evaluation=2
    ) == (both_doubled)


@pytest.mark.parametrize(
    ("items", "per_person"),
    [
        (["name", "address"], 6_000),
        (["name", "address", "test_results"], 33_000),
        (["name", "address", "medical_history"], 33_000),
        (["name", "address", "infection"], 303_000),
        (["name", "address", "credit_card"], 78_000),
    ],
)
def test_items_map_to_the_worked_examples_cells(items, per_person):
    assert jo_breakdown(items).per_person == per_person


@pytest.mark.parametrize(
    ("x", "y", "expected"), [(1, 1, 2), (2, 1, 11), (3, 1, 101), (1, 3, 26), (2, 2, 15), (3, 3, 125)]
)
def test_sensitivity_is_ten_to_x_minus_one_plus_five_to_y_minus_one(x, y, expected):
    assert sensitivity(x, y) == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["name", "address"], 6),
        (["name_kana", "address", "phone"], 6),
        (["name", "test_results"], 3),
        (["address", "phone"], 3),
        (["address"], 1),
        (["patient_id", "test_results"], 1),
    ],
)
def test_identifiability_follows_name_and_address(items, expected):
    assert identifiability(items) == expected


def test_the_jo_breakdown_names_the_items_that_set_each_level():
    jo = jo_breakdown(["name", "address", "salary", "test_results"])
    assert (jo.privacy_level, jo.economic_level) == (2, 2)
    assert jo.privacy_items == ("salary", "test_results")
    assert jo.economic_items == ("salary",)


def test_every_item_of_the_duties_vocabulary_has_jo_levels():
    assert set(DATA_ITEM_LABELS) == CONTRACT_ITEM_CODES
    assert set(EP_LEVELS) == CONTRACT_ITEM_CODES


def test_unknown_item_is_refused():
    with pytest.raises(InvalidInput) as exc:
        jo_breakdown(["name", "blood_type"])
    assert exc.value.field == "data_items"


@pytest.mark.parametrize("persons", [0, -1, "10", True, 1.5])
def test_persons_must_be_a_positive_integer(persons):
    with pytest.raises(InvalidInput):
        validate_inputs(data_items=["name"], persons=persons)


def _five_thousand_patients_test_results(**kwargs):
    return estimate_exposure(
        validate_inputs(data_items=["name", "address", "birth_date", "test_results"], persons=5_000, **kwargs)
    )


def test_exposure_for_5000_patients_test_results():
    estimate = _five_thousand_patients_test_results()
    assert estimate.jo.per_person == 33_000
    assert estimate.damages == 165_000_000
    costs = {line.code: (line.low, line.high) for line in estimate.cost_lines}
    assert costs == {
        "investigation": (3_000_000, 4_000_000),
        "consulting": (100_000, 1_000_000),
        "legal_advice": (300_000, 1_000_000),
        "letters": (650_000, 650_000),
        "newspaper_ad": (500_000, 500_000),
        "call_centre": (7_000_000, 10_000_000),
        "condolence": (3_250_000, 3_250_000),
    }
    assert (estimate.costs_low, estimate.costs_high) == (14_800_000, 20_400_000)
    assert estimate.total_high == 185_400_000
    assert any("JOモデル" in a for a in estimate.assumptions)


def test_exposure_for_5000_patients_is_compared_with_plan_a_and_b():
    comparisons = {
        c.plan.code: c for c in compare_with_plans(_five_thousand_patients_test_results(), FLYER_PLANS)
    }
    # Plan A: ¥100M of ¥165M damages = 60 %; ¥30M covers the ¥20.4M cost estimate.
    assert comparisons["A"].damages_cover_percent == 60
    assert comparisons["A"].damages_shortfall == 65_000_000
    assert comparisons["A"].costs_cover_percent == 100
    assert comparisons["B"].damages_cover_percent == 100
    assert comparisons["B"].damages_shortfall == 0
    assert "プランA" in comparisons["A"].sentence and "約60%" in comparisons["A"].sentence


def test_card_data_adds_credit_monitoring_for_the_response_period():
    estimate = estimate_exposure(
        validate_inputs(data_items=["name", "credit_card"], persons=100, response_months=2)
    )
    monitoring = next(line for line in estimate.cost_lines if line.code == "credit_monitoring")
    assert (monitoring.low, monitoring.high) == (2_000_000, 10_000_000)


def test_system_damage_adds_recovery_and_recurrence_prevention():
    plain = estimate_exposure(validate_inputs(data_items=["name"], persons=10))
    ransomware = estimate_exposure(validate_inputs(data_items=["name"], persons=10, system_damage=True))
    assert ransomware.costs_high - plain.costs_high == 60_000_000
    assert {"system_recovery", "recurrence_prevention"} <= {line.code for line in ransomware.cost_lines}


@given(
    st.sets(st.sampled_from(sorted(EP_LEVELS)), min_size=1),
    st.integers(min_value=1, max_value=1_000_000),
    st.sampled_from([1, 2]),
    st.sampled_from([1, 2]),
)
def test_damages_are_per_person_value_times_persons_and_never_exceed_the_model_maximum(items, persons, s, r):
    estimate = estimate_exposure(
        validate_inputs(data_items=items, persons=persons, social_responsibility=s, response_evaluation=r)
    )
    assert estimate.damages == estimate.jo.per_person * persons
    assert 500 * 2 <= estimate.jo.per_person <= 500 * 125 * 6 * 2 * 2
    assert estimate.costs_low <= estimate.costs_high
