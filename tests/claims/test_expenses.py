"""Expenses: recorded with a suggested coverage item, checked, editable until claimed, receipts encrypted."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from sonae.claims.models import AttachmentKind, Expense
from sonae.claims.services import (
    attachment_add,
    attachment_open,
    claim_create,
    claim_transition,
    expense_create,
    expense_delete,
    expense_update,
    suggest_item,
)
from sonae.core.errors import InvalidInput, NotEligible, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.incidents.models import Task

from .conftest import PDF_BYTES, jst

pytestmark = pytest.mark.django_db


def test_expense_is_recorded_with_its_part_and_audited(world, add_expense):
    expense = add_expense("call_center", 1_200_000, payee="株式会社コールサポート東日本")
    assert (expense.part, expense.item, expense.amount) == ("costs", "call_center", 1_200_000)
    event = AuditEvent.objects.get(action="claims.expense_created")
    assert event.target_id == str(expense.pk) and event.data["amount"] == 1_200_000


def test_item_is_suggested_from_the_tasks_playbook_coverage_item(world, incident):
    task = incident.tasks.exclude(coverage_item="").first()
    assert suggest_item(task) == task.coverage_item
    expense = expense_create(
        actor=world.actor("provider"),
        incident=incident,
        task=task,
        item=task.coverage_item,
        amount=50_000,
        spent_on=date(2025, 11, 12),
        payee="社内",
    )
    assert expense.item_suggested == task.coverage_item


def test_phase_gives_the_suggestion_when_the_task_has_no_item(incident):
    task = Task.objects.create(incident=incident, title="復旧作業", phase="recovery")
    assert suggest_item(task) == "data_recovery"
    assert suggest_item(None) == ""


def test_user_may_choose_another_item_than_the_suggestion(world, incident):
    task = Task.objects.create(incident=incident, title="復旧作業", phase="recovery")
    expense = expense_create(
        actor=world.actor("provider"),
        incident=incident,
        task=task,
        item="equipment",
        amount=300_000,
        spent_on=date(2025, 11, 12),
        payee="事務機株式会社",
    )
    assert (expense.item, expense.item_suggested) == ("equipment", "data_recovery")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "1000"}, "amount"),
        ({"payee": "  "}, "payee"),
        ({"item": "ransom"}, "item"),
        ({"spent_on": date(2025, 11, 1)}, "spent_on"),
        ({"spent_on": date(2025, 12, 5)}, "spent_on"),
    ],
)
def test_bad_expense_input_is_refused_with_the_field(add_expense, changes, field):
    with pytest.raises(InvalidInput) as caught:
        add_expense(**{"item": "investigation", "amount": 1000, **changes})
    assert caught.value.field == field
    assert not Expense.objects.exists()


def test_condolence_needs_the_counts_of_victims(add_expense):
    with pytest.raises(InvalidInput) as caught:
        add_expense("condolence", 500_000)
    assert caught.value.field == "individuals" and "人数" in caught.value.message
    expense = add_expense("condolence", 500_000, individuals=500, corporations=0)
    assert expense.individuals == 500


def test_counts_are_dropped_for_items_without_per_person_caps(add_expense):
    expense = add_expense("investigation", 1000, individuals=5)
    assert expense.individuals is None


def test_case_without_cover_takes_no_expenses(world, report):
    incident = report(discovered_at=jst(2025, 9, 1, 9), received_at=jst(2025, 9, 1, 10))
    with pytest.raises(NotEligible, match="有効な保険契約がありません"):
        expense_create(
            actor=world.actor("provider"),
            incident=incident,
            item="investigation",
            amount=1000,
            spent_on=date(2025, 11, 20),
            payee="x",
        )


@pytest.mark.parametrize("who", ["provider_b", "insurer", "agency", "desk", "provider_viewer"])
def test_only_the_providers_own_staff_record_expenses(world, incident, who):
    with pytest.raises(PermissionDenied):
        expense_create(
            actor=world.actor(who),
            incident=incident,
            item="investigation",
            amount=1000,
            spent_on=date(2025, 11, 20),
            payee="x",
        )


def test_expense_is_editable_before_it_is_claimed(world, add_expense):
    expense = add_expense(amount=1000)
    expense = expense_update(actor=world.actor("provider"), expense=expense, amount=2000, payee="別の支払先")
    expense.refresh_from_db()
    assert (expense.amount, expense.payee) == (2000, "別の支払先")
    assert AuditEvent.objects.get(action="claims.expense_updated").data["fields"] == ["amount", "payee"]


def test_editing_an_expense_of_a_draft_claim_recalculates_the_draft(world, incident, add_expense):
    expense = add_expense(amount=1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    assert claim.amount_calculated == 900_000  # minus the 100,000 deductible
    expense_update(actor=world.actor("provider"), expense=expense, amount=2_000_000)
    claim.refresh_from_db()
    assert claim.amount_calculated == 1_900_000


def test_editing_after_the_claim_is_submitted_is_refused(world, incident, add_expense):
    expense = add_expense(amount=1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    expense.refresh_from_db()
    with pytest.raises(InvalidInput) as caught:
        expense_update(actor=world.actor("provider"), expense=expense, amount=5)
    assert caught.value.code == "expense_claimed" and claim.number in caught.value.message
    with pytest.raises(InvalidInput):
        expense_delete(actor=world.actor("provider"), expense=expense)
    expense.refresh_from_db()
    assert expense.amount == 1_000_000


def test_deleting_an_expense_removes_it_and_its_receipt_file(
    world, add_expense, django_capture_on_commit_callbacks
):
    expense = add_expense(receipt=("receipt.pdf", PDF_BYTES))
    name = expense.attachments.get().storage_name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        expense_delete(actor=world.actor("provider"), expense=expense)
    assert not Expense.objects.exists()
    assert not default_storage.exists(name)


def test_receipt_is_stored_encrypted_and_opens_for_the_insurer(world, add_expense):
    expense = add_expense(receipt=("領収書.pdf", PDF_BYTES))
    attachment = expense.attachments.get()
    assert attachment.kind == AttachmentKind.RECEIPT and attachment.original_name == "領収書.pdf"
    with default_storage.open(attachment.storage_name, "rb") as handle:
        stored = handle.read()
    assert b"forensic" not in stored and not stored.startswith(b"%PDF")
    opened = attachment_open(actor=world.actor("insurer"), attachment=attachment)
    assert opened.content == PDF_BYTES
    assert AuditEvent.objects.filter(action="claims.attachment_downloaded").count() == 1


def test_receipt_of_the_wrong_type_is_refused(add_expense):
    with pytest.raises(InvalidInput) as caught:
        add_expense(receipt=("receipt.exe", b"MZ\x90\x00"))
    assert caught.value.field == "file"
    assert not Expense.objects.exists()


def test_receipts_may_be_added_when_the_insurer_asks_for_information(world, incident, add_expense):
    expense = add_expense(amount=1_000_000)
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    with pytest.raises(InvalidInput):
        attachment_add(actor=world.actor("provider"), expense=expense, name="r.pdf", data=PDF_BYTES)
    claim_transition(actor=world.actor("insurer"), claim=claim, to_status="under_review")
    claim_transition(
        actor=world.actor("insurer"),
        claim=claim,
        to_status="info_requested",
        reason="領収書を添付してください",
    )
    expense.refresh_from_db()
    attachment = attachment_add(actor=world.actor("provider"), expense=expense, name="r.pdf", data=PDF_BYTES)
    assert attachment.expense == expense
