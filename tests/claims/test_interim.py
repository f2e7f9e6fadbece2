"""Interim claims: what approved and paid claims of the same policy used reduces the limits of later claims."""

from datetime import date

import pytest

from sonae.claims.inputs import already_paid_for
from sonae.claims.selectors import policy_limits
from sonae.claims.services import claim_create, claim_pay, claim_transition

from .conftest import jst

pytestmark = pytest.mark.django_db


def _approve(world, claim, pay=True):
    for who, status in (("provider", "submitted"), ("insurer", "under_review"), ("insurer", "approved")):
        claim = claim_transition(actor=world.actor(who), claim=claim, to_status=status)
    if pay:
        claim_pay(actor=world.actor("insurer"), claim=claim, paid_on=date(2025, 12, 1))
        claim.refresh_from_db()
    return claim


def test_paid_interim_claim_reduces_the_sublimit_of_the_next_claim(world, incident, add_expense):
    add_expense("press_conference", 2_000_000, payee="ホテル")  # sublimit 3,000,000 (plan A)
    first = _approve(world, claim_create(actor=world.actor("provider"), incident=incident))
    assert first.amount_paid == 1_900_000  # deductible taken once
    add_expense("press_conference", 2_000_000, payee="ホテル", spent_on=date(2025, 11, 28))
    second = claim_create(actor=world.actor("provider"), incident=incident)
    calc = second.calculation
    assert calc["input"]["already_paid"]["items"] == {"press_conference": 2_000_000}
    assert calc["input"]["already_paid"]["costs"] == 1_900_000
    # 3,000,000 − 2,000,000 left of the sublimit; the incident's deductible was borne by the first claim.
    assert calc["input"]["terms"]["costs"]["deductible"] == 0
    assert calc["output"]["items"]["costs"]["press_conference"] == 1_000_000
    assert calc["output"]["reasons"]["costs"] == ["sublimit"]
    assert second.amount_calculated == 1_000_000
    assert calc["output"]["parts"]["costs"]["limit_remaining"] == 30_000_000 - 1_900_000 - 1_000_000


def test_approved_but_unpaid_claim_already_counts(world, incident, add_expense):
    add_expense("investigation", 5_000_000)
    _approve(world, claim_create(actor=world.actor("provider"), incident=incident), pay=False)
    assert already_paid_for(world.policy) == {"costs": 4_900_000, "items": {"investigation": 5_000_000}}


def test_rejected_claims_and_drafts_use_nothing(world, incident, add_expense):
    add_expense("investigation", 5_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    assert already_paid_for(world.policy) == {"items": {}}
    for who, status, reason in (
        ("provider", "submitted", ""),
        ("insurer", "under_review", ""),
        ("insurer", "rejected", "免責事由に該当"),
    ):
        claim = claim_transition(actor=world.actor(who), claim=claim, to_status=status, reason=reason)
    assert already_paid_for(world.policy) == {"items": {}}


def test_claims_of_other_incidents_of_the_policy_reduce_the_part_limit(world, report, incident, add_expense):
    add_expense("investigation", 25_000_000)
    _approve(world, claim_create(actor=world.actor("provider"), incident=incident))
    second_case = report(
        title="メールの誤送信", discovered_at=jst(2025, 11, 20, 9), received_at=jst(2025, 11, 20, 10)
    )
    add_expense("data_recovery", 10_000_000, case=second_case, spent_on=date(2025, 11, 25))
    claim = claim_create(actor=world.actor("provider"), incident=second_case)
    parts = claim.calculation["output"]["parts"]["costs"]
    # Another incident bears its own deductible; 30,000,000 − 24,900,000 is left of the costs limit.
    assert claim.calculation["input"]["terms"]["costs"]["deductible"] == 100_000
    assert (parts["payable"], parts["limit_remaining"]) == (5_100_000, 0)
    assert claim.calculation["output"]["reasons"]["costs"] == ["deductible", "limit"]


def test_another_policys_claims_do_not_count(world, report, incident, add_expense):
    add_expense("investigation", 5_000_000)
    _approve(world, claim_create(actor=world.actor("provider"), incident=incident))
    assert already_paid_for(world.policy_b) == {"items": {}}


def test_deciding_a_claim_recalculates_the_other_open_claims_of_the_policy(
    world, report, incident, add_expense
):
    add_expense("investigation", 20_000_000)
    first = claim_create(actor=world.actor("provider"), incident=incident)
    first = claim_transition(actor=world.actor("provider"), claim=first, to_status="submitted")
    second_case = report(title="別件", discovered_at=jst(2025, 11, 20, 9), received_at=jst(2025, 11, 20, 10))
    add_expense("data_recovery", 10_000_000, case=second_case, spent_on=date(2025, 11, 25))
    add_expense("apology_ad", 5_000_000, case=second_case, spent_on=date(2025, 11, 25))
    second = claim_create(actor=world.actor("provider"), incident=second_case)
    assert second.amount_calculated == 14_900_000
    for status in ("under_review", "approved"):
        first = claim_transition(actor=world.actor("insurer"), claim=first, to_status=status)
    second.refresh_from_db()
    assert second.amount_calculated == 30_000_000 - 19_900_000


def test_remaining_limits_of_the_policy_period(world, incident, add_expense):
    add_expense("call_center", 2_000_000, payee="コールセンター")
    _approve(world, claim_create(actor=world.actor("provider"), incident=incident))
    costs = next(p for p in policy_limits(world.policy) if p.part.code == "costs")
    assert (costs.part.used, costs.part.remaining) == (1_700_000, 28_300_000)
    call = next(i for i in costs.items if i.code == "call_center")
    assert (call.limit, call.used, call.remaining) == (10_000_000, 1_800_000, 8_200_000)
