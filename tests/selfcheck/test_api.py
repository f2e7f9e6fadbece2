import pytest

from sonae.core.services import api_token_create
from sonae.selfcheck import services
from tests.selfcheck.conftest import answers_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(admin_actor):
    _, secret = api_token_create(actor=admin_actor, name="連携")
    return {"Authorization": f"Bearer {secret}"}


def test_questions_list_25_questions_and_four_answers(client, token):
    body = client.get("/api/v1/selfcheck/questions", headers=token).json()
    assert len(body["questions"]) == 25
    assert [a["code"] for a in body["answers"]] == ["implemented", "partial", "not_implemented", "unknown"]


def test_submitting_a_check_returns_score_band_and_advice(client, token):
    response = client.post(
        "/api/v1/selfcheck/checks",
        {"answers": answers_with("partial")},
        content_type="application/json",
        headers=token,
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["score"], body["band"]) == (50, "gaps")
    assert len(body["advice"]) == 25


def test_an_incomplete_check_gets_the_error_envelope(client, token):
    answers = answers_with()
    del answers["q02"]
    response = client.post(
        "/api/v1/selfcheck/checks", {"answers": answers}, content_type="application/json", headers=token
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert response.json()["field"] == "q02"


def test_another_organisations_check_is_404(client, token, other_actor):
    check = services.self_check_submit(actor=other_actor, answers=answers_with())
    response = client.get(f"/api/v1/selfcheck/checks/{check.pk}", headers=token)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_exposure_estimate_compares_with_plans(client, token):
    response = client.post(
        "/api/v1/selfcheck/exposure",
        {"data_items": ["name", "address", "test_results"], "persons": 5000},
        content_type="application/json",
        headers=token,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["damages"] == 165_000_000
    assert {c["plan"]: c["damages_cover_percent"] for c in body["comparisons"]}["A"] == 60
    assert body["id"] is None


def test_symptoms_are_public(client):
    response = client.get("/api/v1/selfcheck/symptoms")
    assert response.status_code == 200
    assert len(response.json()) == 8
