"""Properties of the claim calculation that hold for any terms, earlier payments and expenses (hypothesis)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sonae.claims.coverage import (
    EXPENSE_REASONS,
    PART_REASONS,
    PARTS,
    AlreadyPaid,
    Expense,
    ItemTerms,
    PartTerms,
    Terms,
    calculate,
)

ITEM_NAMES = ("investigation", "call_center", "condolence", "litigation")
yen = st.integers(min_value=0, max_value=10**9)
small_yen = st.integers(min_value=0, max_value=10**6)
optional_flag = st.none() | st.booleans()

item_terms = st.builds(
    ItemTerms,
    sublimit=st.none() | yen,
    pay_ratio=st.decimals(min_value=0, max_value=1, places=3),
    per_individual_cap=st.none() | small_yen,
    per_corporation_cap=st.none() | small_yen,
    requires_consent=st.booleans(),
    requires_prior_approval=st.booleans(),
)
part_terms = st.builds(
    PartTerms,
    limit=yen,
    deductible=small_yen,
    items=st.dictionaries(st.sampled_from(ITEM_NAMES), item_terms, max_size=len(ITEM_NAMES)),
)
terms_strategy = st.builds(
    Terms, parts=st.dictionaries(st.sampled_from(PARTS), part_terms, max_size=len(PARTS))
)
already_paid_strategy = st.builds(
    AlreadyPaid,
    parts=st.dictionaries(st.sampled_from(PARTS), yen),
    items=st.dictionaries(st.sampled_from(ITEM_NAMES), yen),
)


@st.composite
def expenses_strategy(draw, min_size=0):
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(PARTS),
                st.sampled_from(ITEM_NAMES + ("uncovered",)),
                yen,
                st.none() | st.integers(0, 5000),
                st.none() | st.integers(0, 50),
                optional_flag,
                optional_flag,
            ),
            min_size=min_size,
            max_size=8,
        )
    )
    return [Expense(f"E{i}", *row) for i, row in enumerate(rows)]


claims = st.tuples(terms_strategy, already_paid_strategy, expenses_strategy())


@given(claims)
def test_no_amount_is_ever_negative(claim):
    result = calculate(*claim)
    assert all(e.eligible >= 0 for e in result.expenses)
    for part in result.parts.values():
        assert all(amount >= 0 for amount in part.items.values())
        assert part.before_deductible >= 0
        assert part.payable >= 0
        assert part.limit_remaining >= 0
    assert result.total_payable >= 0


@given(claims)
def test_payable_never_exceeds_what_is_left_of_the_part_limit(claim):
    terms, already_paid, _ = claim
    result = calculate(*claim)
    for name, part in result.parts.items():
        if name in terms.parts:
            room = max(0, terms.parts[name].limit - already_paid.part(name))
            assert part.payable <= room
            assert part.payable + part.limit_remaining == room
        else:
            assert part.payable == 0


@given(claims)
def test_total_is_the_sum_of_the_parts(claim):
    result = calculate(*claim)
    assert result.to_dict()["total_payable"] == sum(p["payable"] for p in result.to_dict()["parts"].values())


@given(claims)
def test_each_step_only_lowers_the_amount(claim):
    terms, already_paid, expenses = claim
    result = calculate(*claim)
    for expense, outcome in zip(expenses, result.expenses, strict=True):
        assert outcome.eligible <= expense.amount
    for name, part in result.parts.items():
        for item, amount in part.items.items():
            eligible_sum = sum(
                o.eligible
                for e, o in zip(expenses, result.expenses, strict=True)
                if (e.part, e.item) == (name, item)
            )
            assert amount <= eligible_sum
            item_terms = terms.parts[name].items.get(item) if name in terms.parts else None
            if item_terms is not None and item_terms.sublimit is not None:
                assert amount <= max(0, item_terms.sublimit - already_paid.item(item))
        assert part.before_deductible == sum(part.items.values())
        assert part.payable <= part.before_deductible


@given(claims)
def test_reasons_are_unique_and_in_contract_order(claim):
    result = calculate(*claim)
    for outcome in result.expenses:
        assert list(outcome.reasons) == [r for r in EXPENSE_REASONS if r in outcome.reasons]
    for part in result.parts.values():
        assert list(part.reasons) == [r for r in PART_REASONS if r in part.reasons]


@given(claims)
def test_a_reason_is_given_exactly_when_an_expense_lost_money(claim):
    _, _, expenses = claim
    result = calculate(*claim)
    for expense, outcome in zip(expenses, result.expenses, strict=True):
        refused = {"not_covered", "no_consent", "no_prior_approval"} & set(outcome.reasons)
        if refused:
            assert outcome.eligible == 0
        else:
            assert (outcome.eligible < expense.amount) == ("capped_per_person" in outcome.reasons)


@given(claims, st.data())
def test_raising_an_amount_never_lowers_what_is_paid(claim, data):
    terms, already_paid, expenses = claim
    if not expenses:
        expenses = [Expense("E0", "costs", "investigation", 0)]
    index = data.draw(st.integers(0, len(expenses) - 1))
    extra = data.draw(st.integers(1, 10**8))
    raised = list(expenses)
    raised[index] = dataclasses.replace(raised[index], amount=raised[index].amount + extra)
    before = calculate(terms, already_paid, expenses)
    after = calculate(terms, already_paid, raised)
    assert after.total_payable >= before.total_payable
    for name, part in before.parts.items():
        assert after.parts[name].payable >= part.payable
        for item, amount in part.items.items():
            assert after.parts[name].items[item] >= amount


@given(claims, st.sampled_from(PARTS), st.integers(1, 10**8))
def test_earlier_claims_never_raise_what_is_paid(claim, part, extra):
    terms, already_paid, expenses = claim
    more_paid = AlreadyPaid(
        parts={**already_paid.parts, part: already_paid.part(part) + extra}, items=already_paid.items
    )
    assert (
        calculate(terms, more_paid, expenses).total_payable
        <= calculate(terms, already_paid, expenses).total_payable
    )


@given(st.integers(min_value=0, max_value=10**30))
def test_pay_ratio_0_9_is_exactly_nine_tenths_floored(amount):
    terms = Terms(
        {"costs": PartTerms(limit=10**31, items={"call_center": ItemTerms(pay_ratio=Decimal("0.9"))})}
    )
    result = calculate(terms, AlreadyPaid(), [Expense("E", "costs", "call_center", amount)])
    assert result.parts["costs"].items["call_center"] == amount * 9 // 10


@given(st.integers(min_value=0, max_value=10**15), st.integers(min_value=0, max_value=1000))
def test_pay_ratio_matches_exact_fraction_for_any_three_place_ratio(amount, per_mille):
    ratio = Decimal(per_mille) / 1000
    terms = Terms({"costs": PartTerms(limit=10**16, items={"x": ItemTerms(pay_ratio=ratio)})})
    result = calculate(terms, AlreadyPaid(), [Expense("E", "costs", "x", amount)])
    assert result.parts["costs"].items["x"] == amount * per_mille // 1000
