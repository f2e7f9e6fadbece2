"""Helpers shared by the hospital portal's pages: the acting party, domain errors → 404/403, form errors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from sonae.core import errors
from sonae.core.actors import Actor
from sonae.jp.calendar import tokyo_date


def actor_for(request: HttpRequest, action: str, kind: str | None = None) -> Actor:
    """The acting party when it may do ``action`` (as an organisation of ``kind``); 403 otherwise."""
    actor = request.actor
    if not actor or not actor.may(action) or (kind is not None and actor.kind != kind):
        raise PermissionDenied
    return actor


def domain_errors(view):
    """NotFound → 404 and PermissionDenied → 403 for any selector or service the view calls."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None
        except errors.PermissionDenied:
            raise PermissionDenied from None

    return wrapper


def add_form_error(form, exc: errors.DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def redirect_with_error(request: HttpRequest, exc: errors.DomainError, to: str, *args) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(to, *args)


def now_and_today():
    now = timezone.now()
    return now, tokyo_date(now)


def file_response(content: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
