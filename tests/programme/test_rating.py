from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.programme.businesses import BY_CODE
from sonae.programme.rating import RatingError, RatingInput, Rounding, annual_premium, pro_rata, quote_premium
from sonae.programme.terms import parse_terms

from .conftest import year_document

TABLE = parse_terms(year_document("2025")).rating


@pytest.mark.parametrize(
    ("sales", "codes", "plan", "score", "expected"),
    [
        # 104,000 × 1.5 × 1.0 × 0.90 × 0.80 = 112,320 (sakura-lab, shipped 2025 table)
        (800_000_000, ("clinical_lab",), "A", 75, 112_320),
        # 104,000 × 1.5 × 1.72 × 0.90 × 0.80 = 193,190.4 → 10円未満切り捨て 193,190
        (800_000_000, ("clinical_lab",), "B", 75, 193_190),
        # 62,000 × 1.2 × 1.0 × 0.95 × 0.80 = 56,544 → 56,540
        (250_000_000, ("patient_transport",), "A", 55, 56_540),
        # no score: no security discount. 78,000 × 0.9 × 1.0 × 0.8 = 56,160
        (500_000_000, ("meals_onsite",), "A", None, 56_160),
        # upper bound of a band is inclusive: 100,000,000 is in the first band. 48,000 × 0.7 × 0.85 × 0.8 = 22,848 → 22,840
        (100_000_000, ("cleaning",), "A", 100, 22_840),
        # several 業務: the highest factor (medical_device_maintenance 1.4) applies. 48,000 × 1.4 × 0.8 = 53,760
        (50_000_000, ("cleaning", "medical_device_maintenance"), "A", 0, 53_760),
    ],
)
def test_shipped_table_gives_the_worked_premiums(sales, codes, plan, score, expected):
    result = annual_premium(TABLE, RatingInput(sales, codes, plan, score))
    assert result.annual_premium == expected
    assert result.premium == expected


def test_breakdown_lists_each_factor_in_order():
    result = annual_premium(TABLE, RatingInput(800_000_000, ("clinical_lab",), "A", 75))
    assert [s.code for s in result.steps] == ["base", "business", "plan", "security", "group"]
    assert result.steps[-1].amount == result.unrounded == Decimal("112320")
    assert result.business_code == "clinical_lab"
    assert result.security_discount == Decimal("0.10")


def test_minimum_premium_applies_when_the_product_is_below_it():
    table = TABLE.__class__(**{**TABLE.__dict__, "minimum_premium": 30_000})
    result = annual_premium(table, RatingInput(10_000_000, ("cleaning",), "A", 100))
    assert result.annual_premium == 30_000
    assert result.minimum_applied


def test_sales_above_the_top_band_need_an_individual_quote():
    with pytest.raises(RatingError) as exc:
        annual_premium(TABLE, RatingInput(10_000_000_001, ("cleaning",), "A", 80))
    assert exc.value.field == "annual_sales"
    assert "個別" in exc.value.message


@pytest.mark.parametrize(
    ("rating_input", "field"),
    [
        (RatingInput(-1, ("cleaning",), "A", 80), "annual_sales"),
        (RatingInput(1, (), "A", 80), "business_codes"),
        (RatingInput(1, ("warehouse",), "A", 80), "business_codes"),
        (RatingInput(1, ("cleaning",), "Z", 80), "plan"),
        (RatingInput(1, ("cleaning",), "A", 101), "security_score"),
        (RatingInput(1, ("cleaning",), "A", -26), "security_score"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(rating_input, field):
    with pytest.raises(InvalidInput) as exc:
        annual_premium(TABLE, rating_input)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("annual", "months", "expected"),
    [(193_190, 11, 177_090), (112_320, 6, 56_160), (112_320, 1, 9_360), (112_320, 12, 112_320)],
)
def test_mid_term_premium_is_pro_rata_by_remaining_months(annual, months, expected):
    assert pro_rata(TABLE, annual, months) == expected


def test_quote_premium_with_months_keeps_the_annual_premium_and_pays_the_share():
    result = quote_premium(TABLE, RatingInput(800_000_000, ("clinical_lab",), "B", 75), months=11)
    assert (result.annual_premium, result.premium, result.months) == (193_190, 177_090, 11)


@pytest.mark.parametrize(
    ("mode", "amount", "expected"),
    [("floor", "12345.9", 12340), ("ceil", "12341", 12350), ("half_up", "12345", 12350)],
)
def test_rounding_modes(mode, amount, expected):
    assert Rounding(unit=10, mode=mode).apply(Decimal(amount)) == expected


sales = st.integers(min_value=0, max_value=10_000_000_000)
codes = st.lists(st.sampled_from(sorted(BY_CODE)), min_size=1, max_size=4, unique=True).map(tuple)
scores = st.one_of(st.none(), st.integers(min_value=-25, max_value=100))


@given(sales, codes, scores)
def test_plan_b_never_costs_less_than_plan_a(sales_amount, business_codes, score):
    a = annual_premium(TABLE, RatingInput(sales_amount, business_codes, "A", score)).annual_premium
    b = annual_premium(TABLE, RatingInput(sales_amount, business_codes, "B", score)).annual_premium
    assert b >= a


@given(st.integers(min_value=0, max_value=9_999_999_999), codes, scores)
def test_more_sales_never_lower_the_premium(sales_amount, business_codes, score):
    lower = annual_premium(TABLE, RatingInput(sales_amount, business_codes, "A", score)).annual_premium
    higher = annual_premium(TABLE, RatingInput(sales_amount + 1, business_codes, "A", score)).annual_premium
    assert higher >= lower


@given(sales, codes, st.integers(min_value=-25, max_value=99))
def test_a_better_security_score_never_raises_the_premium(sales_amount, business_codes, score):
    worse = annual_premium(TABLE, RatingInput(sales_amount, business_codes, "A", score)).annual_premium
    better = annual_premium(TABLE, RatingInput(sales_amount, business_codes, "A", score + 1)).annual_premium
    assert better <= worse


@given(sales, codes, scores, st.sampled_from(["A", "B"]))
def test_premium_is_a_whole_rounding_unit_and_at_least_the_minimum(sales_amount, business_codes, score, plan):
    result = annual_premium(TABLE, RatingInput(sales_amount, business_codes, plan, score))
    assert result.annual_premium % TABLE.rounding.unit == 0 or result.minimum_applied
    assert result.annual_premium >= TABLE.minimum_premium
    assert result.annual_premium <= result.unrounded or result.minimum_applied


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=1, max_value=12))
def test_pro_rata_never_exceeds_the_annual_premium_and_grows_with_months(annual, months):
    share = pro_rata(TABLE, annual, months)
    assert 0 <= share <= annual
    if months < 12:
        assert pro_rata(TABLE, annual, months + 1) >= share
