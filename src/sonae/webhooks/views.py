"""Pages of the webhooks app (organisation admins): endpoints, their delivery log, test events, secrets.

The secret is rendered, never redirected to, and the response is not cached: it exists only in that response.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from sonae.core import errors

from . import selectors, services
from .events import EVENT_TYPES
from .forms import EndpointForm
from .models import DeliveryStatus
from .services import MAX_ATTEMPTS, RETRY_DELAYS


def _actor(request: HttpRequest):
    actor = request.actor
    if not actor or not actor.may("webhook.manage"):
        raise PermissionDenied
    return actor


def domain_errors(view):
    """NotFound → 404 and PermissionDenied → 403 for any service or selector the view calls."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None
        except errors.PermissionDenied:
            raise PermissionDenied from None

    return wrapper


def _form_error(form, exc: errors.DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _secret_page(request, endpoint, secret: str, *, new: bool) -> HttpResponse:
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "new": new})
    add_never_cache_headers(response)
    return response


def _retry_schedule() -> str:
    def label(delay) -> str:
        minutes = int(delay.total_seconds() // 60)
        return f"{minutes // 60}時間" if minutes >= 60 else f"{minutes}分"

    return "、".join(label(d) for d in RETRY_DELAYS)


@login_required
@require_http_methods(["GET"])
@domain_errors
def endpoint_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    endpoints = list(selectors.endpoints_for(actor))
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "endpoints": endpoints,
            "events": EVENT_TYPES,
            "max_attempts": MAX_ATTEMPTS,
            "retry_schedule": _retry_schedule(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def endpoint_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = EndpointForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(actor=actor, **form.cleaned_data)
        except errors.InvalidInput as exc:
            _form_error(form, exc)
        else:
            return _secret_page(request, endpoint, secret, new=True)
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None}, status=status)


@login_required
@require_http_methods(["GET"])
@domain_errors
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    endpoint = selectors.endpoint_get(actor, pk)
    deliveries = selectors.deliveries_for(actor, endpoint)
    status = request.GET.get("status")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "page": page,
            "deliveries": page.object_list,
            "status_filter": status if status in DeliveryStatus.values else "",
            "statuses": DeliveryStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    endpoint = selectors.endpoint_get(actor, pk)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "is_active": endpoint.is_active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(actor=actor, endpoint=endpoint, **form.cleaned_data)
        except errors.InvalidInput as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"送信先「{form.cleaned_data['name']}」を更新しました。")
            return redirect("webhooks:detail", endpoint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}, status=status)


@login_required
@require_POST
@domain_errors
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    endpoint = selectors.endpoint_get(actor, pk)
    delivery = services.endpoint_send_test(actor=actor, endpoint=endpoint)
    messages.info(
        request,
        "テストイベントを送信しました。結果はこの画面に表示されます（反映まで数秒かかることがあります）。",
    )
    return redirect("webhooks:delivery", delivery.uuid)


@login_required
@require_POST
@domain_errors
def endpoint_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    endpoint = selectors.endpoint_get(actor, pk)
    endpoint, secret = services.endpoint_rotate_secret(actor=actor, endpoint=endpoint)
    return _secret_page(request, endpoint, secret, new=False)


@login_required
@require_POST
@domain_errors
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    endpoint = selectors.endpoint_get(actor, pk)
    name = endpoint.name
    services.endpoint_delete(actor=actor, endpoint=endpoint)
    messages.success(request, f"送信先「{name}」を削除しました。")
    return redirect("webhooks:list")


@login_required
@require_http_methods(["GET"])
@domain_errors
def delivery_detail(request: HttpRequest, delivery_id) -> HttpResponse:
    actor = _actor(request)
    delivery = selectors.delivery_get(actor, str(delivery_id))
    return render(
        request,
        "webhooks/delivery.html",
        {"delivery": delivery, "endpoint": delivery.endpoint, "attempts": delivery.attempt_log.all()},
    )


@login_required
@require_POST
@domain_errors
def delivery_redeliver(request: HttpRequest, delivery_id) -> HttpResponse:
    actor = _actor(request)
    delivery = selectors.delivery_get(actor, str(delivery_id))
    try:
        again = services.delivery_redeliver(actor=actor, delivery=delivery)
    except errors.InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("webhooks:delivery", delivery.uuid)
    messages.success(request, "同じ内容をもう一度送信しました。")
    return redirect("webhooks:delivery", again.uuid)
