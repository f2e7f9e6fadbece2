"""API: the provider declines a quote and withdraws an application, the agency reviews applications and cancels
policies — through the same services and scoping as the pages."""

from __future__ import annotations

import pytest

from sonae.enrolment.models import Application, Policy, Quote

from .conftest import jst
from .helpers import deposit_csv, quoted, submitted
from .test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_time(time_machine):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)


def _post(client, path, headers, body=None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json", headers=headers)


def test_provider_declines_its_quote_and_another_provider_cannot(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry, aoba
):
    quote = quoted(sakura_actor, sakura, year_2025)
    assert _post(client, f"/enrolment/quotes/{quote.pk}/decline", bearer(aoba)).status_code == 404
    response = _post(
        client, f"/enrolment/quotes/{quote.pk}/decline", bearer(sakura), {"reason": "他社で加入"}
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert Quote.objects.get(pk=quote.pk).status == "declined"


def test_agency_returns_then_accepts_an_application(
    client, year_2025, sakura, sakura_actor, sakura_entry, agency, time_machine
):
    time_machine.move_to(jst(2025, 9, 8, 10), tick=False)
    application = submitted(sakura_actor, sakura, year_2025)
    path = f"/enrolment/applications/{application.pk}/review"
    needs_reason = _post(client, path, bearer(agency), {"decision": "return"})
    assert needs_reason.status_code == 400 and needs_reason.json()["field"] == "reason"
    returned = _post(client, path, bearer(agency), {"decision": "return", "reason": "代表者名の記入漏れ"})
    assert returned.status_code == 200 and returned.json()["return_reason"] == "代表者名の記入漏れ"
    _post(client, f"/enrolment/applications/{application.pk}/submit", bearer(sakura))
    accepted = _post(client, path, bearer(agency), {"decision": "accept"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_a_provider_cannot_review_its_own_application(
    client, year_2025, sakura, sakura_actor, sakura_entry, time_machine
):
    time_machine.move_to(jst(2025, 9, 8, 10), tick=False)
    application = submitted(sakura_actor, sakura, year_2025)
    response = _post(
        client, f"/enrolment/applications/{application.pk}/review", bearer(sakura), {"decision": "accept"}
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_provider_withdraws_an_application(
    client, year_2025, sakura, sakura_actor, sakura_entry, aoba, time_machine
):
    time_machine.move_to(jst(2025, 9, 8, 10), tick=False)
    application = submitted(sakura_actor, sakura, year_2025)
    path = f"/enrolment/applications/{application.pk}/withdraw"
    assert _post(client, path, bearer(aoba)).status_code == 404
    response = _post(client, path, bearer(sakura), {"reason": "社内稟議が通らなかった"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_agency_cancels_a_policy(client, year_2025, sakura, sakura_actor, agency_actor, sakura_entry, agency):
    from sonae.enrolment.services import application_accept, deposit_import

    application = submitted(sakura_actor, sakura, year_2025)
    application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
    deposit_import(
        actor=agency_actor,
        file_name="b.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=jst(2025, 9, 11),
    )
    policy = Policy.objects.get(organisation=sakura)
    path = f"/enrolment/policies/{policy.pk}/cancel"
    body = {"effective_date": "2026-01-31", "reason": "廃業"}
    assert _post(client, path, bearer(sakura), body).status_code == 403
    response = _post(client, path, bearer(agency), body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled" and response.json()["cancel_effective_at"].startswith(
        "2026-01-31"
    )
