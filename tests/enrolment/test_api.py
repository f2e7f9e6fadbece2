import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, User
from sonae.core.services import api_token_create

from .conftest import QUOTE_INPUT, jst, member
from .helpers import COMPLETE_FORM, quoted

pytestmark = pytest.mark.django_db


def bearer(org, role="staff") -> dict:
    user, _ = User.objects.get_or_create(email=f"api-admin@{org.code}.example.jp")
    membership, _ = Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": "admin"})
    admin = Actor.from_membership(membership)
    _, secret = api_token_create(actor=admin, name="連携", role=role)
    return {"Authorization": f"Bearer {secret}"}


QUOTE_BODY = {"programme_year": "2025", **{k: v for k, v in QUOTE_INPUT.items()}}


@pytest.fixture
def in_time(time_machine):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)


def test_provider_creates_a_quote_and_reads_it(client, in_time, year_2025, sakura, sakura_entry):
    headers = bearer(sakura)
    response = client.post(
        "/api/v1/enrolment/quotes", QUOTE_BODY, content_type="application/json", headers=headers
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["premiums"]["A"]["premium"] == 112_320
    assert body["valid_until"] == "2025-09-16"
    assert (
        client.get(f"/api/v1/enrolment/quotes/{body['id']}", headers=headers).json()["number"]
        == body["number"]
    )


def test_a_business_not_on_the_roster_gets_409_with_the_reason(client, in_time, year_2025, outsider):
    response = client.post(
        "/api/v1/enrolment/quotes", QUOTE_BODY, content_type="application/json", headers=bearer(outsider)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_eligible"
    assert "名簿" in response.json()["message"]


def test_another_organisations_quote_is_404(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry, aoba
):
    quote = quoted(sakura_actor, sakura, year_2025)
    response = client.get(f"/api/v1/enrolment/quotes/{quote.pk}", headers=bearer(aoba))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/enrolment/quotes", headers=bearer(aoba)).json()["items"] == []


def test_a_viewer_token_cannot_create_a_quote(client, in_time, year_2025, sakura, sakura_entry):
    response = client.post(
        "/api/v1/enrolment/quotes",
        QUOTE_BODY,
        content_type="application/json",
        headers=bearer(sakura, role="viewer"),
    )
    assert response.status_code == 403


def test_a_provider_cannot_quote_for_another_organisation(
    client, in_time, year_2025, sakura, sakura_entry, aoba
):
    body = {**QUOTE_BODY, "organisation_id": sakura.pk}
    response = client.post(
        "/api/v1/enrolment/quotes", body, content_type="application/json", headers=bearer(aoba)
    )
    assert response.status_code == 404


def test_application_create_fill_submit(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry, time_machine
):
    headers = bearer(sakura)
    quote = quoted(sakura_actor, sakura, year_2025)
    created = client.post(
        "/api/v1/enrolment/applications",
        {"quote_id": quote.pk, "plan": "A"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    app_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/enrolment/applications/{app_id}",
        COMPLETE_FORM,
        content_type="application/json",
        headers=headers,
    )
    assert patched.json()["consent"] is True
    time_machine.move_to(jst(2025, 9, 17, 9), tick=False)
    late = client.post(f"/api/v1/enrolment/applications/{app_id}/submit", headers=headers)
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"
    time_machine.move_to(jst(2025, 9, 10, 9), tick=False)
    ok = client.post(f"/api/v1/enrolment/applications/{app_id}/submit", headers=headers)
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"


def test_another_organisations_application_is_404(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry, aoba
):
    quote = quoted(sakura_actor, sakura, year_2025)
    response = client.post(
        "/api/v1/enrolment/applications",
        {"quote_id": quote.pk, "plan": "A"},
        content_type="application/json",
        headers=bearer(aoba),
    )
    assert response.status_code == 404


def test_policies_are_read_with_limits(
    client, year_2025, sakura, sakura_actor, agency_actor, sakura_entry, aoba
):
    from sonae.enrolment.services import application_accept, deposit_import

    from .helpers import deposit_csv, submitted

    application = submitted(sakura_actor, sakura, year_2025)
    application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
    deposit_import(
        actor=agency_actor,
        file_name="b.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=jst(2025, 9, 11),
    )
    (policy,) = client.get("/api/v1/enrolment/policies", headers=bearer(sakura)).json()["items"]
    assert policy["liability_limit"] == 100_000_000
    assert policy["cover_start"].startswith("2025-10-01T")
    assert client.get(f"/api/v1/enrolment/policies/{policy['id']}", headers=bearer(aoba)).status_code == 404


def test_foundation_reads_no_quotes(client, year_2025, foundation_org):
    assert client.get("/api/v1/enrolment/quotes", headers=bearer(foundation_org)).json()["items"] == []


def test_agency_quotes_on_behalf(client, in_time, year_2025, sakura, sakura_entry, agency):
    member(agency)
    body = {**QUOTE_BODY, "organisation_id": sakura.pk}
    response = client.post(
        "/api/v1/enrolment/quotes", body, content_type="application/json", headers=bearer(agency)
    )
    assert response.status_code == 201
    assert response.json()["organisation_id"] == sakura.pk
