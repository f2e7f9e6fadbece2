"""API of the self-check overview (the dashboard's risk panel), a check's answers and PDF, and the saved exposure
estimates (history as a page and detail); other kinds get 403 and other providers' records 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from sonae.core.services import api_token_create
from sonae.selfcheck import services
from tests.selfcheck.conftest import answers_with

pytestmark = pytest.mark.django_db

ESTIMATES = "/api/v1/selfcheck/exposure/estimates"


@pytest.fixture
def token(admin_actor):
    _, secret = api_token_create(actor=admin_actor, name="連携")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def hospital_token(hospital_actor):
    _, secret = api_token_create(actor=hospital_actor, name="病院")
    return {"Authorization": f"Bearer {secret}"}


def _estimate(actor, persons=5000):
    return services.exposure_estimate_save(actor=actor, data_items=["name", "test_results"], persons=persons)


def test_the_overview_of_a_new_provider_lists_what_to_do(client, token):
    body = client.get("/api/v1/selfcheck/overview", headers=token).json()
    assert body["score"] is None and body["estimate"] is None and body["bcp_status"] == "none"
    assert "セキュリティのセルフチェックをまだ実施していません。" in body["open_items"]
    assert "サイバーBCPをまだ作成していません。" in body["open_items"]


def test_the_overview_shows_the_latest_score_and_estimate(client, token, actor):
    check = services.self_check_submit(actor=actor, answers=answers_with(q03="not_implemented"))
    estimate = _estimate(actor)
    body = client.get("/api/v1/selfcheck/overview", headers=token).json()
    assert body["score"]["check_id"] == check.pk and (body["score"]["score"], body["score"]["band"]) == (
        96,
        "mostly",
    )
    assert body["estimate"]["id"] == estimate.pk and body["estimate"]["comparisons"]
    assert "基本的な対策に未実施の項目が1件あります。" in body["open_items"]


def test_other_kinds_get_403_on_the_providers_records(client, hospital_token):
    for path in ("/api/v1/selfcheck/overview", ESTIMATES, f"{ESTIMATES}/1", "/api/v1/selfcheck/checks/1/pdf"):
        response = client.get(path, headers=hospital_token)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", path


def test_a_check_shows_its_answers(client, token, actor):
    check = services.self_check_submit(actor=actor, answers=answers_with(q01="partial"))
    body = client.get(f"/api/v1/selfcheck/checks/{check.pk}", headers=token).json()
    assert body["answers"]["q01"] == "partial" and len(body["answers"]) == 25 and body["questions_version"]


def test_a_checks_pdf_is_served_for_its_own_provider_only(client, token, actor, other_actor):
    mine = services.self_check_submit(actor=actor, answers=answers_with())
    theirs = services.self_check_submit(actor=other_actor, answers=answers_with())
    response = client.get(f"/api/v1/selfcheck/checks/{mine.pk}/pdf", headers=token)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/selfcheck/checks/{theirs.pk}/pdf", headers=token).status_code == 404


def test_saved_estimates_are_paged_newest_first_and_filtered(client, token, actor):
    with time_machine.travel("2026-08-01 10:00 +09:00", tick=False) as traveller:
        first = _estimate(actor, 100)
        traveller.shift(timedelta(days=1))
        second = _estimate(actor, 200)
        traveller.shift(timedelta(days=1))
        third = _estimate(actor, 300)
        page = client.get(ESTIMATES, {"limit": 2}, headers=token).json()
        assert [e["id"] for e in page["items"]] == [third.pk, second.pk] and page["next_offset"] == 2
        assert page["items"][0]["persons"] == 300 and page["items"][0]["data_items"] == [
            "name",
            "test_results",
        ]
        since = client.get(ESTIMATES, {"updated_since": "2026-08-02T00:00:00+09:00"}, headers=token).json()
        assert [e["id"] for e in since["items"]] == [third.pk, second.pk]
        assert first.pk not in [e["id"] for e in since["items"]]


def test_an_estimates_detail_holds_the_breakdown_and_another_providers_is_404(
    client, token, actor, other_actor
):
    mine = _estimate(actor)
    theirs = _estimate(other_actor)
    body = client.get(f"{ESTIMATES}/{mine.pk}", headers=token).json()
    assert (
        body["damages"] == mine.damages
        and body["result"]["costs"]
        and body["result"]["inputs"]["persons"] == 5000
    )
    assert {c["plan"] for c in body["comparisons"]} == {c["plan"] for c in mine.comparisons}
    response = client.get(f"{ESTIMATES}/{theirs.pk}", headers=token)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
