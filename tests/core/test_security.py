"""Production posture: security headers, staff session timeouts, re-authentication before personal-data exports,
and rate limits (429 with Retry-After) on sign-in, API tokens and any view that opts in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from sonae.core import ratelimit
from sonae.core.security import require_recent_auth
from tests.factories import PASSWORD

START = datetime(2025, 10, 1, 0, 0, tzinfo=UTC)
PROD_ENV = {
    "SONAE_ENV": "production",
    "SONAE_SECRET_KEY": "prod-test-" + "x" * 60,
    "SONAE_ALLOWED_HOSTS": "sonae.example.jp",
}


def _production_env(tmp_path: Path) -> dict[str, str]:
    from sonae.core.crypto import generate_keyring_json

    env = {
        **os.environ,
        **PROD_ENV,
        "SONAE_DATA_KEYS": generate_keyring_json(),
        "SONAE_VAR_DIR": str(tmp_path),
    }
    env.pop("SONAE_TESTING", None)
    # The browser tests set this in the test process (Playwright's loop); a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# --- headers ------------------------------------------------------------------------------------------------------


def test_pages_send_the_security_headers(client, db):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_and_https_redirect_with_the_production_values(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    insecure = client.get(reverse("account_login"))
    assert insecure.status_code == 301 and insecure["Location"].startswith("https://")
    secure = client.get(reverse("account_login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_settings_turn_on_hsts_secure_cookies_and_limits(tmp_path):
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('DEBUG', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', 'SONAE_WEBHOOKS_ALLOW_PRIVATE', 'SONAE_REQUIRE_RECENT_AUTH', "
        "'SONAE_STAFF_IDLE_TIMEOUT', 'SONAE_STAFF_SESSION_MAX_AGE')}))"
    )
    env = {**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "sonae.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SONAE_WEBHOOKS_ALLOW_PRIVATE": False,
        "SONAE_REQUIRE_RECENT_AUTH": True,
        "SONAE_STAFF_IDLE_TIMEOUT": 1800,
        "SONAE_STAFF_SESSION_MAX_AGE": 28800,
    }


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    sonae = Path(sys.executable).parent / "sonae"
    done = subprocess.run(
        [str(sonae), "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout


# --- staff session timeout ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["agency", "insurer", "desk"])
def test_staff_are_signed_out_after_30_minutes_idle(client, user_of_kind, kind):
    user = user_of_kind(kind)
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        assert client.get(reverse("core:dashboard")).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(reverse("core:dashboard")).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_staff_are_signed_out_8_hours_after_sign_in_even_when_active(client, desk_user_with_totp):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(desk_user_with_totp)
        for _ in range(8 * 3):  # a request every 20 minutes for 8 hours
            assert client.get(reverse("core:dashboard")).status_code == 200
            clock.shift(timedelta(minutes=20))
        clock.shift(timedelta(minutes=1))
        response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_providers_are_not_subject_to_the_staff_idle_timeout(client, provider_user):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(provider_user)
        client.get(reverse("core:dashboard"))
        clock.shift(timedelta(hours=2))
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_an_idle_staff_session_gets_401_from_the_api(client, desk_user_with_totp):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(desk_user_with_totp)
        assert client.get("/api/v1/me").status_code == 200
        clock.shift(timedelta(minutes=45))
        response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


# --- re-authentication before personal-data exports --------------------------------------------------------------


@pytest.fixture
def reauth_on(settings):
    settings.SONAE_REQUIRE_RECENT_AUTH = True


def _request(user, method: str = "get", path: str = "/export/"):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = getattr(RequestFactory(), method)(path)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_without_a_recorded_sign_in_the_user_is_sent_to_reauthenticate(provider_user, reauth_on):
    response = require_recent_auth(_request(provider_user, path="/export/?year=2025"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reauthenticate") + "?next=%2Fexport%2F%3Fyear%3D2025"


def test_a_recent_sign_in_passes_and_an_old_one_does_not(provider_user, reauth_on):
    from allauth.account.internal.flows.login import record_authentication

    with time_machine.travel(START, tick=False) as clock:
        request = _request(provider_user)
        record_authentication(request, provider_user, method="password")
        clock.shift(timedelta(minutes=10))
        assert require_recent_auth(request) is None
        clock.shift(timedelta(seconds=1))
        assert require_recent_auth(request).status_code == 302
        assert require_recent_auth(request, minutes=15) is None


def test_after_a_post_the_user_comes_back_to_the_form(provider_user, reauth_on):
    response = require_recent_auth(_request(provider_user, "post", "/incidents/X/evidence/1/download/"))
    assert response["Location"].endswith("next=%2Fincidents%2FX%2Fevidence%2F1%2Fdownload%2F")


@pytest.mark.parametrize(
    "url",
    [
        "/incidents/INC-2025-000001/evidence/1/download/",
        "/duties/incident/INC-2025-000001/drafts/ppc_preliminary/",
        "/claims/attachments/1/",
    ],
)
def test_personal_data_exports_ask_for_a_password_then_proceed(client, provider_user, reauth_on, url):
    client.force_login(provider_user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauth = client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "next": url})
    assert reauth.status_code == 302 and reauth["Location"] == url
    # Now the view itself answers (nothing of these ids exists for this provider).
    assert client.get(url).status_code in (403, 404)


# --- rate limits --------------------------------------------------------------------------------------------------


def test_hit_allows_the_limit_then_says_when_to_retry():
    with time_machine.travel(START + timedelta(seconds=15), tick=False) as clock:
        assert [ratelimit.hit("k", 3, 60) for _ in range(3)] == [None, None, None]
        assert ratelimit.hit("k", 3, 60) == 45
        assert ratelimit.hit("other", 3, 60) is None
        clock.shift(timedelta(seconds=45))
        assert ratelimit.hit("k", 3, 60) is None  # a new window


def test_a_limit_of_zero_turns_the_check_off():
    assert all(ratelimit.hit("k", 0, 60) is None for _ in range(10))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # not behind a proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is not trusted
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.SONAE_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_ip(request) == expected


def test_sign_in_posts_are_limited_per_ip_with_429(client, db, settings):
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "login": (3, 600)}
    url = reverse("account_login")
    for n in range(3):
        response = client.post(url, {"login": f"nobody{n}@example.jp", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"login": "nobody9@example.jp", "password": "wrong"})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "ログインの試行が多すぎる" in response.content.decode()
    other_ip = client.post(url, {"login": "x@example.jp", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    assert other_ip.status_code == 200
    assert client.get(url).status_code == 200  # showing the form is not limited


@pytest.fixture
def token(provider_admin):
    from sonae.core.actors import Actor
    from sonae.core.models import Membership
    from sonae.core.services import api_token_create

    actor = Actor.from_membership(Membership.objects.get(user=provider_admin))
    return lambda name="連携": api_token_create(actor=actor, name=name, role="staff")[1]


def test_api_tokens_are_limited_per_token_with_the_throttled_envelope(client, settings, token):
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "api_token": (3, 60)}
    first, second = token("一"), token("二")
    for _ in range(3):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 200
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200


def test_guessing_api_tokens_is_limited_per_ip(client, db, settings):
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "api_bad_token": (2, 600)}
    for _ in range(2):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sonae_guess").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sonae_guess")
    assert response.status_code == 429 and response.json()["code"] == "throttled"


def test_rate_limited_views_answer_429_per_user_or_ip(rf, settings, provider_user):
    from django.contrib.auth.models import AnonymousUser

    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "lookup": (1, 600), "public": (1, 600)}

    @ratelimit.rate_limited("lookup", methods=("GET",), per="user")
    def lookup(request):
        return HttpResponse("ok")

    @ratelimit.rate_limited("public")
    def inquiry(request):
        return HttpResponse("ok")

    signed_in = rf.get("/lookup/")
    signed_in.user = provider_user
    assert lookup(signed_in).status_code == 200
    assert lookup(signed_in).status_code == 429
    anonymous = rf.post("/inquiry/", REMOTE_ADDR="203.0.113.5")
    anonymous.user = AnonymousUser()
    assert inquiry(anonymous).status_code == 200
    refused = inquiry(anonymous)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert inquiry(rf.get("/inquiry/")).status_code == 200  # only POSTs count


def test_a_post_export_sends_the_user_back_to_the_given_page(provider_user, reauth_on):
    response = require_recent_auth(
        _request(provider_user, "post", "/victims/X/letters/1/batches/1/download/"),
        back="/victims/X/letters/1/",
    )
    assert response["Location"].endswith("next=%2Fvictims%2FX%2Fletters%2F1%2F")
