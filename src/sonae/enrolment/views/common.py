"""Helpers shared by the enrolment pages: the acting party, domain errors → 404/403, file responses."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from sonae.core import errors
from sonae.core.policy import require


def actor_for(request: HttpRequest, action: str):
    """The acting party when it may do ``action`` (the shared check, ``sonae.core.policy.require``); 403
    otherwise."""
    try:
        # ``request.actor`` is lazy: ``or None`` turns "no membership" into the None that ``require`` refuses.
        return require(request.actor or None, action)
    except errors.PermissionDenied:
        raise PermissionDenied from None


def domain_errors(view):
    """NotFound → 404 and PermissionDenied → 403 for pages (the API has its own envelope)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None
        except errors.PermissionDenied:
            raise PermissionDenied from None

    return wrapper


def file_response(content: bytes, filename: str, content_type: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename, "application/pdf")


def now():
    return timezone.now()


def add_form_error(form, exc: errors.DomainError) -> None:
    """Show a domain error on its field when the form has it, else at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
