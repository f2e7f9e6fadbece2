"""Claims: created from unclaimed expenses, calculated by the contract's function, one transition map, audited."""

import json
from datetime import date

import pytest

from sonae.claims.coverage import calculate_json_payload
from sonae.claims.models import STATUS_TRANSITIONS, Claim, ClaimStatus, Expense
from sonae.claims.services import claim_create, claim_pay, claim_transition
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def expenses(add_expense):
    return [
        add_expense("investigation", 3_500_000),
        add_expense("call_center", 1_000_000, payee="株式会社コールサポート東日本"),
        add_expense("apology_letter", 400_000, payee="株式会社あさひ印刷"),
    ]


@pytest.fixture
def claim(world, incident, expenses):
    return claim_create(actor=world.actor("provider"), incident=incident)


def _move(world, claim, *steps):
    for who, status, *reason in steps:
        claim = claim_transition(
            actor=world.actor(who), claim=claim, to_status=status, reason=(reason or [""])[0]
        )
    return claim


def test_claim_is_a_draft_of_every_unclaimed_expense(claim, expenses, world):
    assert claim.number == "CLM-2025-00001"
    assert (claim.status, claim.policy) == ("draft", world.policy)
    assert set(claim.expenses.all()) == set(expenses)
    assert claim.lines.count() == 3
    # 3,500,000 + 1,000,000 × 0.9 + 400,000 − 100,000 deductible
    assert (claim.amount_expenses, claim.amount_calculated) == (4_900_000, 4_700_000)


def test_stored_calculation_is_the_contracts_function_on_the_stored_input(claim):
    output, ok = calculate_json_payload(json.dumps(claim.calculation["input"]))
    assert ok and output == claim.calculation["output"]
    assert output["total_payable"] == claim.amount_calculated


def test_claim_can_take_chosen_expenses_only(world, incident, expenses):
    claim = claim_create(actor=world.actor("provider"), incident=incident, expenses=expenses[:1])
    assert list(claim.expenses.all()) == expenses[:1]
    assert Expense.objects.filter(claim__isnull=True).count() == 2


def test_claim_without_expenses_is_refused(world, incident):
    with pytest.raises(InvalidInput) as caught:
        claim_create(actor=world.actor("provider"), incident=incident)
    assert caught.value.field == "expenses"


def test_only_one_draft_per_case(world, incident, claim, add_expense):
    add_expense("regulatory", 10_000)
    with pytest.raises(InvalidInput) as caught:
        claim_create(actor=world.actor("provider"), incident=incident)
    assert caught.value.code == "draft_exists"


def test_expense_of_another_claim_cannot_be_claimed_again(world, incident, claim, expenses):
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    with pytest.raises(InvalidInput):
        claim_create(actor=world.actor("provider"), incident=incident, expenses=expenses[:1])


def test_the_whole_path_to_payment_is_audited_with_who_and_why(world, claim):
    claim = _move(
        world,
        claim,
        ("provider", "submitted"),
        ("insurer", "under_review"),
        ("insurer", "info_requested", "コールセンターの委託契約書を添付してください"),
        ("provider", "resubmitted", "契約書を添付しました"),
        ("insurer", "approved"),
    )
    assert claim.amount_requested == 4_700_000 and claim.amount_approved == 4_700_000
    payment = claim_pay(
        actor=world.actor("insurer"), claim=claim, paid_on=date(2025, 12, 1), reference="FB-001"
    )
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid, payment.amount) == ("paid", 4_700_000, 4_700_000)
    steps = list(claim.events.values_list("from_status", "to_status", "reason"))
    assert steps == [
        ("", "draft", ""),
        ("draft", "submitted", ""),
        ("submitted", "under_review", ""),
        ("under_review", "info_requested", "コールセンターの委託契約書を添付してください"),
        ("info_requested", "resubmitted", "契約書を添付しました"),
        ("resubmitted", "approved", ""),
        ("approved", "paid", "FB-001"),
    ]
    actions = list(
        AuditEvent.objects.filter(target_type="claims.claim").values_list("action", "actor__email")
    )
    assert [a for a, _ in actions] == [
        "claims.claim_created",
        "claims.claim_submitted",
        "claims.claim_under_review",
        "claims.claim_info_requested",
        "claims.claim_resubmitted",
        "claims.claim_approved",
        "claims.claim_paid",
    ]
    assert actions[2][1] == world.user("insurer").email
    assert AuditEvent.objects.get(action="claims.claim_info_requested").reason.startswith("コールセンター")


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "approved"),
        ([], "under_review"),
        ([("provider", "submitted")], "approved"),
        ([("provider", "submitted")], "resubmitted"),
        ([("provider", "submitted"), ("insurer", "under_review")], "submitted"),
        (
            [("provider", "submitted"), ("insurer", "under_review"), ("insurer", "rejected", "対象外")],
            "approved",
        ),
        ([("provider", "submitted"), ("insurer", "under_review"), ("insurer", "approved")], "rejected"),
        ([("provider", "withdrawn")], "submitted"),
    ],
)
def test_illegal_transitions_are_refused(world, claim, path, illegal):
    claim = _move(world, claim, *path)
    who = "provider" if illegal in ("submitted", "resubmitted", "withdrawn") else "insurer"
    with pytest.raises(IllegalTransition):
        claim_transition(actor=world.actor(who), claim=claim, to_status=illegal, reason="理由")
    claim.refresh_from_db()
    assert claim.status == (path[-1][1] if path else "draft")


