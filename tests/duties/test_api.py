"""API: GET/POST /api/v1/incidents/{reference}/duties and GET …/duties/versions, scoped like the pages."""

from __future__ import annotations

import json

import pytest

from tests.duties.conftest import LOST_BAG

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(world):
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}duties-{name}-{role}-secret"
        if ApiToken.objects.filter(token_hash=hash_token(secret)).exists():
            return secret
        ApiToken.objects.create(
            organisation=getattr(world, name).organisation,
            name=f"{name} token",
            prefix=secret[6:14],
            token_hash=hash_token(secret),
            role=role,
        )
        return secret

    return make


@pytest.fixture
def api(client, token_for):
    def call(method: str, path: str, who: str = "provider", body=None, role: str = "staff"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(who, role)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", **headers)
        return client.post(
            f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


def test_a_case_without_assessment_has_no_latest(incident, api):
    response = api("get", f"/incidents/{incident.reference}/duties")
    assert response.status_code == 200
    assert response.json() == {"reference": incident.reference, "latest": None, "items": []}


def test_posting_facts_makes_a_version_and_lists_the_duties(incident, api):
    response = api("post", f"/incidents/{incident.reference}/duties", body=dict(LOST_BAG))
    assert response.status_code == 201
    body = response.json()
    assert body["latest"]["version"] == 1
    assert body["latest"]["result"]["appi"]["entrusting_party_notice_target"] == "2026-03-14"
    items = {item["kind"]: item for item in body["items"]}
    assert items["ppc_final"]["due_date"] == "2026-04-08"
    assert items["ppc_final"]["due_type"] == "deadline"
    assert {"code": "Sonae reading R1", "label": "Sonae解釈R1", "anchor": "r1"} in items["ppc_final"]["basis"]
    assert items["entrusting_party_notice"]["task_id"] is not None


def test_omitted_facts_keep_the_latest_values(incident, api):
    api("post", f"/incidents/{incident.reference}/duties", body=dict(LOST_BAG))
    response = api(
        "post",
        f"/incidents/{incident.reference}/duties",
        body={"entrusting_party_notified_at": "2026-03-11T09:00:00+09:00", "note": "病院へ電話と文書で通知"},
    )
    assert response.status_code == 201
    latest = response.json()["latest"]
    assert latest["version"] == 2
    assert latest["facts"]["persons"] == 30
    assert latest["note"] == "病院へ電話と文書で通知"
    assert latest["result"]["appi"]["reporting_mode"] == "via_entrusting_party"


def test_posting_the_same_facts_answers_200_without_a_version(incident, api):
    api("post", f"/incidents/{incident.reference}/duties", body=dict(LOST_BAG))
    response = api("post", f"/incidents/{incident.reference}/duties", body={})
    assert response.status_code == 200
    assert response.json()["latest"]["version"] == 1


def test_invalid_facts_answer_400_in_japanese(incident, api):
    response = api(
        "post", f"/incidents/{incident.reference}/duties", body={**LOST_BAG, "cause": "earthquake"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["field"] == "cause"
    assert "loss（紛失" in body["message"]


def test_an_unknown_hospital_code_answers_400(incident, api):
    response = api(
        "post",
        f"/incidents/{incident.reference}/duties",
        body={**LOST_BAG, "entrusting_hospital_code": "nowhere"},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "entrusting_hospital_code"


def test_versions_newest_first(incident, api):
    api("post", f"/incidents/{incident.reference}/duties", body=dict(LOST_BAG))
    api("post", f"/incidents/{incident.reference}/duties", body={"persons": 31})
    response = api("get", f"/incidents/{incident.reference}/duties/versions")
    assert response.status_code == 200
    assert [(v["version"], v["status"]) for v in response.json()["items"]] == [
        (2, "current"),
        (1, "superseded"),
    ]


@pytest.mark.parametrize("who", ["provider_b", "hospital", "foundation"])
def test_other_organisations_get_404(incident, assess_case, api, who):
    assess_case(incident)
    for method, path in (
        ("get", "/duties"),
        ("post", "/duties"),
        ("get", "/duties/versions"),
    ):
        response = api(method, f"/incidents/{incident.reference}{path}", who=who, body=dict(LOST_BAG))
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["agency", "insurer"])
def test_agency_and_insurer_get_a_summary_without_facts(incident, assess_case, api, who):
    assess_case(incident)
    response = api("get", f"/incidents/{incident.reference}/duties", who=who)
    assert response.status_code == 200
    assert response.json()["latest"]["facts"] is None
    assert response.json()["latest"]["result"]["appi"]["reportable_situation"] is True
    assert api("get", f"/incidents/{incident.reference}/duties/versions", who=who).status_code == 403
    assert api("post", f"/incidents/{incident.reference}/duties", who=who, body={}).status_code == 403


def test_a_viewer_token_reads_but_cannot_assess(incident, assess_case, api):
    assess_case(incident)
    assert api("get", f"/incidents/{incident.reference}/duties/versions", role="viewer").status_code == 200
    response = api("post", f"/incidents/{incident.reference}/duties", role="viewer", body={"persons": 31})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_routes_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/incidents/{reference}/duties" in schema["paths"]
    assert "/api/v1/incidents/{reference}/duties/versions" in schema["paths"]
