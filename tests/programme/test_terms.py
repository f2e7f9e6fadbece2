import copy
from datetime import date, datetime

import pytest

from sonae.core.errors import InvalidInput
from sonae.jp.calendar import TOKYO
from sonae.programme.coverage_items import ITEMS
from sonae.programme.terms import parse_terms

from .conftest import year_document


def test_2025_file_states_the_flyer_dates(terms_2025):
    assert terms_2025.period_start == datetime(2025, 10, 1, 16, 0, tzinfo=TOKYO)
    assert terms_2025.period_end == datetime(2026, 10, 1, 16, 0, tzinfo=TOKYO)
    assert terms_2025.quote_deadline == date(2025, 9, 1)
    assert terms_2025.application_deadline == date(2025, 9, 16)


def test_2025_file_says_its_rates_are_samples(terms_2025):
    assert "サンプル" in terms_2025.notice


def test_plans_a_and_b_have_the_flyer_limits_and_deductible(terms_2025):
    a, b = terms_2025.plan("A"), terms_2025.plan("B")
    assert (a.liability_limit, a.costs_limit) == (100_000_000, 30_000_000)
    assert (b.liability_limit, b.costs_limit) == (500_000_000, 100_000_000)
    assert a.coverage["costs"]["deductible"] == b.coverage["costs"]["deductible"] == 100_000


def test_coverage_uses_only_shared_item_codes(terms_2025):
    for plan in terms_2025.plans.values():
        for part, part_terms in plan.coverage.items():
            for item in part_terms["items"]:
                assert ITEMS[item][0] == part


def test_2026_is_the_2025_year_shifted_by_one_year(terms_2025):
    terms_2026 = parse_terms(year_document("2026"))
    assert terms_2026.period_start == terms_2025.period_start.replace(year=2026)
    assert terms_2026.application_deadline == date(2026, 9, 16)
    assert terms_2026.plans == terms_2025.plans
    assert terms_2026.rating == terms_2025.rating


def _broken(edit):
    document = copy.deepcopy(year_document("2025"))
    edit(document)
    return document


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            lambda d: d["plans"]["A"]["coverage"]["costs"]["items"].update({"lunch": {}}),
            "plans.A.coverage.costs.items.lunch",
        ),
        (
            lambda d: d["plans"]["A"]["coverage"]["costs"]["items"].update({"damages": {}}),
            "plans.A.coverage.costs.items.damages",
        ),
        (
            lambda d: d["plans"]["A"]["coverage"]["costs"]["items"]["call_center"].update({"pay_ratio": 1.5}),
            "plans.A.coverage.costs.items.call_center.pay_ratio",
        ),
        (lambda d: d["period"].update({"start": "2025-10-01T16:00:00"}), "period.start"),
        (lambda d: d["deadlines"].update({"application": date(2025, 10, 2)}), "deadlines.application"),
        (lambda d: d.update({"format": "other"}), "format"),
        (lambda d: d["rating"]["business_factors"].pop("cleaning"), None),
    ],
)
def test_invalid_documents_are_refused(edit, field):
    with pytest.raises(InvalidInput) as exc:
        parse_terms(_broken(edit))
    if field:
        assert exc.value.field == field
