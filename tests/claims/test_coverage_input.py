"""Bad input to the claim calculation: ``invalid_input`` with the offending field and a Japanese message."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from sonae.claims.coverage import calculate_json_payload

from .inputs import example_input, with_expenses

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def expense(**changes) -> dict:
    base = {"id": "X", "part": "costs", "item": "investigation", "amount": 1000}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def set_path(data: dict, path: tuple, value) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def error_of(data) -> dict:
    output, ok = calculate_json_payload(data)
    assert not ok
    assert list(output) == ["error"]
    return output["error"]


EXPENSE_CASES = [
    # (name, expense, field)
    ("negative amount", expense(amount=-1), "expenses[0].amount"),
    ("fractional amount", expense(amount=Decimal("1000.5")), "expenses[0].amount"),
    ("float amount", expense(amount=1000.5), "expenses[0].amount"),
    ("amount as text", expense(amount="1000"), "expenses[0].amount"),
    ("amount as boolean", expense(amount=True), "expenses[0].amount"),
    ("amount missing", expense(amount=...), "expenses[0].amount"),
    ("amount null", expense(amount=None), "expenses[0].amount"),
    ("unknown part", expense(part="property"), "expenses[0].part"),
    ("part missing", expense(part=...), "expenses[0].part"),
    ("item missing", expense(item=...), "expenses[0].item"),
    ("item empty", expense(item=""), "expenses[0].item"),
    ("item not text", expense(item=3), "expenses[0].item"),
    ("id missing", expense(id=...), "expenses[0].id"),
    ("id empty", expense(id=""), "expenses[0].id"),
    ("id a list", expense(id=["X"]), "expenses[0].id"),
    ("consent not boolean", expense(consent="yes"), "expenses[0].consent"),
    ("prior approval not boolean", expense(prior_approval=1), "expenses[0].prior_approval"),
    ("negative individuals", expense(individuals=-1), "expenses[0].individuals"),
    ("fractional corporations", expense(corporations=Decimal("1.5")), "expenses[0].corporations"),
]


@pytest.mark.parametrize(("bad", "field"), [c[1:] for c in EXPENSE_CASES], ids=[c[0] for c in EXPENSE_CASES])
def test_bad_expense_is_invalid_input_naming_the_field(bad, field):
    error = error_of(with_expenses(bad))
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert JAPANESE.search(error["message"])


TERMS_CASES = [
    # (name, path inside the input, value, field)
    (
        "pay ratio above 1",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        Decimal("1.1"),
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio below 0",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        Decimal("-0.1"),
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio float above 1",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        1.5,
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio as text",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        "0.9",
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio boolean",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        True,
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio NaN",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        Decimal("NaN"),
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "pay ratio infinite float",
        ("terms", "costs", "items", "call_center", "pay_ratio"),
        float("inf"),
        "terms.costs.items.call_center.pay_ratio",
    ),
    (
        "negative sublimit",
        ("terms", "costs", "items", "call_center", "sublimit"),
        -1,
        "terms.costs.items.call_center.sublimit",
    ),
    (
        "negative per-individual cap",
        ("terms", "costs", "items", "condolence", "per_individual_cap"),
        -1,
        "terms.costs.items.condolence.per_individual_cap",
    ),
    (
        "consent flag not boolean",
        ("terms", "costs", "items", "condolence", "requires_consent"),
        "true",
        "terms.costs.items.condolence.requires_consent",
    ),
    (
        "item terms not an object",
        ("terms", "costs", "items", "call_center"),
        5,
        "terms.costs.items.call_center",
    ),
    ("negative limit", ("terms", "costs", "limit"), -1, "terms.costs.limit"),
    ("limit missing", ("terms", "costs", "limit"), ..., "terms.costs.limit"),
    ("negative deductible", ("terms", "costs", "deductible"), -100000, "terms.costs.deductible"),
    ("fractional deductible", ("terms", "costs", "deductible"), Decimal("0.5"), "terms.costs.deductible"),
    ("items missing", ("terms", "costs", "items"), ..., "terms.costs.items"),
    ("items a list", ("terms", "costs", "items"), ["investigation"], "terms.costs.items"),
    ("unknown part in terms", ("terms", "property"), {"limit": 1, "items": {}}, "terms.property"),
    ("part terms not an object", ("terms", "costs"), 30000000, "terms.costs"),
    ("terms missing", ("terms",), ..., "terms"),
    ("terms a list", ("terms",), [], "terms"),
    ("expenses missing", ("expenses",), ..., "expenses"),
    ("expenses an object", ("expenses",), {}, "expenses"),
    ("expense not an object", ("expenses", 0), "E1", "expenses[0]"),
    ("negative earlier payment of a part", ("already_paid", "costs"), -1, "already_paid.costs"),
    (
        "negative earlier payment of an item",
        ("already_paid", "items", "investigation"),
        -5,
        "already_paid.items.investigation",
    ),
    ("unknown part in already_paid", ("already_paid", "property"), 0, "already_paid.property"),
    ("already_paid items a list", ("already_paid", "items"), [], "already_paid.items"),
    ("already_paid a number", ("already_paid",), 0, "already_paid"),
]


@pytest.mark.parametrize(
    ("path", "value", "field"), [c[1:] for c in TERMS_CASES], ids=[c[0] for c in TERMS_CASES]
)
def test_bad_terms_or_payments_are_invalid_input_naming_the_field(path, value, field):
    error = error_of(set_path(example_input(), path, value))
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert JAPANESE.search(error["message"])


def test_duplicate_expense_ids_are_invalid_input():
    error = error_of(with_expenses(expense(id="E1"), expense(id="E2"), expense(id="E1")))
    assert error["field"] == "expenses[2].id"
    assert "E1" in error["message"]


def test_unknown_part_message_names_the_valid_parts():
    message = error_of(with_expenses(expense(part="property")))["message"]
    for part in ("liability", "costs", "business_interruption"):
        assert part in message


def test_pay_ratio_message_names_the_valid_range():
    data = example_input()
    data["terms"]["costs"]["items"]["call_center"]["pay_ratio"] = Decimal("1.1")
    message = error_of(data)["message"]
    assert "0 以上 1 以下" in message


def test_pay_ratio_of_exactly_0_and_1_is_accepted():
    for ratio in (0, 1, Decimal("0"), Decimal("1.0")):
        data = example_input()
        data["terms"]["costs"]["items"]["call_center"]["pay_ratio"] = ratio
        assert calculate_json_payload(data)[1]


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "",
        '{"terms": {}, "expenses": [], }',
        '{"terms": {"costs": {"limit": 1, "items": {"a": {"pay_ratio": NaN}}}}, "expenses": []}',
        b"\xff\xfe{}",
    ],
    ids=["broken", "empty", "trailing comma", "NaN literal", "not utf-8"],
)
def test_unreadable_json_text_is_invalid_input(text):
    error = error_of(text)
    assert error["code"] == "invalid_input"
    assert error["field"] == "input"
    assert JAPANESE.search(error["message"])


@pytest.mark.parametrize("document", [[], "E1", 3, None])
def test_input_that_is_not_an_object_is_invalid_input(document):
    assert error_of(document)["field"] == "input"


def test_error_keys_follow_the_contracts_order():
    output, ok = calculate_json_payload(with_expenses(expense(amount=-1)))
    assert not ok
    assert list(output["error"]) == ["code", "field", "message"]


def test_json_text_with_byte_order_mark_is_read():
    output, ok = calculate_json_payload('\ufeff{"terms": {}, "expenses": []}'.encode())
    assert ok, output
