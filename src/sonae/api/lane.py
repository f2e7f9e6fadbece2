"""The token lane: the API's direct routes, asked with a bearer token and no cookie, served by a Django handler
whose middleware chain is only what such a request needs (``settings.SONAE_TOKEN_LANE_MIDDLEWARE``).

Django runs every middleware of ``settings.MIDDLEWARE`` on every request. Most of Sonae's serve browser
sessions: the session, CSRF, the signed-in user and their active organisation, allauth's flows, messages, htmx,
the staff session time-out, MFA, the sign-in lock-out, and static files. For a request that carries no cookie and
authenticates with an API token they find nothing to do, yet together they cost about as much as a trivial view
(some 250 µs here), which is a fifth of the call centre's look-up under load (``sonae.api.direct``).

``TokenLane`` wraps the project's WSGI application (``sonae.wsgi``). A request goes to the lane's handler when:

- it carries no cookie (so no session, no CSRF cookie, no language cookie),
- its ``Authorization`` is ``Bearer …``, and
- its path is one of the URLconf's direct routes (``sonae.api.direct``; those views authenticate the token
  themselves and are CSRF-exempt).

Everything else goes to the full chain. The lane's handler is Django's own ``WSGIHandler`` (the same request,
signals, database-connection handling, exception handling and URLconf) built with the shorter list. It keeps the
middleware that shapes or guards an API answer: the security headers, the language (``Accept-Language``), the
host check and ``Content-Length``, the frame and content-security policies, and the request context of model
history. Its answers are those of the full chain except ``Vary: Cookie``, which the full chain adds because its
session middleware read the (empty) session; tests compare both chains' answers.

``SONAE_TOKEN_LANE = 0`` turns the lane off (every request through the full chain). ASGI (``sonae.asgi``) has no
lane: Sonae is served by gunicorn's WSGI workers (docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_path_info
from django.urls import URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from .direct import has_bearer


class LaneHandler(WSGIHandler):
    """Django's WSGI handler with ``settings.SONAE_TOKEN_LANE_MIDDLEWARE`` instead of ``settings.MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        # Django reads the list from settings.MIDDLEWARE. The handler is built once, at start-up (``sonae.wsgi``),
        # before the process serves anything: the setting is swapped for the time of the build.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = list(settings.SONAE_TOKEN_LANE_MIDDLEWARE)
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class TokenLane:
    """A WSGI application: ``full`` (the project's handler), with the direct routes' token requests sent to a
    ``LaneHandler`` instead (see the module doc)."""

    def __init__(self, full):
        self.full = full
        self.lane = LaneHandler()
        # The URLconf's direct routes (the root URLconf is loaded now, as a first request would).
        direct = [
            p for p in get_resolver().url_patterns if hasattr(getattr(p, "callback", None), "direct_for")
        ]
        self._direct = URLResolver(RegexPattern(r"^/"), direct)

    def takes(self, environ) -> bool:
        """Whether the request goes to the lane."""
        if environ.get("HTTP_COOKIE") or not has_bearer(environ):
            return False
        try:
            self._direct.resolve(get_path_info(environ))
        except Resolver404:
            return False
        return True

    def __call__(self, environ, start_response):
        handler = self.lane if self.takes(environ) else self.full
        return handler(environ, start_response)


def with_token_lane(application):
    """``application`` behind the token lane, unless ``SONAE_TOKEN_LANE`` is off."""
    if not getattr(settings, "SONAE_TOKEN_LANE", True):
        return application
    return TokenLane(application)
