"""The look-up's direct route (``sonae.api.direct``): token clients are served without Ninja's layers, with the
same answers, errors and audit events as the Ninja operation, which still serves everyone else."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve

from sonae.api.main import ninja_route
from sonae.core.models import AuditEvent
from sonae.victims.api import lookup

GOOD = {"mode": "patient_id", "patient_id": "P0001", "reason": "電話照会"}


@pytest.fixture
def bearer(token_for):
    return token_for("provider")


def _url(incident) -> str:
    return f"/api/v1/victims/{incident.reference}/lookup"


def _both(incident, auth: str, body: bytes, **extra):
    """The same request through the direct route (the URLconf) and through the Ninja view itself."""
    factory = RequestFactory()

    def request():
        return factory.post(
            _url(incident), body, content_type="application/json", HTTP_AUTHORIZATION=auth, **extra
        )

    direct_response = resolve(_url(incident)).func(request(), reference=incident.reference)
    ninja_view, _operation = ninja_route(lookup)
    ninja_response = ninja_view(request(), reference=incident.reference)
    return direct_response, ninja_response


def test_the_lookup_url_resolves_to_the_direct_route(incident):
    assert resolve(_url(incident)).func.__name__ == "direct_lookup"


def test_a_token_lookup_answers_as_the_ninja_operation_does(world, incident, imported, bearer):
    imported()

    direct_response, ninja_response = _both(incident, bearer, json.dumps(GOOD).encode())

    assert direct_response.status_code == ninja_response.status_code == 200
    assert direct_response["Content-Type"] == ninja_response["Content-Type"]
    assert direct_response.content == ninja_response.content
    assert json.loads(direct_response.content)["answers"][0]["items"] == ["氏名", "生年月日", "検査結果"]
    events = AuditEvent.objects.filter(action="personal_data.lookup").order_by("id")
    assert [(e.reason, e.data["found"], e.target_type) for e in events] == [
        ("電話照会", 1, "victims.victim"),
        ("電話照会", 1, "victims.victim"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        json.dumps({"mode": "patient_id", "patient_id": "P0001"}).encode(),  # no reason
        json.dumps({**GOOD, "mode": "name"}).encode(),
        json.dumps({**GOOD, "reason": "x" * 201}).encode(),
        json.dumps({**GOOD, "patient_id": ""}).encode(),  # the service's own check
        json.dumps({**GOOD, "mode": "kana_birth", "kana": "ヤマダ", "birth": "昭和99年13月1日"}).encode(),
    ],
)
def test_bad_bodies_get_ninjas_own_errors(world, incident, imported, bearer, body):
    imported()

    direct_response, ninja_response = _both(incident, bearer, body)

    assert direct_response.status_code == ninja_response.status_code
    assert direct_response.status_code in (400, 422)
    assert direct_response.content == ninja_response.content
    assert set(json.loads(direct_response.content)) >= {"code", "message"}


@pytest.mark.parametrize("auth", ["Bearer sonae_not-a-token", "Bearer ", "bearer sonae_not-a-token"])
def test_a_bad_token_is_refused_alike_on_both_paths(world, incident, auth):
    """Ninja tries the session after a failed token, and the session's CSRF check answers first (403)."""
    direct_response, ninja_response = _both(incident, auth, json.dumps(GOOD).encode())

    assert direct_response.status_code == ninja_response.status_code
    assert direct_response.status_code in (401, 403)
    assert direct_response.content == ninja_response.content
    assert not AuditEvent.objects.filter(action="personal_data.lookup").exists()


def test_other_organisations_get_404_through_the_direct_route(world, incident, imported, client, token_for):
    imported()

    response = client.post(
        _url(incident), GOOD, content_type="application/json", HTTP_AUTHORIZATION=token_for("provider_b")
    )

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="personal_data.lookup").exists()


def test_throttled_token_lookups_answer_429_with_retry_after(
    world, incident, imported, client, bearer, settings
):
    imported()
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "lookup": (1, 60)}
    client.post(_url(incident), GOOD, content_type="application/json", HTTP_AUTHORIZATION=bearer)

    response = client.post(_url(incident), GOOD, content_type="application/json", HTTP_AUTHORIZATION=bearer)

    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_session_request_goes_to_ninja_and_its_csrf_check(world, incident, imported):
    """With a session cookie the direct route hands the request to Ninja, whose session authentication wants
    the CSRF token (a cross-site form cannot use the signed-in operator's session)."""
    imported()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.provider.user)

    without_token = client.post(_url(incident), GOOD, content_type="application/json")
    csrf = "k" * 32  # a CSRF secret, as the cookie a page sets and the header its script sends
    client.cookies["csrftoken"] = csrf
    with_token = client.post(_url(incident), GOOD, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    assert without_token.status_code == 403
    assert with_token.status_code == 200 and with_token.json()["found"] == 1
    assert AuditEvent.objects.filter(action="personal_data.lookup").count() == 1


def test_other_methods_go_to_ninja(world, incident, bearer, client):
    response = client.get(_url(incident), HTTP_AUTHORIZATION=bearer)

    assert response.status_code == 405


def test_ninja_route_refuses_a_function_that_is_not_an_operation():
    with pytest.raises(LookupError):
        ninja_route(test_other_methods_go_to_ninja)
