"""Shared helpers of the victims pages: the case in the incident's case layout, domain errors → HTTP."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from sonae.core import errors
from sonae.victims import selectors
from sonae.victims.ratelimit import Throttled

SECTIONS = (
    ("case", "概要"),
    ("imports", "取り込み"),
    ("letters", "お詫び状"),
    ("gifts", "見舞品"),
    ("lookup", "照会"),
    ("inquiries", "問い合わせ"),
    ("settings", "設定"),
)


def domain_errors(view):
    """NotFound → 404, PermissionDenied → 403 (with the reason), Throttled → 429."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None
        except errors.PermissionDenied as exc:
            raise PermissionDenied(exc.message) from None
        except Throttled as exc:
            return HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")

    return wrapper


def case_for(request: HttpRequest, reference: str):
    """(actor, incident, victims case) for a case the actor may see at all (404 otherwise)."""
    actor = request.actor
    if not actor:
        raise PermissionDenied
    incident, case = selectors.case_get(actor, reference)
    return actor, incident, case


def provider_case_for(request: HttpRequest, reference: str):
    """``case_for`` for the parts of a case only its provider works (imports, letters): 404 for anyone else."""
    actor = request.actor
    if not actor:
        raise PermissionDenied
    incident, case = selectors.provider_case_get(actor, reference)
    return actor, incident, case


def page_context(request, actor, incident, case, section: str) -> dict:
    """The incident's case layout (header, tabs) plus the victims sub-navigation."""
    from sonae.incidents.views.common import case_context

    context = case_context(request, actor, incident, "victims")
    personal = selectors.may_see_personal(actor, incident, case)
    provider = selectors.is_provider_of(actor, incident)
    visible = {
        "case": True,
        "imports": provider,
        "letters": provider,
        "gifts": True,
        "lookup": personal,
        "inquiries": True,
        "settings": provider,
    }
    context.update(
        case=case,
        section=section,
        sections=[(name, label) for name, label in SECTIONS if visible[name]],
        may_see_personal=personal,
        is_case_provider=provider,
    )
    return context
