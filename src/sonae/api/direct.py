"""Direct routes: a hot API operation served to token-authenticated clients by a plain Django view.

A Ninja operation costs some 250 µs of CPU per request on top of its own work (the authentication loop, the
parameter models with their Django getters, validating the answer against the response schema, the temporal
response), and Django finds a route of the API only after trying the root's and the API's prefixes. For most
routes that is nothing; the call centre's look-up is answered hundreds of times a second under load, and there it
is a quarter of the request. ``direct(path, body=Schema)`` on an operation adds a Django route for the same URL,
tried first, that does the same work in fewer layers for the requests that make up that load:

- a request with ``Authorization: Bearer …`` and no session cookie: the API's own ``TokenAuth`` (the same
  per-token limits and bad-token limit), the body validated by the operation's own schema (pydantic's JSON
  parser), the operation's function called as Ninja calls it, its answer written by the API's renderer, every
  error answered by the API's own exception handlers (the same envelope);
- anything else (a browser session with its CSRF check, another method) goes to the Ninja view unchanged, and so
  does a body the schema refuses: Ninja's own parameter models then give the error, so error answers are the
  same byte for byte.

The operation keeps its Ninja declaration (OpenAPI, schemas, the session path); the function must answer exactly
its response schema (tests compare both paths' answers). Routes are registered at import of the app's ``api``
module and mounted by ``sonae.urls`` before everything else (``urls``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pydantic
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path as django_path
from django.views.decorators.csrf import csrf_exempt
from ninja import Schema
from ninja.errors import AuthenticationError


@dataclass(frozen=True)
class DirectRoute:
    path: str  # Django route syntax, relative to the API's prefix
    view: Callable


_routes: list[DirectRoute] = []


def direct(path: str, *, body: type[Schema], body_name: str = "payload") -> Callable:
    """Serve the decorated Ninja operation (decorate it above the router's decorator) directly to token clients.
    ``path`` is the operation's URL in Django syntax relative to the API (``victims/<str:reference>/lookup``),
    ``body`` the schema of its JSON body, passed to the function as ``body_name``."""

    def register(view_func: Callable) -> Callable:
        _routes.append(DirectRoute(path, _direct_view(view_func, body, body_name)))
        return view_func

    return register


def urls(prefix: str) -> list:
    """The direct routes under the API's ``prefix`` (``"api/v1/"``), for the front of the root URLconf."""
    return [django_path(prefix + route.path, route.view) for route in _routes]


def has_bearer(meta) -> bool:
    """Whether a request's ``Authorization`` (its WSGI environ or ``request.META``) is ``Bearer …``."""
    scheme, _, _ = meta.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer"


def _token_only(request: HttpRequest, method: str) -> bool:
    """A request the direct view serves: the operation's method, a bearer token and no session (Ninja tries the
    token first and the session only when the token fails: without a session cookie that is a 401 either way)."""
    if request.method != method:
        return False
    return has_bearer(request.META) and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _other_auth(request: HttpRequest, operation):
    """The operation's other authentications, in Ninja's order, for a token that failed (as Ninja tries them:
    the session's CSRF check answers first)."""
    from .main import TokenAuth

    for callback in operation.auth_callbacks:
        if not isinstance(callback, TokenAuth) and (result := callback(request)):
            return result
    raise AuthenticationError()


def _direct_view(view_func: Callable, body: type[Schema], body_name: str) -> Callable:
    found = []  # (Ninja view, operation, token authentication), once the API is mounted

    @csrf_exempt
    def view(request: HttpRequest, **path_values) -> HttpResponseBase:
        # (Imported here: the apps' ``api`` modules, which register direct routes, are imported by ``main``.)
        from .main import TokenAuth, api, ninja_route

        if not found:  # (two threads may both look it up: either answer is the same)
            found.append((*ninja_route(view_func), TokenAuth()))
        ninja_view, operation, token_auth = found[0]
        if not _token_only(request, operation.methods[0]):
            return ninja_view(request, **path_values)
        try:
            request.auth = token_auth(request) or _other_auth(request, operation)
            try:
                payload = body.model_validate_json(request.body)
            except pydantic.ValidationError:
                # Ninja's parameter models give the error (or, for a body only they accept, the values).
                payload = operation._get_values(request, path_values, HttpResponse())[body_name]
            result = view_func(request, **path_values, **{body_name: payload})
        except Exception as exc:
            return api.on_exception(request, exc)
        if isinstance(result, HttpResponseBase):
            return result
        return api.create_response(request, result, status=200)

    view.direct_for = view_func  # the operation's function (tests, and what the URLconf's route stands for)
    view.__name__ = f"direct_{view_func.__name__}"
    view.__doc__ = f"Direct route of {view_func.__module__}.{view_func.__name__} (sonae.api.direct)."
    return view
