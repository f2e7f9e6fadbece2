"""Rights-requests API: create, the fee rule, scoping, and the hospital's forwarded list."""

from __future__ import annotations

import pytest

from tests.incidents.conftest import token_for  # noqa: F401  (shared fixture)


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


BODY = {"kind": "suspension", "channel": "letter", "received_on": "2026-03-11", "asked": "消去してください"}


def test_the_provider_records_a_request(world, own_case, token_for, client):  # noqa: F811
    response = client.post(
        f"/api/v1/incidents/{own_case.reference}/rights-requests",
        BODY,
        content_type="application/json",
        headers=_auth(token_for("provider")),
    )
    assert response.status_code == 201, response.content
    assert response.json()["target_on"] == "2026-03-25"


def test_a_fee_for_a_suspension_request_is_refused(world, own_case, token_for, client):  # noqa: F811
    response = client.post(
        f"/api/v1/incidents/{own_case.reference}/rights-requests",
        {**BODY, "fee_yen": 300},
        content_type="application/json",
        headers=_auth(token_for("provider")),
    )
    assert response.status_code == 400
    assert response.json()["field"] == "fee_yen"


@pytest.mark.parametrize("who", ["provider_b", "agency", "hospital"])
def test_other_organisations_get_404(world, own_case, token_for, client, who):  # noqa: F811
    response = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-requests", headers=_auth(token_for(who))
    )
    assert response.status_code == 404


def test_the_hospital_lists_forwarded_requests(world, entrusted_case, token_for, client):  # noqa: F811
    client.post(
        f"/api/v1/incidents/{entrusted_case.reference}/rights-requests",
        BODY,
        content_type="application/json",
        headers=_auth(token_for("provider")),
    )
    response = client.get("/api/v1/rights/forwarded", headers=_auth(token_for("hospital")))
    assert [r["status"] for r in response.json()["items"]] == ["forwarded"]


def test_the_hospital_decides_a_forwarded_request_by_api(world, entrusted_case, token_for, client):  # noqa: F811
    client.post(
        f"/api/v1/incidents/{entrusted_case.reference}/rights-requests",
        BODY,
        content_type="application/json",
        headers=_auth(token_for("provider")),
    )
    hospital = _auth(token_for("hospital"))
    pk = client.get("/api/v1/rights/forwarded", headers=hospital).json()["items"][0]["id"]
    denied = client.post(
        f"/api/v1/rights/forwarded/{pk}/decide",
        {"decision": "comply"},
        content_type="application/json",
        headers=_auth(token_for("provider", "admin")),
    )
    assert denied.status_code in (403, 404)
    response = client.post(
        f"/api/v1/rights/forwarded/{pk}/decide",
        {"decision": "comply"},
        content_type="application/json",
        headers=hospital,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "decided" and response.json()["decision"] == "comply"
