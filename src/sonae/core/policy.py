"""One place that answers "may this user do X (to this object)?".

Actions are declared in ``POLICY`` as (organisation kinds allowed, minimum role). Object-level scoping (which
rows a user sees at all) lives in the selectors; this module only answers capability questions. An action that
is not declared is denied: an empty rule never means "allow".
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied
from .models import Membership, Role

ROLE_RANK = {Role.VIEWER: 0, Role.STAFF: 1, Role.ADMIN: 2}

ALL_KINDS = frozenset({"provider", "agency", "insurer", "desk", "foundation", "hospital"})


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[str]
    min_role: str = Role.VIEWER


POLICY: dict[str, Rule] = {
    "dashboard.view": Rule(ALL_KINDS),
    "organisation.view": Rule(ALL_KINDS),
    "api_token.manage": Rule(ALL_KINDS, Role.ADMIN),
    "member.manage": Rule(ALL_KINDS, Role.ADMIN),
    # The organisation's audit log (``core.views.audit_log``): its admins.
    "audit.view": Rule(frozenset({"provider", "agency", "insurer", "desk", "hospital"}), Role.ADMIN),
}


def register(action: str, kinds, min_role: str = Role.VIEWER) -> None:
    """Apps declare their actions at import time of their policy module (never from the database)."""
    POLICY[action] = Rule(frozenset(kinds), min_role)


def require(actor, action: str):
    """The capability check of services and API routes: PermissionDenied (403) unless ``actor`` (a
    ``sonae.core.actors.Actor``, or None) may do ``action``. Returns the actor. Where a refusal must not reveal
    that a thing exists, selectors raise NotFound instead."""
    if actor is None or not actor.may(action):
        raise PermissionDenied()
    return actor


def membership_allows(membership: Membership | None, action: str) -> bool:
    """True when this membership's organisation kind and role satisfy the action's rule."""
    if membership is None:
        return False
    rule = POLICY.get(action)
    if rule is None or not rule.kinds:
        return False
    if membership.organisation.kind not in rule.kinds:
        return False
    return ROLE_RANK[Role(membership.role)] >= ROLE_RANK[Role(rule.min_role)]


def user_may(user, action: str, organisation=None) -> bool:
    """True when some membership of ``user`` (in ``organisation`` when given) allows ``action``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    memberships = Membership.objects.filter(user=user, organisation__is_active=True).select_related(
        "organisation"
    )
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return any(membership_allows(m, action) for m in memberships)


_REQUIRES_MFA = "_sonae_requires_mfa"


def requires_mfa(user) -> bool:
    """Agency, insurer and desk members must enrol a TOTP device (DESIGN §1).

    The answer is kept on the user object: ``request.user`` is loaded afresh for each request, and the staff-session
    check, the two-factor gate (then the navbar and the banner) and the API's session sign-in all ask on the first
    page of a session — one query a page instead of one per asker."""
    from django.conf import settings

    if user is None or not user.is_authenticated:
        return False
    required = getattr(user, _REQUIRES_MFA, None)
    if required is None:
        required = Membership.objects.filter(
            user=user, organisation__kind__in=settings.SONAE_MFA_REQUIRED_KINDS, organisation__is_active=True
        ).exists()
        setattr(user, _REQUIRES_MFA, required)
    return required
