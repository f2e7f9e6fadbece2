"""Claims API: the same services and scoping as the pages, with the shared error envelope."""

import pytest

from sonae.claims.models import Claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, token_for):
    """``api("provider").get(path)`` / ``.post(path, json)``: calls with that organisation's API token."""

    class Caller:
        def __init__(self, who):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(who)}"}

        def get(self, path):
            return client.get(f"/api/v1{path}", **self.headers)

        def post(self, path, body=None):
            return client.post(f"/api/v1{path}", body or {}, content_type="application/json", **self.headers)

        def patch(self, path, body):
            return client.patch(f"/api/v1{path}", body, content_type="application/json", **self.headers)

        def delete(self, path):
            return client.delete(f"/api/v1{path}", **self.headers)

    return Caller


def _expense_body(incident, **overrides):
    body = {
        "incident": incident.reference,
        "spent_on": "2025-11-20",
        "amount": 3_500_000,
        "payee": "東京デジタルフォレンジック株式会社",
        "item": "investigation",
    }
    body.update(overrides)
    return body


def test_provider_records_claims_and_the_insurer_decides_over_the_api(world, incident, api):
    provider, insurer = api("provider"), api("insurer")
    created = provider.post("/expenses", _expense_body(incident))
    assert created.status_code == 201, created.content
    assert created.json()["part"] == "costs" and created.json()["editable"] is True
    approval = provider.post(
        "/approvals",
        {
            "incident": incident.reference,
            "item": "litigation",
            "amount": 1_000_000,
            "reason": "損害賠償請求への対応",
        },
    )
    assert approval.status_code == 201 and approval.json()["kind"] == "prior_approval"
    decided = insurer.post(f"/approvals/{approval.json()['id']}/decision", {"decision": "approve"})
    assert decided.json()["status"] == "approved"
    provider.post(
        "/expenses",
        _expense_body(
            incident,
            item="litigation",
            amount=1_000_000,
            payee="桜橋法律事務所",
            approval_id=approval.json()["id"],
        ),
    )
    claim = provider.post("/claims", {"incident": incident.reference})
    assert claim.status_code == 201
    number = claim.json()["number"]
    assert claim.json()["amount_calculated"] == 3_400_000 + 1_000_000
    assert claim.json()["calculation"]["output"]["total_payable"] == 4_400_000
    assert (
        provider.post(f"/claims/{number}/transition", {"to_status": "submitted"}).json()["status"]
        == "submitted"
    )
    insurer.post(f"/claims/{number}/transition", {"to_status": "under_review"})
    approved = insurer.post(f"/claims/{number}/transition", {"to_status": "approved"})
    assert approved.json()["amount_approved"] == 4_400_000
    paid = insurer.post(f"/claims/{number}/payment", {"paid_on": "2025-12-01"})
    assert paid.json()["status"] == "paid" and paid.json()["amount_paid"] == 4_400_000
    assert [e["to_status"] for e in paid.json()["events"]][-1] == "paid"


def test_bad_amount_is_a_422_and_a_business_rule_a_400_with_the_field(world, incident, api):
    provider = api("provider")
    assert provider.post("/expenses", _expense_body(incident, amount=-1)).status_code == 422
    response = provider.post("/expenses", _expense_body(incident, spent_on="2025-11-01"))
    assert response.status_code == 400
    assert response.json()["field"] == "spent_on" and "発覚日" in response.json()["message"]


def test_illegal_transition_is_409(world, incident, api):
    provider = api("provider")
    provider.post("/expenses", _expense_body(incident))
    number = provider.post("/claims", {"incident": incident.reference}).json()["number"]
    response = api("insurer").post(f"/claims/{number}/transition", {"to_status": "approved"})
    assert response.status_code == 404  # a draft is not the insurer's to see
    response = provider.post(f"/claims/{number}/transition", {"to_status": "resubmitted"})
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


def test_editing_a_claimed_expense_over_the_api_is_refused(world, incident, api):
    provider = api("provider")
    expense_id = provider.post("/expenses", _expense_body(incident)).json()["id"]
    number = provider.post("/claims", {"incident": incident.reference}).json()["number"]
    assert provider.patch(f"/expenses/{expense_id}", {"amount": 10}).status_code == 200
    provider.post(f"/claims/{number}/transition", {"to_status": "submitted"})
    response = provider.patch(f"/expenses/{expense_id}", {"amount": 5})
    assert response.status_code == 400 and response.json()["code"] == "expense_claimed"
    assert provider.delete(f"/expenses/{expense_id}").status_code == 400


def test_receipt_upload_over_the_api(world, incident, api, client, token_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import PDF_BYTES

    expense_id = api("provider").post("/expenses", _expense_body(incident)).json()["id"]
    response = client.post(
        f"/api/v1/expenses/{expense_id}/attachments",
        {"file": SimpleUploadedFile("receipt.pdf", PDF_BYTES)},
        HTTP_AUTHORIZATION=f"Bearer {token_for('provider', 'admin')}",
    )
    assert response.status_code == 201 and response.json()["name"] == "receipt.pdf"


def test_agency_reads_summaries_only(world, incident, api):
    provider = api("provider")
    provider.post("/expenses", _expense_body(incident))
    number = provider.post("/claims", {"incident": incident.reference}).json()["number"]
    provider.post(f"/claims/{number}/transition", {"to_status": "submitted"})
    agency = api("agency")
    assert [c["number"] for c in agency.get("/claims").json()["items"]] == [number]
    detail = agency.get(f"/claims/{number}").json()
    assert detail["lines"] is None and detail["calculation"] is None
    assert agency.get("/expenses").status_code == 404
    assert agency.get("/approvals").status_code == 404
    assert agency.post(f"/claims/{number}/transition", {"to_status": "under_review"}).status_code == 403
    assert Claim.objects.get().status == "submitted"


@pytest.mark.parametrize("who", ["desk", "hospital", "foundation"])
def test_organisations_outside_claims_get_404_everywhere(world, incident, api, who):
    provider = api("provider")
    expense_id = provider.post("/expenses", _expense_body(incident)).json()["id"]
    number = provider.post("/claims", {"incident": incident.reference}).json()["number"]
    provider.post(f"/claims/{number}/transition", {"to_status": "submitted"})
    caller = api(who)
    for path in ("/expenses", f"/expenses/{expense_id}", "/approvals", "/claims", f"/claims/{number}"):
        assert caller.get(path).status_code == 404, path
    assert caller.post("/expenses", _expense_body(incident)).status_code == 404


def test_other_provider_gets_404_for_foreign_records(world, incident, api):
    provider = api("provider")
    expense_id = provider.post("/expenses", _expense_body(incident)).json()["id"]
    number = provider.post("/claims", {"incident": incident.reference}).json()["number"]
    other = api("provider_b")
    assert other.get(f"/expenses/{expense_id}").status_code == 404
    assert other.get(f"/claims/{number}").status_code == 404
    assert other.get(f"/expenses?incident={incident.reference}").status_code == 404
    assert other.post("/expenses", _expense_body(incident)).status_code == 404
    assert other.get("/claims").json()["items"] == []