def test_paid_is_only_reached_by_recording_the_payment(world, claim):
    claim = _move(
        world, claim, ("provider", "submitted"), ("insurer", "under_review"), ("insurer", "approved")
    )
    with pytest.raises(IllegalTransition, match="支払の記録"):
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="paid")


def test_every_status_is_in_the_one_transition_map():
    assert set(STATUS_TRANSITIONS) == set(ClaimStatus.values)
    for targets in STATUS_TRANSITIONS.values():
        assert targets <= set(ClaimStatus.values)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("insurer", "submitted"),
        ("provider", "under_review"),
        ("agency", "under_review"),
        ("provider_b", "submitted"),
        ("provider_viewer", "submitted"),
    ],
)
def test_each_side_moves_only_its_own_steps(world, claim, who, status):
    with pytest.raises(PermissionDenied):
        claim_transition(actor=world.actor(who), claim=claim, to_status=status)


@pytest.mark.parametrize("status", ["info_requested", "rejected"])
def test_requests_and_refusals_need_a_reason(world, claim, status):
    claim = _move(world, claim, ("provider", "submitted"), ("insurer", "under_review"))
    with pytest.raises(InvalidInput) as caught:
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status=status, reason=" ")
    assert caught.value.field == "reason"


def test_partly_approved_lowers_assessed_lines_with_reasons(world, claim, expenses):
    claim = _move(world, claim, ("provider", "submitted"), ("insurer", "under_review"))
    claim = claim_transition(
        actor=world.actor("insurer"),
        claim=claim,
        to_status="partly_approved",
        reason="調査費用の一部は保全作業ではなく通常保守のため",
        adjustments={expenses[0].pk: (3_000_000, "通常保守分 500,000円を除く")},
    )
    assert claim.amount_approved == 4_200_000
    line = claim.lines.get(expense=expenses[0])
    assert (line.accepted_amount, line.eligible, line.reasons) == (3_000_000, 3_000_000, ["adjusted"])
    assert line.adjustment_reason == "通常保守分 500,000円を除く"


def test_partly_approved_needs_a_lowered_line_and_approved_none(world, claim, expenses):
    claim = _move(world, claim, ("provider", "submitted"), ("insurer", "under_review"))
    with pytest.raises(InvalidInput):
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="partly_approved", reason="x")
    with pytest.raises(InvalidInput):
        claim_transition(
            actor=world.actor("insurer"),
            claim=claim,
            to_status="approved",
            adjustments={expenses[0].pk: (1, "x")},
        )
    with pytest.raises(InvalidInput) as caught:
        claim_transition(
            actor=world.actor("insurer"),
            claim=claim,
            to_status="partly_approved",
            reason="x",
            adjustments={expenses[0].pk: (1, "")},
        )
    assert "査定の理由" in caught.value.message


def test_nothing_payable_cannot_be_approved(world, incident, add_expense):
    add_expense("regulatory", 50_000)  # below the 100,000 deductible
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim = _move(world, claim, ("provider", "submitted"), ("insurer", "under_review"))
    with pytest.raises(InvalidInput, match="0円"):
        claim_transition(actor=world.actor("insurer"), claim=claim, to_status="approved")


def test_withdrawing_a_draft_frees_its_expenses(world, claim):
    claim = claim_transition(actor=world.actor("provider"), claim=claim, to_status="withdrawn")
    assert claim.status == "withdrawn" and not claim.lines.exists()
    assert Expense.objects.filter(claim__isnull=True).count() == 3


def test_payment_must_be_the_approved_amount_and_not_in_the_future(world, claim):
    claim = _move(
        world, claim, ("provider", "submitted"), ("insurer", "under_review"), ("insurer", "approved")
    )
    with pytest.raises(InvalidInput) as caught:
        claim_pay(actor=world.actor("insurer"), claim=claim, paid_on=date(2025, 12, 1), amount=1)
    assert caught.value.field == "amount"
    with pytest.raises(InvalidInput) as caught:
        claim_pay(actor=world.actor("insurer"), claim=claim, paid_on=date(2025, 12, 2))
    assert caught.value.field == "paid_on"


def test_unapproved_claim_cannot_be_paid(world, claim):
    with pytest.raises(IllegalTransition):
        claim_pay(actor=world.actor("insurer"), claim=claim, paid_on=date(2025, 12, 1))
    with pytest.raises(PermissionDenied):
        claim_pay(actor=world.actor("provider"), claim=claim, paid_on=date(2025, 12, 1))
    assert Claim.objects.get().status == "draft"
