"""Prior approval and consent: asked by the provider, decided by the insurer with a reason, linked to expenses."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from sonae.claims.models import PriorApproval
from sonae.claims.services import (
    approval_decide,
    approval_request,
    approval_transition,
    claim_create,
)
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(world, incident):
    def make(item="litigation", amount=2_000_000, **kwargs):
        kwargs.setdefault(
            "reason", "委託元の病院から損害賠償を求める通知が届いたため、弁護士に対応を依頼する。"
        )
        return approval_request(
            actor=world.actor("provider"), incident=incident, item=item, amount=amount, **kwargs
        )

    return make


def test_provider_asks_for_prior_approval_of_litigation_costs_with_quotes(world, ask):
    approval = ask(quotes=[("見積書.pdf", PDF_BYTES)])
    assert approval.number == "APR-2025-00001"
    assert (approval.kind, approval.part, approval.status) == ("prior_approval", "liability", "requested")
    assert approval.policy == world.policy
    quote = approval.attachments.get()
    with default_storage.open(quote.storage_name, "rb") as handle:
        assert not handle.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(action="claims.approval_requested")
    assert event.reason.startswith("委託元の病院") and event.data["quotes"] == 1


def test_condolence_needs_consent(ask):
    assert ask("condolence", 500_000, individuals=500).kind == "consent"


def test_items_without_the_condition_need_no_approval(ask):
    with pytest.raises(InvalidInput) as caught:
        ask("investigation")
    assert caught.value.field == "item" and "不要" in caught.value.message


def test_reason_is_required(ask):
    with pytest.raises(InvalidInput) as caught:
        ask(reason=" ")
    assert caught.value.field == "reason"


def test_insurer_approves_the_amount_asked(world, ask):
    approval = approval_decide(actor=world.actor("insurer"), approval=ask(), decision="approve")
    assert (approval.status, approval.amount_approved) == ("approved", 2_000_000)
    assert AuditEvent.objects.filter(action="claims.approval_approved").exists()


def test_insurer_approves_a_lower_amount_with_a_reason(world, ask):
    with pytest.raises(InvalidInput) as caught:
        approval_decide(actor=world.actor("insurer"), approval=ask(), decision="reduce", amount=1_500_000)
    assert caught.value.field == "reason"
    approval = approval_decide(
        actor=world.actor("insurer"),
        approval=PriorApproval.objects.get(),
        decision="reduce",
        amount=1_500_000,
        reason="着手金の相場に合わせて減額",
    )
    assert (approval.status, approval.amount_approved, approval.decision_reason) == (
        "reduced",
        1_500_000,
        "着手金の相場に合わせて減額",
    )


@pytest.mark.parametrize("amount", [0, 2_000_000, 3_000_000, None])
def test_lower_amount_must_be_below_the_amount_asked(world, ask, amount):
    with pytest.raises(InvalidInput) as caught:
        approval_decide(
            actor=world.actor("insurer"), approval=ask(), decision="reduce", amount=amount, reason="x"
        )
    assert caught.value.field == "amount"


def test_refusal_needs_a_reason(world, ask):
    approval = ask()
    with pytest.raises(InvalidInput):
        approval_decide(actor=world.actor("insurer"), approval=approval, decision="refuse")
    approval = approval_decide(
        actor=world.actor("insurer"), approval=approval, decision="refuse", reason="補償対象外の紛争"
    )
    assert approval.status == "refused" and approval.amount_approved is None


def test_a_decided_request_cannot_be_decided_again(world, ask):
    approval = approval_decide(actor=world.actor("insurer"), approval=ask(), decision="approve")
    with pytest.raises(IllegalTransition):
        approval_decide(actor=world.actor("insurer"), approval=approval, decision="refuse", reason="x")


@pytest.mark.parametrize("who", ["provider", "agency", "desk"])
def test_only_the_insurer_decides(world, ask, who):
    with pytest.raises(PermissionDenied):
        approval_decide(actor=world.actor(who), approval=ask(), decision="approve")


def test_provider_withdraws_a_pending_request(world, ask):
    approval = approval_transition(actor=world.actor("provider"), approval=ask(), to_status="withdrawn")
    assert approval.status == "withdrawn"


def test_litigation_expense_without_approval_is_not_paid(world, incident, add_expense):
    add_expense("litigation", 2_000_000, payee="桜橋法律事務所")
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    line = claim.lines.get()
    assert (line.eligible, line.reasons) == (0, ["no_prior_approval"])


def test_litigation_expense_linked_to_a_granted_approval_is_paid(world, incident, ask, add_expense):
    approval = approval_decide(actor=world.actor("insurer"), approval=ask(), decision="approve")
    add_expense("litigation", 2_000_000, payee="桜橋法律事務所", approval=approval)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    line = claim.lines.get()
    assert (line.eligible, line.prior_approval, line.approval_number) == (2_000_000, True, approval.number)
    assert claim.amount_calculated == 2_000_000  # liability: no deductible


def test_reduced_approval_caps_the_linked_expenses_in_date_order(world, incident, ask, add_expense):
    approval = approval_decide(
        actor=world.actor("insurer"), approval=ask(), decision="reduce", amount=1_500_000, reason="相場"
    )
    add_expense(
        "litigation", 1_000_000, payee="桜橋法律事務所", approval=approval, spent_on=date(2025, 11, 15)
    )
    add_expense(
        "litigation", 1_000_000, payee="桜橋法律事務所", approval=approval, spent_on=date(2025, 11, 25)
    )
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    first, second = claim.lines.order_by("position")
    assert (first.eligible, first.reasons) == (1_000_000, [])
    assert (second.claimed_amount, second.eligible, second.reasons) == (500_000, 500_000, ["approval_cap"])
    assert claim.amount_calculated == 1_500_000


def test_deciding_an_approval_recalculates_the_open_claim_of_the_case(world, incident, ask, add_expense):
    approval = ask()
    add_expense("litigation", 2_000_000, payee="桜橋法律事務所", approval=approval)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    assert claim.amount_calculated == 0
    approval_decide(actor=world.actor("insurer"), approval=approval, decision="approve")
    claim.refresh_from_db()
    assert claim.amount_calculated == 2_000_000


def test_approval_of_another_item_cannot_be_linked(world, ask, add_expense):
    approval = ask()
    with pytest.raises(InvalidInput) as caught:
        add_expense("legal_advice", 100_000, approval=approval)
    assert caught.value.field == "approval"


def test_refused_approval_cannot_be_linked(world, ask, add_expense):
    approval = approval_decide(
        actor=world.actor("insurer"), approval=ask(), decision="refuse", reason="対象外"
    )
    with pytest.raises(InvalidInput, match="不承認"):
        add_expense("litigation", 100_000, approval=approval)


def test_consent_pays_condolence_up_to_the_per_person_caps(world, incident, ask, add_expense):
    approval = approval_decide(
        actor=world.actor("insurer"),
        approval=ask("condolence", 3_000_000, individuals=5000),
        decision="approve",
    )
    add_expense(
        "condolence", 3_000_000, payee="QUOカード", individuals=2000, corporations=1, approval=approval
    )
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    line = claim.lines.get()
    # 2,000 × 1,000 + 1 × 50,000 (plan A caps)
    assert (line.eligible, line.reasons) == (2_050_000, ["capped_per_person"])
