"""The claims lists read a fixed number of queries whatever the number of rows (issue 9 point 5): the claims list,
the insurer's queue, the approvals list, a case's expenses tab, and the API lists of claims, approvals and
expenses."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sonae.claims.services import approval_decide, approval_request, claim_create, claim_transition
from tests.querycount import assert_no_query_per_row, reads

from .conftest import PDF_BYTES


@pytest.fixture
def submitted_claim(world, report, add_expense):
    """``submitted_claim(n) -> Claim``: a claim on a new case of the provider (odd ``n``: of provider B) with an
    expense carrying a receipt, submitted to the insurer."""

    def make(n: int):
        who = "provider_b" if n % 2 else "provider"
        incident = report(who, title=f"請求の案件{n}")
        add_expense(
            "investigation", 1_000_000 + n, case=incident, who=who, receipt=(f"receipt{n}.pdf", PDF_BYTES)
        )
        claim = claim_create(actor=world.actor(who), incident=incident)
        return claim_transition(actor=world.actor(who), claim=claim, to_status="submitted")

    return make


@pytest.fixture
def approval(world, report):
    """``approval(n) -> PriorApproval``: a request on a new case (odd ``n``: provider B's); every third one decided."""

    def make(n: int):
        who = "provider_b" if n % 2 else "provider"
        incident = report(who, title=f"承認の案件{n}")
        requested = approval_request(
            actor=world.actor(who),
            incident=incident,
            item="litigation",
            amount=2_000_000 + n,
            reason=f"弁護士への依頼{n}",
            quotes=[(f"quote{n}.pdf", PDF_BYTES)],
        )
        if n % 3 == 2:
            return approval_decide(actor=world.actor("insurer"), approval=requested, decision="approve")
        return requested

    return make


@pytest.mark.parametrize("who", ["provider", "insurer", "agency"])
def test_claims_list_reads_a_fixed_number_of_queries(world, submitted_claim, client_for, who):
    client = client_for(who)
    client.get(reverse("claims:list"))
    first = [submitted_claim(n) for n in range(0, 6)]
    few = reads(client, reverse("claims:list"))
    more = [submitted_claim(n) for n in range(6, 16)]
    many = reads(client, reverse("claims:list"))
    shown = [
        c
        for c in first + more
        if who != "provider" or c.incident.provider_id == world.provider.organisation_id
    ]
    assert len(shown) >= 8 and many.shows(*(c.number for c in shown))
    assert few.shows(*(c.number for c in shown if c in first))
    assert_no_query_per_row(few, many)


def test_insurer_queue_reads_a_fixed_number_of_queries(world, submitted_claim, approval, client_for):
    client = client_for("insurer")
    client.get(reverse("claims:queue"))
    first = [submitted_claim(n) for n in range(3)] + [approval(n) for n in range(2)]
    few = reads(client, reverse("claims:queue"))
    more = [submitted_claim(n) for n in range(3, 8)] + [approval(n) for n in (3, 4, 6, 7)]
    many = reads(client, reverse("claims:queue"))
    assert few.shows(*(x.number for x in first)) and many.shows(*(x.number for x in first + more))
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("who", ["provider", "insurer"])
def test_approvals_list_reads_a_fixed_number_of_queries(world, approval, client_for, who):
    client = client_for(who)
    client.get(reverse("claims:approvals"))
    first = [approval(n) for n in range(0, 6)]
    few = reads(client, reverse("claims:approvals"))
    more = [approval(n) for n in range(6, 16)]
    many = reads(client, reverse("claims:approvals"))
    shown = [
        a
        for a in first + more
        if who != "provider" or a.incident.provider_id == world.provider.organisation_id
    ]
    assert len(shown) >= 8 and many.shows(*(a.number for a in shown))
    assert few.shows(*(a.number for a in shown if a in first))
    assert_no_query_per_row(few, many)


def _case_expenses(world, incident, add_expense, start: int, end: int) -> list[str]:
    """Expenses with receipts on ``incident``; some linked to a task, one claimed (a draft claim)."""
    tasks = list(incident.tasks.order_by("pk"))
    payees = []
    for n in range(start, end):
        payee = f"支払先{n}"
        add_expense(
            "investigation",
            100_000 + n,
            case=incident,
            payee=payee,
            task=tasks[n % len(tasks)] if n % 2 else None,
            receipt=(f"receipt{n}.pdf", PDF_BYTES),
        )
        payees.append(payee)
    return payees


@pytest.mark.parametrize("who", ["provider", "insurer"])
def test_case_expenses_tab_reads_a_fixed_number_of_queries(world, incident, add_expense, client_for, who):
    url = reverse("claims:expenses", args=[incident.reference])
    client = client_for(who)
    client.get(url)
    first = _case_expenses(world, incident, add_expense, 0, 3)
    claim_create(actor=world.actor("provider"), incident=incident)  # the first ones claimed (a draft)
    approval_request(
        actor=world.actor("provider"), incident=incident, item="litigation", amount=1_000_000, reason="訴訟"
    )
    few = reads(client, url)
    more = _case_expenses(world, incident, add_expense, 3, 8)
    approval_request(
        actor=world.actor("provider"), incident=incident, item="litigation", amount=2_000_000, reason="控訴"
    )
    many = reads(client, url)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


# --- the API --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["provider", "insurer", "agency"])
def test_api_claims_list_reads_a_fixed_number_of_queries(world, submitted_claim, token_for, who):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for(who)}"}
    client.get("/api/v1/claims", **auth)
    first = [submitted_claim(n) for n in range(0, 6)]
    few = reads(client, "/api/v1/claims", **auth)
    more = [submitted_claim(n) for n in range(6, 16)]
    many = reads(client, "/api/v1/claims", **auth)
    shown = [
        c
        for c in first + more
        if who != "provider" or c.incident.provider_id == world.provider.organisation_id
    ]
    assert len(shown) >= 8 and many.shows(*(c.number for c in shown))
    assert_no_query_per_row(few, many)


