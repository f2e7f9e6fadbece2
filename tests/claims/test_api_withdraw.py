"""API: the provider withdraws a pending approval request; another provider and the insurer cannot."""

import pytest

from sonae.claims.models.approvals import PriorApproval

pytestmark = pytest.mark.django_db


def _headers(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token_for(token_for):
    """The shared fixture, once per organisation (a token's secret is unique)."""
    made = {}

    def get(who):
        if who not in made:
            made[who] = token_for(who)
        return made[who]

    return get


@pytest.fixture
def request_approval(world, incident, client, token_for):
    def make():
        response = client.post(
            "/api/v1/approvals",
            {
                "incident": incident.reference,
                "item": "litigation",
                "amount": 1_000_000,
                "reason": "賠償請求への対応",
            },
            content_type="application/json",
            **_headers(token_for("provider")),
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    return make


def test_provider_withdraws_a_pending_request_once(world, client, token_for, request_approval):
    approval_id = request_approval()
    path = f"/api/v1/approvals/{approval_id}/withdraw"
    token = token_for("provider")
    response = client.post(path, **_headers(token))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = client.post(path, **_headers(token))
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


@pytest.mark.parametrize(("who", "status"), [("provider_b", 404), ("insurer", 403)])
def test_others_cannot_withdraw(world, client, token_for, request_approval, who, status):
    approval_id = request_approval()
    response = client.post(f"/api/v1/approvals/{approval_id}/withdraw", **_headers(token_for(who)))
    assert response.status_code == status
    assert PriorApproval.objects.get(pk=approval_id).status == "requested"
