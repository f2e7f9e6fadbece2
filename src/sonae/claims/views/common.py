"""Shared helpers of the claims pages: the actor, domain errors → HTTP, the case context."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from sonae.core import errors
from sonae.core.actors import Actor


def actor_for(request: HttpRequest, action: str) -> Actor:
    """The request's actor when it may ``action``. Desk, hospital and foundation see no claims at all: 404, so a
    page never shows that something exists for them; provider, insurer and agency without the power: 403."""
    actor = request.actor
    if not actor or not actor.may("claims.view"):
        raise Http404
    if not actor.may(action):
        raise PermissionDenied  # in the claims world, but not allowed this (e.g. a viewer, the agency)
    return actor


def domain_errors(view):
    """NotFound → 404 and PermissionDenied → 403 for any service or selector called by the view."""

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
    """Show a service's error on the field it names, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def back_with_error(request: HttpRequest, exc: errors.DomainError, to: str, *args) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect(to, *args)


def file_response(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download with a UTF-8 file name (RFC 6266) that never sniffs as HTML."""
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def case_context(request: HttpRequest, actor: Actor, incident) -> dict:
    """The incident case page's header and tabs (the claims tab is marked active)."""
    from sonae.incidents.views.common import case_context as incident_case_context

    return incident_case_context(request, actor, incident, "claims")