def test_api_insurer_queue_reads_a_fixed_number_of_queries(world, submitted_claim, approval, token_for):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for('insurer')}"}
    client.get("/api/v1/insurer/queue", **auth)
    first = [submitted_claim(n) for n in range(3)] + [approval(n) for n in range(2)]
    few = reads(client, "/api/v1/insurer/queue", **auth)
    more = [submitted_claim(n) for n in range(3, 8)] + [approval(n) for n in (3, 4, 6, 7)]
    many = reads(client, "/api/v1/insurer/queue", **auth)
    assert few.shows(*(x.number for x in first)) and many.shows(*(x.number for x in first + more))
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("who", ["provider", "insurer"])
def test_api_approvals_list_reads_a_fixed_number_of_queries(world, approval, token_for, who):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for(who)}"}
    client.get("/api/v1/approvals", **auth)
    first = [approval(n) for n in range(0, 6)]
    few = reads(client, "/api/v1/approvals", **auth)
    more = [approval(n) for n in range(6, 16)]
    many = reads(client, "/api/v1/approvals", **auth)
    shown = [
        a
        for a in first + more
        if who != "provider" or a.incident.provider_id == world.provider.organisation_id
    ]
    assert len(shown) >= 8 and many.shows(*(a.number for a in shown))
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("scope", ["all", "case"])
@pytest.mark.parametrize("who", ["provider", "insurer"])
def test_api_expenses_list_reads_a_fixed_number_of_queries(
    world, incident, report, add_expense, token_for, who, scope
):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for(who)}"}
    path = "/api/v1/expenses" + (f"?incident={incident.reference}" if scope == "case" else "")
    client.get(path, **auth)
    first = _case_expenses(world, incident, add_expense, 0, 3)
    claim_create(actor=world.actor("provider"), incident=incident)
    few = reads(client, path, **auth)
    more = _case_expenses(world, incident, add_expense, 3, 8)
    if scope == "all":  # expenses of other cases too
        other = report(title="別の案件")
        more += _case_expenses(world, other, add_expense, 8, 11)
    many = reads(client, path, **auth)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)
