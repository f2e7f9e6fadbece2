import pytest
import time_machine

from sonae.incidents.models import Incident
from tests.incidents.conftest import jst

FRIDAY_EVENING = jst(2025, 9, 12, 18, 30)


def _post(client, token, body):
    return client.post(
        "/api/v1/incidents",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _get(client, token, path):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_provider_token_creates_an_incident_with_sla_and_first_actions(world, token_for, client):
    token = token_for("provider")
    body = {
        "symptoms": ["ransom_message", "data_encrypted"],
        "data_items": ["name", "test_results"],
        "persons_estimate": 5000,
        "data_owner": "entrusted",
        "entrusting_hospital_code": "minato",
    }
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        response = _post(client, token, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"] == "INC-2025-000001"
    assert data["channel"] == "api"
    assert data["handling_starts_at"] == "2025-09-16T09:00:00+09:00"
    assert data["first_response_due"] == "2025-09-16T10:00:00+09:00"
    assert data["category"] == "ransomware" and data["severity"] == 1
    assert any("身代金" in action for action in data["first_actions"])
    assert data["entrusting_party"] == "みなと総合病院"
    incident = Incident.objects.get(reference=data["reference"])
    assert incident.tasks.count() == 13
    assert incident.timeline.filter(kind="intake").exists()


def test_schema_violation_answers_422_in_the_envelope(world, token_for, client):
    response = _post(client, token_for("provider"), {"symptoms": ["alien_invasion"], "persons_estimate": -3})
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid_input"
    assert "入力内容" in data["message"]
    fields = {e["field"] for e in data["errors"]}
    assert "symptoms.0" in fields and "persons_estimate" in fields
    assert not Incident.objects.exists()


def test_business_rule_violation_answers_400_with_the_field(world, token_for, client):
    response = _post(client, token_for("provider"), {"symptoms": ["other"], "data_owner": "entrusted"})
    assert response.status_code == 400
    assert response.json()["field"] == "entrusting_hospital"
    assert response.json()["code"] == "invalid_input"


def test_unknown_hospital_code_answers_400(world, token_for, client):
    body = {"symptoms": ["other"], "data_owner": "entrusted", "entrusting_hospital_code": "nowhere"}
    response = _post(client, token_for("provider"), body)
    assert response.status_code == 400
    assert response.json()["field"] == "entrusting_hospital_code"


def test_empty_symptoms_are_refused(world, token_for, client):
    response = _post(client, token_for("provider"), {"symptoms": []})
    assert response.status_code == 422


def test_without_a_token_the_api_answers_401(world, client):
    response = client.post("/api/v1/incidents", data={"symptoms": ["other"]}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("name", ["desk", "agency", "hospital", "foundation"])
def test_only_provider_tokens_report_incidents(world, token_for, client, name):
    response = _post(client, token_for(name), {"symptoms": ["other"]})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_viewer_token_cannot_report(world, token_for, client):
    response = _post(client, token_for("provider", role="viewer"), {"symptoms": ["other"]})
    assert response.status_code == 403


def test_list_and_detail_are_scoped_to_the_provider(world, report, token_for, client):
    incident = report()
    own, other = token_for("provider"), token_for("provider_b")
    assert [r["reference"] for r in _get(client, own, "/api/v1/incidents").json()["items"]] == [
        incident.reference
    ]
    assert _get(client, other, "/api/v1/incidents").json()["items"] == []
    assert _get(client, own, f"/api/v1/incidents/{incident.reference}").status_code == 200
    for path in ("", "/timeline", "/tasks"):
        response = _get(client, other, f"/api/v1/incidents/{incident.reference}{path}")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("name", ["hospital", "hospital_b", "foundation"])
def test_hospitals_and_foundation_see_no_cases_over_the_api(world, report, token_for, client, name):
    incident = report()
    token = token_for(name)
    assert _get(client, token, "/api/v1/incidents").json()["items"] == []
    assert _get(client, token, f"/api/v1/incidents/{incident.reference}").status_code == 404


def test_agency_and_insurer_get_no_caller_details(world, token_for, client):
    from sonae.incidents.services import incident_report

    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = incident_report(
            actor=world.actor("desk"),
            channel="phone",
            provider=world.provider.organisation,
            symptoms=["misdelivery"],
            caller_name="田中 一郎",
            caller_phone="0312345678",
            called_at=FRIDAY_EVENING,
        )
    for name in ("agency", "insurer"):
        data = _get(client, token_for(name), f"/api/v1/incidents/{incident.reference}").json()
        assert data["caller"] is None
        assert "田中" not in str(data) and "0312345678" not in str(data)
    desk = _get(client, token_for("desk"), f"/api/v1/incidents/{incident.reference}").json()
    assert desk["caller"]["name"] == "田中 一郎"
    own = _get(client, token_for("provider"), f"/api/v1/incidents/{incident.reference}").json()
    assert own["caller"]["phone"] == "0312345678"


def test_timeline_and_tasks_endpoints(world, report, token_for, client):
    incident = report()
    token = token_for("provider")
    timeline = _get(client, token, f"/api/v1/incidents/{incident.reference}/timeline").json()["items"]
    assert [e["kind"] for e in timeline] == ["intake", "triage", "task"]
    tasks = _get(client, token, f"/api/v1/incidents/{incident.reference}/tasks").json()["items"]
    assert len(tasks) == 13 and tasks[0]["status"] == "open"


def test_list_filters_open_cases(world, report, token_for, client):
    from sonae.incidents.services import incident_transition

    closed = report()
    incident_transition(actor=world.actor("provider"), incident=closed, to_status="withdrawn", reason="誤報")
    open_one = report()
    refs = [
        r["reference"]
        for r in _get(client, token_for("provider"), "/api/v1/incidents?status=open").json()["items"]
    ]
    assert refs == [open_one.reference]


def test_openapi_describes_the_incident_routes_in_japanese(world, client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/incidents"]["post"]
    assert post["summary"] == "インシデントを報告する"
    symptoms = schema["components"]["schemas"]["IncidentIn"]["properties"]["symptoms"]
    assert "ransom_message" in symptoms["items"]["enum"]
    assert "身代金" in symptoms["description"]
