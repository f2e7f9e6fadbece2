"""Victims API: statistics for viewers, look-up for the provider (and the granted desk), 404 for others."""

from __future__ import annotations

import pytest


def test_lookup_by_patient_id_answers_minimally(world, incident, imported, client, token_for):
    imported()
    response = client.post(
        f"/api/v1/victims/{incident.reference}/lookup",
        {"mode": "patient_id", "patient_id": "P0001", "reason": "電話照会"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for("provider"),
    )

    body = response.json()
    assert response.status_code == 200 and body["found"] == 1
    assert body["answers"][0]["items"] == ["氏名", "生年月日", "検査結果"]


def test_statistics_for_the_insurer(world, incident, imported, client, token_for):
    imported()
    response = client.get(
        f"/api/v1/victims/{incident.reference}/statistics", HTTP_AUTHORIZATION=token_for("insurer")
    )

    assert response.status_code == 200 and response.json()["persons"] == 3


@pytest.mark.parametrize("name", ["insurer", "agency", "provider_b"])
def test_lookup_is_404_for_others(world, incident, imported, client, token_for, name):
    imported()
    response = client.post(
        f"/api/v1/victims/{incident.reference}/lookup",
        {"mode": "patient_id", "patient_id": "P0001", "reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for(name),
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_throttled_lookups_answer_429(world, incident, imported, client, token_for, settings):
    imported()
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "lookup": (1, 60)}
    auth = token_for("provider")
    body = {"mode": "patient_id", "patient_id": "P0001", "reason": "x"}
    url = f"/api/v1/victims/{incident.reference}/lookup"
    client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)

    response = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=auth)

    assert response.status_code == 429 and response.json()["code"] == "throttled"


def test_an_inquiry_is_recorded(world, incident, imported, client, token_for):
    imported()
    response = client.post(
        f"/api/v1/victims/{incident.reference}/inquiries",
        {"category": "affected", "answer": "案内済み"},
        content_type="application/json",
        HTTP_AUTHORIZATION=token_for("provider"),
    )
    assert response.status_code == 200 and response.json()["day"]
