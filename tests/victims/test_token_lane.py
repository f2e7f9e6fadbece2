"""The token lane (``sonae.api.lane``): which requests take it, and that it answers them as the full middleware
chain does (the look-up is the one direct route)."""

from __future__ import annotations

import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

import sonae.api.direct
from sonae.api.lane import TokenLane, with_token_lane
from sonae.core.models import AuditEvent

GOOD = {"mode": "patient_id", "patient_id": "P0001", "reason": "電話照会"}


@pytest.fixture
def lane_app():
    """The project's WSGI handler behind the lane, as ``sonae.wsgi`` builds it."""
    from django.core.handlers.wsgi import WSGIHandler

    return TokenLane(WSGIHandler())


def _url(incident) -> str:
    return f"/api/v1/victims/{incident.reference}/lookup"


def _environ(method: str, path: str, body: bytes = b"", **headers) -> dict:
    factory = RequestFactory()
    if method == "POST":
        return factory.post(path, body, content_type="application/json", **headers).environ
    return factory.generic(method, path, **headers).environ


def _call(app, environ: dict) -> tuple[str, dict, bytes]:
    """One request through a WSGI application. As Django's test client does, the handler does not close the
    database connection at the start and end of the request (it holds the test's transaction)."""
    started = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        try:
            body = b"".join(result)
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = started[0]
    return status, dict(headers), body


