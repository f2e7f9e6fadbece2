"""Every read of core data goes through here, scoped by the acting user."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from .errors import NotFound
from .models import ApiToken, AuditEvent, Membership, Notification, Organisation


def memberships_for(user) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organisation__is_active=True).select_related("organisation")


def organisations_for(user) -> QuerySet[Organisation]:
    """Organisations the user belongs to."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, is_active=True).distinct()


def organisation_get_for_user(user, pk) -> Organisation:
    try:
        return organisations_for(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def membership_get_for_user(user, organisation_id) -> Membership:
    try:
        return memberships_for(user).get(organisation_id=organisation_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def members_of(membership) -> QuerySet[Membership]:
    """Members of the acting membership's (or API actor's) organisation."""
    return Membership.objects.filter(organisation=membership.organisation).select_related("user")


def api_tokens_for(membership) -> QuerySet[ApiToken]:
    """API tokens of the acting membership's (or API actor's) organisation."""
    return ApiToken.objects.filter(organisation=membership.organisation)


def api_token_get_for(membership, pk) -> ApiToken:
    try:
        return api_tokens_for(membership).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def notifications_for(user) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


# Further events an organisation's audit log shows besides its own members' actions, declared by the apps that
# own the data (``register_audit_scope``): e.g. a provider sees every access to its victims' personal data, a
# granted desk's look-ups included. Each function takes the membership and answers a Q on AuditEvent, or None.
_AUDIT_SCOPES: list = []


def register_audit_scope(scope) -> None:
    """Apps add a scope at import time of their policy module (``scope(membership) -> Q | None``)."""
    if scope not in _AUDIT_SCOPES:
        _AUDIT_SCOPES.append(scope)


def audit_events_for(membership: Membership) -> QuerySet[AuditEvent]:
    """Audit events an organisation's admins may read: those of its own members and of its API tokens, and those
    about its data that the registered scopes add (``register_audit_scope``). Newest first."""
    visible = Q(organisation=membership.organisation)
    for scope in _AUDIT_SCOPES:
        extra = scope(membership)
        if extra is not None:
            visible |= extra
    return AuditEvent.objects.filter(visible).select_related("actor", "organisation").order_by("-at", "-id")


def audit_log(
    membership: Membership,
    *,
    kind: str = "",
    incident: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """``audit_events_for`` narrowed by the audit log page's filters: ``kind`` "personal" (accesses to personal
    data) or "other", the incident's reference, part of the actor's e-mail address, and Tokyo dates (inclusive)."""
    from datetime import datetime, time, timedelta

    from sonae.jp.calendar import TOKYO

    from .audit_display import PERSONAL_DATA_PREFIX

    events = audit_events_for(membership)
    if kind == "personal":
        events = events.filter(action__startswith=PERSONAL_DATA_PREFIX)
    elif kind == "other":
        events = events.exclude(action__startswith=PERSONAL_DATA_PREFIX)
    if incident:
        events = events.filter(data__incident=incident.strip().upper())
    if actor:
        events = events.filter(actor_label__icontains=actor.strip())
    if since is not None:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=TOKYO))
    if until is not None:
        events = events.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=TOKYO))
    return events


def notification_get_for_user(user, pk) -> Notification:
    """One of the user's own notifications; anyone else's is NotFound."""
    try:
        return notifications_for(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
