"""Request middleware: the active membership, and the two-factor gate for staff organisations."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import policy
from .actors import Actor
from .selectors import memberships_for

ACTIVE_ORG_SESSION_KEY = "sonae_active_org"


def _active_membership(request):
    user = getattr(request, "user", None)
    memberships = list(memberships_for(user))
    if not memberships:
        return None
    wanted = request.session.get(ACTIVE_ORG_SESSION_KEY)
    for m in memberships:
        if m.organisation_id == wanted:
            return m
    return memberships[0]


def _actor(request):
    membership = request.membership
    return Actor.from_membership(membership) if membership else None


class ActiveMembershipMiddleware:
    """Sets ``request.membership`` (the organisation the user is acting for, or None)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _active_membership(request))
        request.actor = SimpleLazyObject(lambda: _actor(request))
        return self.get_response(request)


# Paths usable before TOTP enrolment: allauth (login, logout, MFA set-up), static files and the API (tokens).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/i18n/", "/favicon")


class RequireMfaMiddleware:
    """Agency, insurer and desk members cannot use anything until they have enrolled a TOTP device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and totp_pending(request)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def totp_pending(request) -> bool:
    """True while the signed-in user belongs to an agency, insurer or desk and has not enrolled a TOTP device;
    asked once per request (this middleware, then the navbar and the banner read the answer kept on the request)."""
    pending = getattr(request, "_sonae_totp_pending", None)
    if pending is None:
        user = getattr(request, "user", None)
        pending = bool(
            user is not None and user.is_authenticated and policy.requires_mfa(user) and not _has_totp(user)
        )
        request._sonae_totp_pending = pending
    return pending


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