def _vary(headers: dict) -> set[str]:
    return {part.strip() for part in headers.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    ("method", "path", "headers", "taken"),
    [
        ("POST", "/api/v1/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "Bearer sonae_x"}, True),
        ("POST", "/api/v1/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "bearer sonae_x"}, True),
        ("POST", "/api/v1/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "Bearer x", "HTTP_COOKIE": ""}, True),
        # A wrong method still takes the lane: the direct route hands it to Ninja (405), as without the lane.
        ("GET", "/api/v1/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "Bearer sonae_x"}, True),
        # Any cookie (a session, a CSRF or language cookie): the full chain.
        (
            "POST",
            "/api/v1/victims/INC-1/lookup",
            {"HTTP_AUTHORIZATION": "Bearer x", "HTTP_COOKIE": "a=b"},
            False,
        ),
        ("POST", "/api/v1/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "Basic eDp5"}, False),
        ("POST", "/api/v1/victims/INC-1/lookup", {}, False),
        # Other API routes, and paths that only begin like a direct route.
        ("GET", "/api/v1/victims/INC-1/statistics", {"HTTP_AUTHORIZATION": "Bearer sonae_x"}, False),
        ("POST", "/api/v1/victims/INC-1/lookup/more", {"HTTP_AUTHORIZATION": "Bearer sonae_x"}, False),
        ("POST", "/victims/INC-1/lookup", {"HTTP_AUTHORIZATION": "Bearer sonae_x"}, False),
    ],
)
def test_only_direct_routes_asked_with_a_token_and_no_cookie_take_the_lane(
    lane_app, method, path, headers, taken
):
    assert lane_app.takes(_environ(method, path, **headers)) is taken


def test_the_lane_skips_the_browser_middleware(world, incident, imported, lane_app, token_for, monkeypatch):
    """The direct view sees no session and no signed-in user in the lane, and both in the full chain."""
    imported()
    seen = []
    original = sonae.api.direct._token_only

    def spy(request, method):
        seen.append((hasattr(request, "session"), hasattr(request, "user")))
        return original(request, method)

    monkeypatch.setattr(sonae.api.direct, "_token_only", spy)
    bearer = token_for("provider")
    body = json.dumps(GOOD).encode()

    lane = _call(lane_app, _environ("POST", _url(incident), body, HTTP_AUTHORIZATION=bearer))
    full = _call(lane_app.full, _environ("POST", _url(incident), body, HTTP_AUTHORIZATION=bearer))

    assert seen == [(False, False), (True, True)]
    assert lane[0] == full[0] == "200 OK"
    assert json.loads(lane[2])["found"] == 1


def _requests(incident, bearer: str, other_bearer: str) -> list[tuple[str, dict]]:
    good = json.dumps(GOOD).encode()
    url = _url(incident)
    return [
        ("found", _environ("POST", url, good, HTTP_AUTHORIZATION=bearer)),
        (
            "not found",
            _environ(
                "POST", url, json.dumps({**GOOD, "patient_id": "P9999"}).encode(), HTTP_AUTHORIZATION=bearer
            ),
        ),
        (
            "kana and birth, English",
            _environ(
                "POST",
                url,
                json.dumps({**GOOD, "mode": "kana_birth", "kana": "ｽｽﾞｶ ﾐｷｺ", "birth": "S45.3.2"}).encode(),
                HTTP_AUTHORIZATION=bearer,
                HTTP_ACCEPT_LANGUAGE="en",
            ),
        ),
        ("bad JSON", _environ("POST", url, b"{not json", HTTP_AUTHORIZATION=bearer)),
        ("no reason", _environ("POST", url, b'{"mode": "patient_id"}', HTTP_AUTHORIZATION=bearer)),
        ("bad token", _environ("POST", url, good, HTTP_AUTHORIZATION="Bearer sonae_not-a-token")),
        ("other organisation", _environ("POST", url, good, HTTP_AUTHORIZATION=other_bearer)),
        ("unknown case", _environ("POST", "/api/v1/victims/NO-SUCH/lookup", good, HTTP_AUTHORIZATION=bearer)),
        ("wrong method", _environ("GET", url, HTTP_AUTHORIZATION=bearer)),
    ]


def test_the_lane_answers_as_the_full_chain_does(world, incident, imported, lane_app, token_for):
    """Status, headers and body alike (but ``Vary: Cookie``, which the full chain adds having read the empty
    session), and the same audit events."""
    imported()
    bearer, other = token_for("provider"), token_for("provider_b")
    requests = {
        chain: _requests(incident, bearer, other) for chain in ("lane", "full")
    }  # (an environ is read once)

    for (name, lane_environ), (_name, full_environ) in zip(requests["lane"], requests["full"], strict=True):
        assert lane_app.takes(lane_environ), name
        before = AuditEvent.objects.count()
        lane_status, lane_headers, lane_body = _call(lane_app, lane_environ)
        lane_events = list(AuditEvent.objects.order_by("id")[before:].values_list("action", "reason", "data"))
        before = AuditEvent.objects.count()
        full_status, full_headers, full_body = _call(lane_app.full, full_environ)
        full_events = list(AuditEvent.objects.order_by("id")[before:].values_list("action", "reason", "data"))

        assert lane_status == full_status, name
        assert lane_body == full_body, name
        assert _vary(lane_headers) == _vary(full_headers) - {"Cookie"}, name
        assert {k: v for k, v in lane_headers.items() if k != "Vary"} == {
            k: v for k, v in full_headers.items() if k != "Vary"
        }, name
        assert lane_events == full_events, name
    statuses = [_call(lane_app, environ)[0][:3] for _name, environ in _requests(incident, bearer, other)]
    assert statuses == ["200", "200", "200", "400", "422", "403", "404", "404", "405"]


def test_the_lane_answers_the_kana_lookup_in_the_asked_language(
    world, incident, imported, lane_app, token_for
):
    imported()
    body = json.dumps({**GOOD, "mode": "kana_birth", "kana": "すずか みきこ", "birth": "1970-03-02"}).encode()

    status, headers, content = _call(
        lane_app, _environ("POST", _url(incident), body, HTTP_AUTHORIZATION=token_for("provider"))
    )

    assert status == "200 OK"
    assert headers["Content-Language"] == "ja"
    assert json.loads(content)["answers"][0]["letter_status"] == "未作成"


def test_the_lane_is_off_when_the_setting_says_so(settings):
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    settings.SONAE_TOKEN_LANE = False
    assert with_token_lane(application) is application
    settings.SONAE_TOKEN_LANE = True
    assert isinstance(with_token_lane(application), TokenLane)


def test_the_project_wsgi_application_has_the_lane():
    import gc

    from sonae.wsgi import application

    gc.unfreeze()  # (sonae.wsgi freezes what the process holds, for a server; not for the tests)

    assert isinstance(application, TokenLane)
    assert application.takes(
        _environ("POST", "/api/v1/victims/X/lookup", HTTP_AUTHORIZATION="Bearer sonae_x")
    )
