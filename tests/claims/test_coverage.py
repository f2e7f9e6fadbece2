"""The claim calculation against claims-contract.md v1: the worked example and one case per rule and reason."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from sonae.claims.coverage import (
    PART_REASONS,
    REASON_LABELS,
    REASONS,
    AlreadyPaid,
    Expense,
    ItemTerms,
    PartTerms,
    Terms,
    calculate,
    calculate_json_payload,
    parse_claim_input,
)

from .inputs import WORKED_EXAMPLE_JSON, WORKED_EXAMPLE_OUTPUT, example_input, with_expenses


def run(data) -> dict:
    output, ok = calculate_json_payload(data)
    assert ok, output
    return output


# --- the worked example -----------------------------------------------------------------------------------------


def test_worked_example_matches_the_contract():
    assert run(example_input()) == WORKED_EXAMPLE_OUTPUT


def test_worked_example_from_raw_json_text_matches_the_contract():
    assert run(WORKED_EXAMPLE_JSON) == WORKED_EXAMPLE_OUTPUT


def test_output_keys_follow_the_contracts_order():
    output = run(example_input())
    assert list(output) == ["contract_version", "expenses", "items", "parts", "total_payable", "reasons"]
    assert list(output["expenses"][0]) == ["id", "eligible", "reasons"]
    assert list(output["parts"]["costs"]) == ["before_deductible", "payable", "limit_remaining"]
    assert list(output["parts"]) == ["costs", "liability"]
    assert list(output["items"]["costs"]) == ["investigation", "condolence"]


# --- step 1: eligible amount per expense -------------------------------------------------------------------------

EXPENSE_CASES = [
    # (name, expense, eligible, reasons)
    ("covered item in full", {"part": "costs", "item": "investigation", "amount": 1234567}, 1234567, []),
    (
        "item not listed in the part",
        {"part": "costs", "item": "ransom", "amount": 5000000},
        0,
        ["not_covered"],
    ),
    (
        "item of another part",
        {"part": "liability", "item": "investigation", "amount": 10},
        0,
        ["not_covered"],
    ),
    (
        "part the terms lack",
        {"part": "business_interruption", "item": "lost_profit", "amount": 10},
        0,
        ["not_covered"],
    ),
    (
        "consent false",
        {"part": "costs", "item": "condolence", "amount": 1000, "individuals": 1, "consent": False},
        0,
        ["no_consent"],
    ),
    (
        "consent missing",
        {"part": "costs", "item": "condolence", "amount": 1000, "individuals": 1},
        0,
        ["no_consent"],
    ),
    (
        "consent null",
        {"part": "costs", "item": "condolence", "amount": 1000, "individuals": 1, "consent": None},
        0,
        ["no_consent"],
    ),
    (
        "prior approval missing",
        {"part": "liability", "item": "litigation", "amount": 500},
        0,
        ["no_prior_approval"],
    ),
    (
        "prior approval given",
        {"part": "liability", "item": "litigation", "amount": 500, "prior_approval": True},
        500,
        [],
    ),
    (
        "per-person cap binding",
        {
            "part": "costs",
            "item": "condolence",
            "amount": 800000,
            "individuals": 600,
            "corporations": 2,
            "consent": True,
        },
        700000,
        ["capped_per_person"],
    ),
    (
        "per-person cap equal to the amount is not binding",
        {
            "part": "costs",
            "item": "condolence",
            "amount": 700000,
            "individuals": 600,
            "corporations": 2,
            "consent": True,
        },
        700000,
        [],
    ),
    (
        "per-person cap above the amount",
        {"part": "costs", "item": "condolence", "amount": 5000, "individuals": 600, "consent": True},
        5000,
        [],
    ),
    (
        "per-person cap with no counts pays nothing",
        {"part": "costs", "item": "condolence", "amount": 5000, "consent": True},
        0,
        ["capped_per_person"],
    ),
    (
        "per-person cap counts corporations only",
        {"part": "costs", "item": "condolence", "amount": 500000, "corporations": 3, "consent": True},
        150000,
        ["capped_per_person"],
    ),
    (
        "refused expense gets no cap reason",
        {"part": "costs", "item": "condolence", "amount": 5000, "consent": False},
        0,
        ["no_consent"],
    ),
    ("zero amount", {"part": "costs", "item": "investigation", "amount": 0}, 0, []),
]


@pytest.mark.parametrize(
    ("expense", "eligible", "reasons"),
    [case[1:] for case in EXPENSE_CASES],
    ids=[case[0] for case in EXPENSE_CASES],
)
def test_expense_eligible_amount_and_reasons(expense, eligible, reasons):
    output = run(with_expenses({"id": "X", **expense}))
    assert output["expenses"] == [{"id": "X", "eligible": eligible, "reasons": reasons}]


def test_item_needing_consent_and_prior_approval_lists_both_reasons_in_contract_order():
    data = with_expenses({"id": "X", "part": "liability", "item": "damages", "amount": 100})
    data["terms"]["liability"]["items"]["damages"] = {
        "requires_consent": True,
        "requires_prior_approval": True,
    }
    assert run(data)["expenses"][0]["reasons"] == ["no_consent", "no_prior_approval"]


def test_item_with_only_an_individual_cap_pays_nothing_for_corporations():
    data = with_expenses(
        {
            "id": "X",
            "part": "costs",
            "item": "condolence",
            "amount": 90000,
            "individuals": 10,
            "corporations": 1,
            "consent": True,
        }
    )
    del data["terms"]["costs"]["items"]["condolence"]["per_corporation_cap"]
    assert run(data)["expenses"][0] == {"id": "X", "eligible": 10000, "reasons": ["capped_per_person"]}


def test_per_person_cap_applies_to_each_expense_with_its_own_counts():
    output = run(
        with_expenses(
            {
                "id": "A",
                "part": "costs",
                "item": "condolence",
                "amount": 3000,
                "individuals": 2,
                "consent": True,
            },
            {
                "id": "B",
                "part": "costs",
                "item": "condolence",
                "amount": 3000,
                "individuals": 5,
                "consent": True,
            },
        )
    )
    assert [e["eligible"] for e in output["expenses"]] == [2000, 3000]
    assert output["items"]["costs"]["condolence"] == 5000


def test_expense_reasons_stay_out_of_the_part_reasons():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "ransom", "amount": 5000000}))
    assert output["reasons"]["costs"] == []


def test_uncovered_item_is_reported_in_items_at_zero():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "ransom", "amount": 5000000}))
    assert output["items"] == {"costs": {"ransom": 0}}


def test_part_missing_from_terms_is_reported_with_nothing_payable_or_remaining():
    output = run(
        with_expenses({"id": "X", "part": "business_interruption", "item": "lost_profit", "amount": 10})
    )
    assert output["items"]["business_interruption"] == {"lost_profit": 0}
    assert output["parts"]["business_interruption"] == {
        "before_deductible": 0,
        "payable": 0,
        "limit_remaining": 0,
    }
    assert output["reasons"]["business_interruption"] == []


# --- step 2: per item --------------------------------------------------------------------------------------------


def test_pay_ratio_floors_the_item_sum_and_is_a_part_reason():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": 1000001}))
    assert output["items"]["costs"]["call_center"] == 900000
    assert output["reasons"]["costs"] == ["pay_ratio", "deductible"]


def test_pay_ratio_applies_to_the_item_sum_not_to_each_expense():
    output = run(
        with_expenses(
            {"id": "A", "part": "costs", "item": "call_center", "amount": 5},
            {"id": "B", "part": "costs", "item": "call_center", "amount": 5},
        )
    )
    # floor((5 + 5) × 0.9) = 9, not floor(4.5) + floor(4.5) = 8
    assert output["items"]["costs"]["call_center"] == 9
    assert [e["eligible"] for e in output["expenses"]] == [5, 5]


def test_pay_ratio_that_cut_nothing_is_not_a_reason():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": 0}))
    assert output["reasons"]["costs"] == []


def test_pay_ratio_zero_pays_nothing_with_reason():
    data = with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": 1000})
    data["terms"]["costs"]["items"]["call_center"]["pay_ratio"] = 0
    output = run(data)
    assert output["items"]["costs"]["call_center"] == 0
    assert output["reasons"]["costs"] == ["pay_ratio"]


@pytest.mark.parametrize(
    ("pay_ratio", "amount", "expected"),
    [
        # Amounts where binary floating point floors one yen too low (e.g. 0.7 × 90 = 62.999…).
        ("0.7", 90, 63),
        ("0.57", 100, 57),
        ("0.29", 100, 29),
        ("0.9", 45235456060608659, 40711910454547793),
        ("0.9", 10**40 + 7, 9 * 10**39 + 6),
        ("0.9", 1000001, 900000),
        ("1.0", 3500000, 3500000),
    ],
)
def test_pay_ratio_is_exact_decimal_arithmetic(pay_ratio, amount, expected):
    data = with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": amount})
    data["terms"]["costs"]["items"]["call_center"] = {"pay_ratio": Decimal(pay_ratio)}
    assert run(data)["items"]["costs"]["call_center"] == expected


@pytest.mark.parametrize("pay_ratio", [0.7, 0.57, 0.29])
def test_pay_ratio_given_as_a_python_float_is_read_exactly(pay_ratio):
    # The API may hand over a dict parsed with floats; 0.7 must still mean 7/10.
    data = with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": 100})
    data["terms"]["costs"]["items"]["call_center"] = {"pay_ratio": pay_ratio}
    assert run(data)["items"]["costs"]["call_center"] == round(pay_ratio * 100)


def test_pay_ratio_float_0_9_parses_to_exactly_nine_tenths():
    data = with_expenses()
    data["terms"]["costs"]["items"]["call_center"]["pay_ratio"] = 0.9
    claim = parse_claim_input(data)
    assert claim.terms.parts["costs"].items["call_center"].pay_ratio == Decimal("0.9")


def test_sublimit_caps_the_item_after_the_pay_ratio():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "call_center", "amount": 20000000}))
    assert output["items"]["costs"]["call_center"] == 10000000
    assert output["reasons"]["costs"] == ["pay_ratio", "sublimit", "deductible"]


def test_sublimit_partly_used_by_earlier_claims_caps_the_item():
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 3500000},
            already_paid={"liability": 0, "costs": 0, "items": {"investigation": 29000000}},
        )
    )
    assert output["items"]["costs"]["investigation"] == 1000000
    assert output["reasons"]["costs"] == ["sublimit", "deductible"]


@pytest.mark.parametrize("already", [30000000, 31000000])
def test_sublimit_exhausted_by_earlier_claims_pays_nothing_for_the_item(already):
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 3500000},
            already_paid={"liability": 0, "costs": 0, "items": {"investigation": already}},
        )
    )
    assert output["items"]["costs"]["investigation"] == 0
    assert output["parts"]["costs"]["payable"] == 0
    assert output["reasons"]["costs"] == ["sublimit"]


def test_sublimit_equal_to_the_amount_is_not_a_reason():
    output = run(
        with_expenses(
            {
                "id": "X",
                "part": "costs",
                "item": "condolence",
                "amount": 5000000,
                "individuals": 5000,
                "consent": True,
            }
        )
    )
    assert output["items"]["costs"]["condolence"] == 5000000
    assert output["reasons"]["costs"] == ["deductible"]


def test_item_without_sublimit_is_bounded_only_by_the_part_limit():
    output = run(with_expenses({"id": "X", "part": "liability", "item": "damages", "amount": 150000000}))
    assert output["items"]["liability"]["damages"] == 150000000
    assert output["parts"]["liability"] == {
        "before_deductible": 150000000,
        "payable": 100000000,
        "limit_remaining": 0,
    }
    assert output["reasons"]["liability"] == ["limit"]


def test_part_reasons_keep_step_order_whichever_item_comes_first():
    output = run(
        with_expenses(
            {"id": "A", "part": "costs", "item": "investigation", "amount": 40000000},
            {"id": "B", "part": "costs", "item": "call_center", "amount": 1000},
            already_paid={"costs": 29000000},
        )
    )
    assert output["reasons"]["costs"] == ["pay_ratio", "sublimit", "deductible", "limit"]


# --- step 3: per part --------------------------------------------------------------------------------------------


def test_deductible_larger_than_the_part_sum_leaves_nothing_payable():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "investigation", "amount": 60000}))
    assert output["parts"]["costs"] == {"before_deductible": 60000, "payable": 0, "limit_remaining": 30000000}
    assert output["reasons"]["costs"] == ["deductible"]


def test_deductible_is_taken_once_per_part_not_per_item():
    output = run(
        with_expenses(
            {"id": "A", "part": "costs", "item": "investigation", "amount": 300000},
            {"id": "B", "part": "costs", "item": "call_center", "amount": 300000},
        )
    )
    assert output["parts"]["costs"]["before_deductible"] == 570000
    assert output["parts"]["costs"]["payable"] == 470000


def test_deductible_with_nothing_to_reduce_is_not_a_reason():
    output = run(with_expenses({"id": "X", "part": "costs", "item": "condolence", "amount": 1000}))
    assert output["parts"]["costs"]["payable"] == 0
    assert output["reasons"]["costs"] == []


def test_item_results_are_reported_before_deductible_and_limit():
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 3500000},
            already_paid={"liability": 0, "costs": 29000000},
        )
    )
    assert output["items"]["costs"]["investigation"] == 3500000
    assert output["parts"]["costs"] == {
        "before_deductible": 3500000,
        "payable": 1000000,
        "limit_remaining": 0,
    }
    assert output["reasons"]["costs"] == ["deductible", "limit"]


@pytest.mark.parametrize("already", [30000000, 45000000])
def test_part_limit_used_up_by_earlier_claims_pays_nothing_and_never_goes_negative(already):
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 3500000},
            already_paid={"costs": already},
        )
    )
    assert output["parts"]["costs"] == {"before_deductible": 3500000, "payable": 0, "limit_remaining": 0}
    assert output["reasons"]["costs"] == ["deductible", "limit"]
    assert output["total_payable"] == 0


def test_limit_remaining_subtracts_earlier_claims_and_this_payment():
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 3500000},
            already_paid={"liability": 2500000, "costs": 1000000},
        )
    )
    assert output["parts"]["costs"]["limit_remaining"] == 30000000 - 1000000 - 3400000
    assert output["parts"]["liability"]["limit_remaining"] == 97500000


def test_parts_of_the_terms_without_expenses_still_report_their_remaining_limit():
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "investigation", "amount": 100000},
            already_paid={"liability": 1000},
        )
    )
    assert output["parts"]["liability"] == {"before_deductible": 0, "payable": 0, "limit_remaining": 99999000}
    assert output["reasons"]["liability"] == []
    assert "liability" not in output["items"]


def test_parts_are_listed_in_order_of_first_expense_then_terms_order():
    output = run(
        with_expenses(
            {"id": "A", "part": "liability", "item": "damages", "amount": 1},
            {"id": "B", "part": "costs", "item": "investigation", "amount": 1},
        )
    )
    assert list(output["parts"]) == ["liability", "costs"]
    assert list(output["reasons"]) == ["liability", "costs"]
    assert list(run(with_expenses())["parts"]) == ["liability", "costs"]


def test_total_payable_is_the_sum_of_the_parts():
    output = run(
        with_expenses(
            {"id": "A", "part": "liability", "item": "damages", "amount": 2000000},
            {"id": "B", "part": "costs", "item": "investigation", "amount": 3500000},
        )
    )
    assert output["total_payable"] == 2000000 + 3400000


def test_no_expenses_pays_nothing():
    output = run(with_expenses())
    assert output["expenses"] == []
    assert output["items"] == {}
    assert output["total_payable"] == 0


def test_already_paid_may_be_left_out():
    data = example_input()
    del data["already_paid"]
    assert run(data) == WORKED_EXAMPLE_OUTPUT


def test_integer_expense_ids_are_echoed_as_given():
    output = run(with_expenses({"id": 7, "part": "costs", "item": "investigation", "amount": 1}))
    assert output["expenses"][0]["id"] == 7


def test_already_paid_item_amount_applies_to_the_item_of_that_name():
    output = run(
        with_expenses(
            {"id": "X", "part": "costs", "item": "call_center", "amount": 1000000},
            already_paid={"items": {"call_center": 9500000}},
        )
    )
    assert output["items"]["costs"]["call_center"] == 500000


# --- the function on dataclasses -----------------------------------------------------------------------------------


def test_calculate_works_on_dataclasses_directly():
    terms = Terms(
        {
            "costs": PartTerms(
                limit=1000, deductible=100, items={"call_center": ItemTerms(pay_ratio=Decimal("0.9"))}
            )
        }
    )
    result = calculate(terms, AlreadyPaid(), [Expense(id="E", part="costs", item="call_center", amount=1000)])
    assert result.parts["costs"].items == {"call_center": 900}
    assert result.parts["costs"].payable == 800
    assert result.parts["costs"].reasons == ("pay_ratio", "deductible")
    assert result.total_payable == 800


def test_output_is_plain_json():
    output = run(example_input())
    assert json.loads(json.dumps(output)) == output


def test_every_reason_code_has_a_japanese_label():
    assert set(REASON_LABELS) == set(REASONS)
    assert set(PART_REASONS) <= set(REASONS)


def test_coverage_module_imports_no_django():
    code = "import sys, sonae.claims.coverage; sys.exit(1 if any(m.startswith('django') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_part_and_item_labels_come_from_the_shared_vocabulary():
    from sonae.claims.coverage import ITEM_LABELS, PART_LABELS, PARTS, item_label
    from sonae.programme import coverage_items

    assert PARTS == tuple(coverage_items.PARTS)
    assert PART_LABELS == coverage_items.PARTS
    assert item_label("litigation") == coverage_items.item_label("litigation") == ITEM_LABELS["litigation"]
    assert item_label("no_such_item") == "no_such_item"
