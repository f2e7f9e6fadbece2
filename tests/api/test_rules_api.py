import json

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation, User
from sonae.core.services import api_token_create

pytestmark = pytest.mark.django_db

EXAMPLE_1 = {
    "discovered_at": "2025-10-06T10:00:00+09:00",
    "role": "controller",
    "data_items": ["name", "test_results"],
    "persons": 2,
    "cause": "misdelivery",
}


@pytest.fixture
def auth():
    org = Organisation.objects.create(kind="provider", name="プロバイダA", code="prov-a")
    user = User.objects.create_user(email="admin@prov-a.example.jp", password="x" * 12)
    membership = Membership.objects.create(user=user, organisation=org, role="admin")
    _, secret = api_token_create(actor=Actor.from_membership(membership), name="test")
    return {"Authorization": f"Bearer {secret}"}


def _post(client, path, body, headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", headers=headers)


def test_duties_assess_returns_the_contract_output(client, auth):
    response = _post(client, "/api/v1/duties/assess", EXAMPLE_1, auth)
    assert response.status_code == 200
    body = response.json()
    assert body["appi"]["preliminary_report_target"] == "2025-10-10"
    assert body["appi"]["final_report_due"] == "2025-11-04"
    assert body["appi"]["categories"] == ["sensitive"]


def test_duties_assess_accepts_an_array(client, auth):
    response = _post(client, "/api/v1/duties/assess", [EXAMPLE_1, EXAMPLE_1], auth)
    assert response.status_code == 200
    assert len(response.json()) == 2


def test_duties_assess_unknown_item_is_400_with_japanese_message(client, auth):
    response = _post(client, "/api/v1/duties/assess", {**EXAMPLE_1, "data_items": ["nope"]}, auth)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["field"] == "data_items"
    assert "test_results" in body["message"]


def test_duties_assess_invalid_json_is_400(client, auth):
    response = _post(client, "/api/v1/duties/assess", "{not json", auth)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_duties_assess_requires_authentication(client):
    response = _post(client, "/api/v1/duties/assess", EXAMPLE_1, {})
    assert response.status_code == 401


def test_claims_calculate_worked_example(client, auth):
    body = {
        "terms": {
            "costs": {
                "limit": 30000000,
                "deductible": 100000,
                "items": {"investigation": {"sublimit": 30000000, "pay_ratio": 1.0}},
            }
        },
        "expenses": [{"id": "E1", "part": "costs", "item": "investigation", "amount": 3500000}],
    }
    response = _post(client, "/api/v1/claims/calculate", body, auth)
    assert response.status_code == 200
    assert response.json()["total_payable"] == 3400000


def test_claims_calculate_pay_ratio_above_one_is_400(client, auth):
    body = {
        "terms": {"costs": {"limit": 1000, "items": {"call_center": {"pay_ratio": 1.5}}}},
        "expenses": [{"id": "E1", "part": "costs", "item": "call_center", "amount": 100}],
    }
    response = _post(client, "/api/v1/claims/calculate", body, auth)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_openapi_lists_data_items_as_enum(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/duties/assess"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    facts = body["oneOf"][0]
    assert "test_results" in facts["properties"]["data_items"]["items"]["enum"]
    assert "検査結果" in facts["properties"]["data_items"]["items"]["description"]
