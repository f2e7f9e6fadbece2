"""Applications by payment status, as the lists filter them (in the database): the same answer as
``Application.payment_status`` for each application — unpaid, partly paid, paid (in one deposit or two),
over-paid (settled or not) — and the agency's list of applications still waiting for money."""

from __future__ import annotations

import pytest

from sonae.enrolment import selectors
from sonae.enrolment.models import Application, Deposit
from sonae.enrolment.services import (
    application_accept,
    application_resolve_overpayment,
    deposit_import,
    deposit_match,
    deposit_unmatch,
)
from tests.factories import enrol_totp

from .conftest import jst
from .helpers import deposit_csv, drafted, submitted
from .test_api import bearer

pytestmark = pytest.mark.django_db
AT = jst(2025, 9, 11, 10)


def _pay(agency_actor, application: Application, amount: int) -> Deposit:
    """A deposit of ``amount`` yen matched to ``application`` by hand (a difference confirmed, with a note)."""
    deposit_import(
        actor=agency_actor,
        file_name=f"bank-{Deposit.objects.count()}.csv",
        data=deposit_csv(("2025-09-10", f"ﾃｽﾄ{Deposit.objects.count()}", amount)),
        at=AT,
    )
    deposit = Deposit.objects.filter(status=Deposit.Status.UNMATCHED).latest("pk")
    return deposit_match(
        actor=agency_actor,
        deposit=deposit,
        application=application,
        accept_difference=True,
        note="テスト入金",
        at=AT,
    )


@pytest.fixture
def states(year_2025, sakura, sakura_actor, sakura_entry, agency_actor) -> dict[str, Application]:
    """One application of the provider in each payment state, by name."""

    def new() -> Application:
        return submitted(sakura_actor, sakura, year_2025)

    made = {name: new() for name in ("unpaid", "partial", "paid", "paid_twice", "overpaid", "settled")}
    made |= {"accepted_unpaid": new(), "insured": new(), "unmatched": new()}
    made["draft"] = drafted(sakura_actor, sakura, year_2025)
    premium = made["unpaid"].premium
    _pay(agency_actor, made["partial"], premium - 12_320)
    _pay(agency_actor, made["paid"], premium)
    _pay(agency_actor, made["paid_twice"], premium - 10_000)
    _pay(agency_actor, made["paid_twice"], 10_000)
    _pay(agency_actor, made["overpaid"], premium + 7_680)
    _pay(agency_actor, made["settled"], premium + 7_680)
    application_resolve_overpayment(actor=agency_actor, application=made["settled"], note="差額を返金")
    for name in ("accepted_unpaid", "insured"):
        application_accept(actor=agency_actor, application=made[name], at=AT)
    _pay(agency_actor, made["insured"], premium)  # accepted and paid: the policy is issued
    deposit_unmatch(actor=agency_actor, deposit=_pay(agency_actor, made["unmatched"], premium), reason="誤り")
    return {name: Application.objects.get(pk=a.pk) for name, a in made.items()}


EXPECTED = {
    "unpaid": {"unpaid", "accepted_unpaid", "unmatched", "draft"},
    "partial": {"partial"},
    "paid": {"paid", "paid_twice", "insured"},
    "overpaid": {"overpaid", "settled"},
}


def _names(states: dict[str, Application], applications) -> set[str]:
    by_pk = {a.pk: name for name, a in states.items()}
    return {by_pk[a.pk] for a in applications}


def test_the_states_are_what_the_model_says(states):
    assert {name: a.payment_status for name, a in states.items()} == {
        name: status for status, names in EXPECTED.items() for name in names
    }
    assert hasattr(states["insured"], "policy") and not hasattr(states["paid"], "policy")


@pytest.mark.parametrize("payment", ["unpaid", "partial", "paid", "overpaid"])
def test_the_payment_filter_selects_the_applications_in_that_state(states, agency_actor, payment):
    found = selectors.applications_by_payment(selectors.applications_for(agency_actor), payment)
    assert _names(states, found) == EXPECTED[payment]
    assert {a.payment_status for a in found} == {payment}  # the database agrees with the property


def test_no_payment_filter_keeps_every_application_and_an_unknown_one_keeps_none(states, agency_actor):
    applications = selectors.applications_for(agency_actor)
    assert _names(states, selectors.applications_by_payment(applications, "")) == set(states)
    assert list(selectors.applications_by_payment(applications, "refunded")) == []


def test_the_payment_filter_stays_in_the_providers_scope(states, aoba_actor, sakura_actor):
    assert list(selectors.applications_by_payment(selectors.applications_for(aoba_actor), "paid")) == []
    own = selectors.applications_by_payment(selectors.applications_for(sakura_actor), "partial")
    assert _names(states, own) == {"partial"}


def test_the_unpaid_list_holds_the_submitted_or_accepted_applications_still_waiting_for_money(
    states, agency_actor
):
    unpaid = selectors.unpaid_applications(agency_actor)
    # Not the draft, not the paid ones, not the over-payment already settled.
    assert _names(states, unpaid) == {"unpaid", "accepted_unpaid", "unmatched", "partial", "overpaid"}
    assert [a.pk for a in unpaid] == sorted((a.pk for a in unpaid), reverse=True)  # newest first, as before


def test_the_unpaid_list_stays_in_the_actors_scope(states, aoba_actor, foundation_actor):
    assert list(selectors.unpaid_applications(aoba_actor)) == []
    assert list(selectors.unpaid_applications(foundation_actor)) == []


def test_the_application_page_filters_by_payment_status(client, states, agency_actor):
    enrol_totp(agency_actor.user)
    client.force_login(agency_actor.user)
    response = client.get("/enrolment/applications/?payment=overpaid")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 2 and _names(states, page.object_list) == {"overpaid", "settled"}
    text = response.content.decode()
    assert states["overpaid"].number in text and states["paid"].number not in text
    everything = client.get("/enrolment/applications/").context["page"]
    assert everything.paginator.count == len(states)


def test_the_api_filters_applications_by_payment_status(client, states, agency):
    response = client.get("/api/v1/enrolment/applications?payment=paid", headers=bearer(agency))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert {i["number"] for i in body["items"]} == {states[n].number for n in EXPECTED["paid"]}
    assert {(i["payment_status"], i["paid_total"]) for i in body["items"]} == {
        ("paid", states["paid"].premium)
    }


def test_the_api_pages_the_unpaid_list(client, states, agency):
    first = client.get("/api/v1/enrolment/unpaid-applications?limit=2", headers=bearer(agency)).json()
    rest = client.get("/api/v1/enrolment/unpaid-applications?limit=2&offset=2", headers=bearer(agency)).json()
    last = client.get("/api/v1/enrolment/unpaid-applications?limit=2&offset=4", headers=bearer(agency)).json()
    assert (first["count"], len(first["items"]), first["next_offset"]) == (5, 2, 2)
    assert (len(last["items"]), last["next_offset"]) == (1, None)
    numbers = [i["number"] for page in (first, rest, last) for i in page["items"]]
    assert sorted(numbers) == sorted(
        states[n].number for n in ("unpaid", "accepted_unpaid", "unmatched", "partial", "overpaid")
    )


def test_the_payments_page_lists_the_applications_waiting_for_money(client, states, agency_actor):
    enrol_totp(agency_actor.user)
    client.force_login(agency_actor.user)
    response = client.get("/enrolment/payments/")
    assert response.status_code == 200
    assert _names(states, response.context["unpaid"]) == {
        "unpaid",
        "accepted_unpaid",
        "unmatched",
        "partial",
        "overpaid",
    }
    assert "入金待ちの加入依頼（5件）" in response.content.decode()
