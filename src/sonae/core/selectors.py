"""Every read of core data goes through here, scoped by the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

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


def audit_events_for(membership: Membership) -> QuerySet[AuditEvent]:
    """Audit events of the membership's own organisation."""
    return AuditEvent.objects.filter(organisation=membership.organisation).select_related("actor")


def notification_get_for_user(user, pk) -> Notification:
    """One of the user's own notifications; anyone else's is NotFound."""
    try:
        return notifications_for(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
