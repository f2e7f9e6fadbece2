"""API: the hospital acknowledges a notice (signed-in staff only); the provider follows its notices on the case."""

from __future__ import annotations

import pytest

from sonae.incidents.models import HospitalNotice


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_hospital_staff_acknowledge_a_notice_once(world, notified_case, client_for):
    notice = notified_case()
    client = client_for("hospital")
    before = notice.incident.timeline.filter(kind="notice").count()
    response = client.post(f"/api/v1/hospitals/notices/{notice.pk}/acknowledge")
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"] is not None
    assert notice.incident.timeline.filter(kind="notice").count() == before + 1
    again = client.post(f"/api/v1/hospitals/notices/{notice.pk}/acknowledge")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_a_token_cannot_acknowledge(world, notified_case, client, token_for):
    notice = notified_case()
    response = client.post(
        f"/api/v1/hospitals/notices/{notice.pk}/acknowledge", **_bearer(token_for("hospital"))
    )
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


@pytest.mark.parametrize("who", ["hospital_b", "hospital_viewer"])
def test_another_hospital_or_a_viewer_cannot_acknowledge(world, notified_case, client_for, who):
    notice = notified_case()
    response = client_for(who).post(f"/api/v1/hospitals/notices/{notice.pk}/acknowledge")
    assert response.status_code == (404 if who == "hospital_b" else 403)
    assert HospitalNotice.objects.get(pk=notice.pk).acknowledged_at is None


def test_the_provider_follows_its_notices_on_the_case(world, notified_case, client, token_for):
    notice = notified_case()
    token = _bearer(token_for("provider"))
    ref = notice.incident.reference
    listed = client.get(f"/api/v1/incidents/{ref}/notices", **token).json()
    assert [n["id"] for n in listed["items"]] == [notice.pk] and listed["items"][0]["state"] == "sent"
    assert listed["items"][0]["letter_text"] is None
    detail = client.get(f"/api/v1/incidents/{ref}/notices/{notice.pk}", **token).json()
    assert detail["hospital_code"] == "minato" and detail["letter_text"]
    agency = client.get(f"/api/v1/incidents/{ref}/notices/{notice.pk}", **_bearer(token_for("agency"))).json()
    assert agency["letter_text"] is None  # the agency reads the summary only


def test_another_providers_notices_are_404(world, notified_case, client, token_for):
    own = notified_case()
    other = notified_case(provider="provider_b")
    token = _bearer(token_for("provider"))
    for path in (
        f"/api/v1/incidents/{other.incident.reference}/notices",
        f"/api/v1/incidents/{other.incident.reference}/notices/{other.pk}",
        f"/api/v1/incidents/{own.incident.reference}/notices/{other.pk}",
    ):
        response = client.get(path, **token)
        assert response.status_code == 404, path
