"""Shared helpers of the incident pages: the actor, the case lookup, domain errors → HTTP/form errors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from sonae.core import errors
from sonae.core.actors import Actor
from sonae.core.models import OrganisationKind
from sonae.incidents import selectors
from sonae.incidents.models import Incident

CASE_TABS = (
    ("detail", "概要"),
    ("tasks", "タスク"),
    ("timeline", "タイムライン"),
    ("evidence", "証拠"),
    ("case_vendors", "ベンダー"),
    ("notices", "委託元への通知"),
)


def actor_for(request: HttpRequest, action: str) -> Actor:
    """The request's actor when its membership allows ``action``; otherwise 403."""
    actor = request.actor
    if not actor or not actor.may(action):
        raise PermissionDenied
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


def case_for(request: HttpRequest, reference: str) -> tuple[Actor, Incident]:
    """The actor and the case, scoped by the selectors: a case outside the actor's scope — another provider's, or
    any case for a hospital or the foundation — is 404, so its existence never shows."""
    actor = request.actor
    if not actor:
        raise PermissionDenied
    return actor, selectors.incident_get(actor, reference)


def add_form_error(form, exc: errors.DomainError) -> None:
    """Show a service's error on the field it names, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def redirect_with_error(request: HttpRequest, exc: errors.DomainError, to: str, *args):
    messages.error(request, exc.message)
    return redirect(to, *args)


def case_context(request: HttpRequest, actor: Actor, incident: Incident, tab: str) -> dict:
    """What every tab of the case page needs: the header, the tabs the actor may open, the actor's powers."""
    may_evidence = selectors.may_see_evidence(actor, incident)
    tabs = [(name, label) for name, label in CASE_TABS if name != "evidence" or may_evidence]
    return {
        "incident": incident,
        "tab": tab,
        "tabs": tabs,
        "is_desk": actor.kind == OrganisationKind.DESK,
        "is_provider": actor.kind == OrganisationKind.PROVIDER,
        "may_work": selectors.may_work_on(actor, incident),
        "may_see_caller": selectors.may_see_caller(actor, incident),
        "may_see_evidence": may_evidence,
        "overdue": selectors.is_overdue(incident, timezone.now()),
    }
