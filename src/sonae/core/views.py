"""Core pages: dashboards, organisation switcher, API tokens, notifications, organisation settings, the audit
log, errors.

Views are thin: they find the acting membership (``request.membership`` / ``request.actor``, set by
``ActiveMembershipMiddleware``), ask the policy, call one selector or service and render. Objects of another
organisation are looked up through the selectors, which answer NotFound → 404.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit_display, audit_writer, selectors, services
from .errors import InvalidInput, NotFound, ServiceUnavailable
from .forms import ApiTokenCreateForm, AuditFilterForm
from .middleware import ACTIVE_ORG_SESSION_KEY


def _actor_for(request: HttpRequest, action: str):
    """The request's actor when its membership allows ``action``; otherwise 403."""
    actor = request.actor
    if not actor or not actor.may(action):
        raise PermissionDenied
    return actor


def _first_url(*names: str) -> str | None:
    """URL of the first name that reverses (pages of apps that may not be built yet)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("core:dashboard")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The active organisation's dashboard (one template per kind), or an explanation when there is none."""
    membership = request.membership
    if not membership:
        return render(request, "core/no_membership.html")
    _actor_for(request, "dashboard.view")
    kind = membership.organisation.kind
    context = {
        "recent_notifications": selectors.notifications_for(request.user).filter(read_at__isnull=True)[:5],
        "incident_report_url": _first_url("incidents:report", "incidents:create"),
        "incidents_url": _first_url("incidents:list", "incidents:index"),
    }
    return render(request, f"core/dashboard_{kind}.html", context)


@login_required
@require_POST
def switch_org(request: HttpRequest) -> HttpResponse:
    """Act for another of the user's organisations. An organisation the user does not belong to is 404."""
    try:
        membership = selectors.membership_get_for_user(request.user, request.POST.get("organisation"))
    except NotFound:
        raise Http404 from None
    request.session[ACTIVE_ORG_SESSION_KEY] = membership.organisation_id
    messages.info(
        request,
        f"{membership.organisation.name}（{membership.organisation.get_kind_display()}）に切り替えました。",
    )
    return redirect("core:dashboard")


@login_required
@require_GET
def org_settings(request: HttpRequest) -> HttpResponse:
    """The active organisation: its details, its members, and links to account and API settings."""
    actor = _actor_for(request, "organisation.view")
    return render(
        request,
        "core/settings.html",
        {
            "members": selectors.members_of(request.membership),
            "may_manage_tokens": actor.may("api_token.manage"),
            "may_view_audit": actor.may("audit.view"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the organisation's API tokens and create one (org admins only). The secret is shown once."""
    actor = _actor_for(request, "api_token.manage")
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(
                actor=actor, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Rendered, not redirected: the secret exists only in this response and must not be cached.
            response = render(request, "core/api_token_created.html", {"token": token, "secret": secret})
            add_never_cache_headers(response)
            return response
    tokens = selectors.api_tokens_for(request.membership).select_related("created_by")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/api_tokens.html", {"tokens": tokens, "form": form}, status=status)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor_for(request, "api_token.manage")
    try:
        token = selectors.api_token_get_for(request.membership, pk)
    except NotFound:
        raise Http404 from None
    if token.is_active:
        services.api_token_revoke(actor=actor, token=token)
        messages.success(request, f"APIトークン「{token.name}」を無効にしました。")
    return redirect("core:api_tokens")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log (its admins): who did what, when and why, newest first, 50 a page, with
    filters; a provider's also lists every access to the personal data of its cases (``selectors.audit_log``)."""
    _actor_for(request, "audit.view")
    audit_writer.flush()  # this process's look-up events written behind (others write theirs within 0.1 s)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_log(request.membership, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "label": audit_display.action_label(event.action),
            "personal": audit_display.is_personal_data_access(event.action),
            "summary": audit_display.data_summary(event.data),
        }
        for event in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "core/audit_log.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's in-app notifications, newest first, 30 a page."""
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = selectors.notification_get_for_user(request.user, pk)
    except NotFound:
        raise Http404 from None
    services.notification_mark_read(user=request.user, notification=notification)
    if request.htmx:
        return render(request, "core/notifications.html#notification", {"notification": notification})
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count}件のお知らせを既読にしました。")
    return redirect("core:notifications")


# --- error pages ----------------------------------------------------------------------------------------------
# Rendered without the request context: no context processor runs, so an error page never fails because the
# database, the session or the user is what failed.


def _error_context(request: HttpRequest | None = None) -> dict:
    return {"desk_phone": settings.SONAE_DESK_PHONE}


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    html = loader.render_to_string("errors/403.html", _error_context(request))
    return HttpResponse(html, status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    html = loader.render_to_string("errors/404.html", _error_context(request))
    return HttpResponse(html, status=404)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached or used right now: connection
    refused, closed by a restarting server, or locked — a 503 that goes away by itself, not a bug."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error envelope under /api/, otherwise the Japanese page (it needs no
    database, like every error page)."""
    if request.path.startswith("/api/"):
        body = {"code": ServiceUnavailable.code, "message": ServiceUnavailable.default_message}
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        html = loader.render_to_string("errors/503.html", _error_context())
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(ServiceUnavailable.retry_after)
    add_never_cache_headers(response)
    return response


def error_500(request: HttpRequest) -> HttpResponse:
    """Django calls this while handling the uncaught exception, which ``sys.exc_info`` therefore still holds:
    when the database is unreachable — wherever it was hit, in a view or in a middleware (session, user) — the
    answer is a 503 and the next request, once the database is back, works without restarting Sonae (Django
    reconnects on the next request)."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if request.path.startswith("/api/"):  # the envelope, even when a middleware failed before the API ran
        body = {
            "code": "server_error",
            "message": "サーバーでエラーが発生しました。時間をおいて再度お試しください。",
        }
        return JsonResponse(body, status=500, json_dumps_params={"ensure_ascii": False})
    html = loader.render_to_string("errors/500.html", _error_context())
    return HttpResponseServerError(html)
