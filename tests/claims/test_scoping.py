"""Scoping of the pages: provider sees its own, the insurer all submitted claims, the agency summaries; desk,
hospital and foundation nothing (404); another provider's records are 404; a viewer cannot write (403)."""

import pytest
from django.urls import reverse

from sonae.claims.services import approval_request, claim_create, claim_transition

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, incident, add_expense):
    expense = add_expense("investigation", 1_000_000, receipt=("r.pdf", PDF_BYTES))
    approval = approval_request(
        actor=world.actor("provider"), incident=incident, item="litigation", amount=100_000, reason="訴訟"
    )
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    claim = claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")
    return {
        "case": reverse("claims:expenses", args=[incident.reference]),
        "expense": reverse("claims:expense_edit", args=[incident.reference, expense.pk]),
        "expense_new": reverse("claims:expense_create", args=[incident.reference]),
        "xlsx": reverse("claims:expenses_xlsx", args=[incident.reference]),
        "attachment": reverse("claims:attachment", args=[expense.attachments.get().pk]),
        "approval": reverse("claims:approval_detail", args=[approval.pk]),
        "approval_new": reverse("claims:approval_request", args=[incident.reference]),
        "claim": reverse("claims:detail", args=[claim.number]),
        "pdf": reverse("claims:pdf", args=[claim.number]),
        "claim_xlsx": reverse("claims:xlsx", args=[claim.number]),
        "list": reverse("claims:list"),
        "approvals": reverse("claims:approvals"),
        "queue": reverse("claims:queue"),
    }


@pytest.mark.parametrize("who", ["desk", "hospital", "foundation"])
def test_organisations_without_claims_get_404_on_every_page(records, client_for, who):
    client = client_for(who)
    for name, url in records.items():
        assert client.get(url).status_code == 404, name


def test_another_provider_gets_404_for_foreign_records(records, client_for):
    client = client_for("provider_b")
    for name in (
        "case",
        "expense",
        "expense_new",
        "xlsx",
        "attachment",
        "approval",
        "approval_new",
        "claim",
        "pdf",
        "claim_xlsx",
    ):
        assert client.get(records[name]).status_code == 404, name
    assert client.get(records["list"]).status_code == 200
    assert "CLM-2025-00001" not in client.get(records["list"]).content.decode()


def test_the_provider_and_insurer_open_everything_they_need(records, client_for):
    provider, insurer = client_for("provider"), client_for("insurer")
    for name in (
        "case",
        "expense",
        "expense_new",
        "xlsx",
        "attachment",
        "approval",
        "approval_new",
        "claim",
        "pdf",
        "claim_xlsx",
        "list",
        "approvals",
    ):
        assert provider.get(records[name]).status_code == 200, name
    for name in (
        "case",
        "expense",
        "xlsx",
        "attachment",
        "approval",
        "claim",
        "pdf",
        "claim_xlsx",
        "list",
        "approvals",
        "queue",
    ):
        assert insurer.get(records[name]).status_code == 200, name


def test_insurer_cannot_record_expenses_or_ask_for_approval(records, client_for):
    insurer = client_for("insurer")
    assert insurer.get(records["expense_new"]).status_code == 403
    assert insurer.get(records["approval_new"]).status_code == 403


def test_provider_does_not_see_the_insurer_queue(records, client_for):
    assert client_for("provider").get(records["queue"]).status_code == 403


def test_viewer_reads_but_cannot_write(records, client_for, world, incident):
    viewer = client_for("provider_viewer")
    assert viewer.get(records["case"]).status_code == 200
    assert viewer.get(records["expense_new"]).status_code == 403
    assert viewer.get(records["attachment"]).status_code == 403
    html = viewer.get(records["case"]).content.decode()
    assert records["expense_new"] not in html


def test_agency_reads_claim_summaries_only(records, client_for):
    agency = client_for("agency")
    assert agency.get(records["list"]).status_code == 200
    assert agency.get(records["claim"]).status_code == 200
    for name in ("case", "expense", "attachment", "pdf", "claim_xlsx"):
        assert agency.get(records[name]).status_code in (403, 404), name
    assert agency.get(records["approval"]).status_code == 403
