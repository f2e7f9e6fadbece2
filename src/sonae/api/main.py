"""The Ninja API at /api/v1/: authentication, the error envelope and the routers of every app.

Authentication: a per-organisation API token (``Authorization: Bearer sonae_…``) or the browser session (with
CSRF). Either way the handler sees ``request.auth`` as an :class:`~sonae.core.actors.Actor`.
Errors always use one envelope: ``{"code": "<machine code>", "message": "<Japanese message>"}``.
"""

from __future__ import annotations

import logging

from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.operation import PathView
from ninja.security import APIKeyCookie, HttpBearer

from sonae.core import policy
from sonae.core.actors import Actor
from sonae.core.errors import DomainError, ServiceUnavailable
from sonae.core.middleware import _has_totp
from sonae.core.ratelimit import client_ip, hit_named
from sonae.core.selectors import memberships_for
from sonae.core.services import api_token_authenticate

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    openapi_description = "組織ごとのAPIトークン（Authorization: Bearer sonae_…）"

    def authenticate(self, request, token):
        api_token = api_token_authenticate(token)
        if api_token is None:
            # Guessing tokens: limit failed attempts per IP (SONAE_RATE_LIMITS["api_bad_token"]).
            wait = hit_named("api_bad_token", client_ip(request))
            if wait is not None:
                raise Throttled(wait)
            return None
        wait = hit_named("api_token", str(api_token.pk))  # per token, e.g. 600 a minute
        if wait is not None:
            raise Throttled(wait)
        return Actor.from_token(api_token)


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in user acting for their active organisation."""

    openapi_description = "ログイン中のブラウザセッション（CSRFトークンが必要）"

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if policy.requires_mfa(user) and not _has_totp(user):
            return None
        membership = getattr(request, "membership", None)
        if not membership:
            first = memberships_for(user).first()
            if first is None:
                return None
            membership = first
        return Actor.from_membership(membership)


api = NinjaAPI(
    title="Sonae API",
    version="1",
    description="医療関連サービス事業者向けサイバー保険制度・インシデント対応プラットフォーム「備え（Sonae）」のAPI。"
    'エラーは常に {"code": 機械可読コード（英語）, "message": 日本語メッセージ} の形式で返します。',
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def envelope(request, status: int, code: str, message: str, **extra):
    body = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    response = envelope(request, exc.status, exc.code, exc.message, field=exc.field)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "type": err.get("type", "")})
    return envelope(
        request, 422, "invalid_input", "入力内容に誤りがあります。項目を確認してください。", errors=fields
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return envelope(
        request, 401, "unauthenticated", "認証が必要です。APIトークンまたはログインを確認してください。"
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return envelope(request, 404, "not_found", "指定されたデータが見つかりません。")


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = envelope(
        request, 429, "throttled", "リクエストが多すぎます。しばらくしてから再度お試しください。"
    )
    response["Retry-After"] = str(max(1, int(exc.wait or 1)))
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    codes = {
        400: "bad_request",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        429: "throttled",
    }
    messages = {
        403: "この操作を行う権限がありません。",
        404: "指定されたデータが見つかりません。",
        429: "リクエストが多すぎます。しばらくしてから再度お試しください。",
    }
    return envelope(
        request,
        exc.status_code,
        codes.get(exc.status_code, "error"),
        messages.get(exc.status_code, str(exc.message)),
    )


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc):
    # A number beyond what the database can store (e.g. an id of 10^30) is bad input, not a server error.
    return envelope(request, 400, "invalid_input", "数値が大きすぎます。入力内容を確認してください。")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _service_unavailable(request, exc):
    # The database cannot be reached (restarting, failed over): a 503 the client may retry; Django reconnects on
    # the next request, so this clears by itself when the database is back.
    logger.warning("API request without a database: %s", exc)
    response = envelope(request, 503, ServiceUnavailable.code, ServiceUnavailable.default_message)
    response["Retry-After"] = str(ServiceUnavailable.retry_after)
    return response


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("unhandled API error", exc_info=exc)
    return envelope(
        request, 500, "server_error", "サーバーでエラーが発生しました。時間をおいて再度お試しください。"
    )


# Apps that expose routes provide ``sonae/<app>/api.py`` with a ``router`` (schemas live with their app).
APP_ROUTERS = [
    "programme",
    "enrolment",
    "selfcheck",
    "incidents",
    "duties",
    "victims",
    "claims",
    "hospitals",
    "rights",
    "webhooks",
]


def _register_routers() -> None:
    from importlib import import_module

    from sonae.core.modules import module_exists

    from .core import router as core_router
    from .rules import router as rules_router

    api.add_router("/", core_router)
    api.add_router("/", rules_router)
    for app in APP_ROUTERS:
        if module_exists(f"sonae.{app}.api"):
            api.add_router("/", import_module(f"sonae.{app}.api").router)


_register_routers()


_api_views: list = []  # the views of ``api.urls`` as mounted (``grouped_urls``)


def ninja_route(view_func):
    """The mounted Ninja view serving the operation function ``view_func``, and the operation (``direct``)."""
    for view in _api_views:
        for cell in getattr(view, "__closure__", None) or ():
            path_view = cell.cell_contents
            if isinstance(path_view, PathView):
                for operation in path_view.operations:
                    if operation.view_func is view_func:
                        return view, operation
    raise LookupError(f"{view_func.__qualname__} is not an operation of the mounted API")


def grouped_urls() -> tuple[list, str, str]:
    """``api.urls`` with its routes nested by their first path segment, for ``include`` in the root URLconf.

    Django tries a URLconf's patterns one after another. Ninja gives one flat list of every route of the API
    (over 200), so a request to a route near its end — the call centre's look-up among them — ran a regular
    expression against most of them first (about 0.3 ms a request). Nested under one ``include`` per first
    segment ("victims/", "incidents/", …), a request tries the ~25 prefixes, then the routes of its own segment.
    Names, views and arguments are unchanged, and so is the order of the routes within a segment (routes of
    different segments can never match the same path, so their order never mattered). Routes without a literal
    first segment stay where they are.
    """
    from django.urls import include, path

    patterns, app_name, namespace = api.urls
    _api_views[:] = [pattern.callback for pattern in patterns]
    groups: dict[str, list] = {}
    layout: list = []  # patterns kept as they are, and the first segment of each group, in order
    for pattern in patterns:
        head, slash, rest = str(pattern.pattern).partition("/")
        if not slash or not head or "<" in head:
            layout.append(pattern)
            continue
        if head not in groups:
            groups[head] = []
            layout.append(head)
        groups[head].append(path(rest, pattern.callback, kwargs=pattern.default_args, name=pattern.name))
    nested = [path(f"{item}/", include(groups[item])) if isinstance(item, str) else item for item in layout]
    return nested, app_name, namespace
