"""Production posture pieces that sit on every request (issue 9 point 8).

- ``StaffSessionTimeoutMiddleware``: members of agency, insurer and desk organisations (the staff who see many
  providers' data) are signed out after ``SONAE_STAFF_IDLE_TIMEOUT`` seconds without a request (default 30 min)
  and ``SONAE_STAFF_SESSION_MAX_AGE`` seconds after signing in (default 8 h), whatever they do.
- ``RateLimitMiddleware``: a per-IP limit on the sign-in forms (login, two-factor step, re-authentication,
  password reset, admin login) on top of django-axes' per-account lock-out; answers 429 with ``Retry-After``.
- ``require_recent_auth`` / ``recent_auth_required``: exports of personal data need a sign-in or
  re-authentication within the last ``minutes`` (default 10); otherwise the user is sent to allauth's
  re-authentication page and comes back to the same URL.
"""

from __future__ import annotations

import functools
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from . import policy
from .ratelimit import client_ip, hit_named, too_many_requests

SESSION_STARTED_KEY = "sonae_session_started"
SESSION_SEEN_KEY = "sonae_last_seen"
SESSION_STAFF_KEY = "sonae_staff_session"
# Writing the session on every request would cost a database write per request: refresh "last seen" only
# when it is this many seconds old. The idle timeout is therefore exact to within this margin.
SEEN_GRANULARITY = 60

DEFAULT_IDLE_TIMEOUT = 30 * 60
DEFAULT_MAX_AGE = 8 * 60 * 60


def _authentication_times(request: HttpRequest) -> list[float]:
    """Times (epoch seconds) of the sign-ins and re-authentications allauth recorded in this session."""
    try:
        from allauth.account.internal.flows.login import get_authentication_records

        records = get_authentication_records(request, request.user)
    except Exception:  # noqa: BLE001 - allauth internals moved: behave as if nothing was recorded
        records = []
    return [float(r["at"]) for r in records if isinstance(r, dict) and isinstance(r.get("at"), int | float)]


def _is_staff_session(request: HttpRequest) -> bool:
    """Whether the signed-in user belongs to a staff organisation (agency, insurer, desk); kept in the session
    so the membership query runs once per session."""
    cached = request.session.get(SESSION_STAFF_KEY)
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == request.user.pk:
        return bool(cached[1])
    staff = policy.requires_mfa(request.user)
    request.session[SESSION_STAFF_KEY] = [request.user.pk, staff]
    return staff


def _login_redirect(request: HttpRequest) -> HttpResponse:
    url = reverse(settings.LOGIN_URL) if not settings.LOGIN_URL.startswith("/") else settings.LOGIN_URL
    return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class StaffSessionTimeoutMiddleware:
    """Signs staff users out after an idle period and after an absolute session age (place it after
    ``AuthenticationMiddleware`` and allauth's ``AccountMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if not _is_staff_session(request):
            return None
        session = request.session
        now = time.time()
        idle = int(getattr(settings, "SONAE_STAFF_IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT))
        max_age = int(getattr(settings, "SONAE_STAFF_SESSION_MAX_AGE", DEFAULT_MAX_AGE))
        started = session.get(SESSION_STARTED_KEY)
        if not isinstance(started, int | float):
            times = _authentication_times(request)
            started = min(times) if times else now
            session[SESSION_STARTED_KEY] = started
        seen = session.get(SESSION_SEEN_KEY)
        if not isinstance(seen, int | float):
            seen = now
            session[SESSION_SEEN_KEY] = now
        if (idle > 0 and now - seen > idle) or (max_age > 0 and now - started > max_age):
            reason = (
                "一定時間操作がなかったため、安全のためログアウトしました。もう一度ログインしてください。"
                if now - seen > idle
                else "ログインから一定時間が経過したため、安全のためログアウトしました。もう一度ログインしてください。"
            )
            logout(request)
            if request.path.startswith("/api/"):
                return None  # the API answers 401 itself: there is no session any more
            messages.info(request, reason)
            return _login_redirect(request)
        if now - seen >= SEEN_GRANULARITY:
            session[SESSION_SEEN_KEY] = now
        return None


# URL names of the forms that take a password or a code; the per-IP limit applies to their POSTs.
RATE_LIMITED_SIGN_IN_URLS = (
    "account_login",
    "mfa_authenticate",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_reset_password",
    "admin:login",
)


@functools.cache
def _sign_in_paths() -> frozenset[str]:
    paths = set()
    for name in RATE_LIMITED_SIGN_IN_URLS:
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return frozenset(paths)


class RateLimitMiddleware:
    """Per-IP limit on sign-in POSTs (``SONAE_RATE_LIMITS["login"]``, default 30 per 10 minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in _sign_in_paths():
            retry_after = hit_named("login", client_ip(request))
            if retry_after is not None:
                return too_many_requests(
                    retry_after,
                    "短時間にログインの試行が多すぎるため、一時的に受付を停止しています。"
                    f"約{max(1, -(-retry_after // 60))}分後にもう一度お試しください。",
                )
        return self.get_response(request)


# --- re-authentication before exports of personal data ---------------------------------------------------------


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When the user last signed in or re-authenticated in this session (epoch seconds), if allauth recorded it."""
    times = _authentication_times(request)
    return max(times) if times else None


def recently_authenticated(request: HttpRequest, minutes: int = 10) -> bool:
    """Whether the user signed in or re-authenticated within the last ``minutes`` (always true when
    ``settings.SONAE_REQUIRE_RECENT_AUTH`` is off). No side effect: the API answers 403 itself."""
    if not getattr(settings, "SONAE_REQUIRE_RECENT_AUTH", True):
        return True
    at = last_authenticated_at(request)
    return at is not None and time.time() - at <= minutes * 60


def require_recent_auth(
    request: HttpRequest, minutes: int = 10, back: str | None = None
) -> HttpResponse | None:
    """None when the user authenticated within the last ``minutes``; otherwise a redirect to allauth's
    re-authentication page that returns to this URL (``next``). Call it first in a view that exports personal
    data: ``if (response := require_recent_auth(request)) is not None: return response``.

    ``settings.SONAE_REQUIRE_RECENT_AUTH = False`` turns the check off (the test settings do, because tests
    sign in with ``force_login``, which records no authentication time).
    """
    if recently_authenticated(request, minutes):
        return None
    # After a POST the user comes back to the page with the form (``back``, GET), not to a replayed POST.
    if back is None:
        back = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
    url = reverse("account_reauthenticate")
    if request.method not in ("GET", "HEAD"):
        messages.info(request, "個人データを出力するため、もう一度パスワードを入力してください。")
    return HttpResponseRedirect(f"{url}?{urlencode({'next': back})}")


def recent_auth_required(view=None, *, minutes: int = 10):
    """Decorator form of ``require_recent_auth``: ``@recent_auth_required`` or ``@recent_auth_required(minutes=5)``.
    Put it under ``@login_required``."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            response = require_recent_auth(request, minutes=minutes)
            if response is not None:
                return response
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
