"""Every write of core data: organisations, memberships, API tokens, notifications."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .actors import Actor
from .audit import audit_record
from .errors import InvalidInput, PermissionDenied
from .localcache import TtlCache
from .models import ApiToken, Membership, Notification, Organisation, Role, User

TOKEN_PREFIX = "sonae_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def organisation_create(
    *, kind: str, name: str, code: str, created_by: User | None = None, **fields
) -> Organisation:
    """Create an organisation (admin and demo use)."""
    org = Organisation.objects.create(kind=kind, name=name, code=code, **fields)
    audit_record(
        action="organisation.created", actor=created_by, organisation=org, target=org, data={"kind": kind}
    )
    return org


@transaction.atomic
def membership_add(
    *, organisation: Organisation, user: User, role: str, added_by: User | None = None
) -> Membership:
    if role not in Role.values:
        raise InvalidInput("権限は admin / staff / viewer のいずれかです。", field="role")
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    audit_record(
        action="membership.added" if created else "membership.role_changed",
        actor=added_by,
        organisation=organisation,
        target=membership,
        data={"user_id": user.pk, "role": role},
    )
    return membership


def api_token_create(*, actor: Actor, name: str, role: str = Role.STAFF) -> tuple[ApiToken, str]:
    """Create an API token for the actor's organisation. Returns the token and its secret (shown once)."""
    if not actor.may("api_token.manage"):
        raise PermissionDenied()
    name = (name or "").strip()
    if not name:
        raise InvalidInput("トークンの名前を入力してください。", field="name")
    if role not in Role.values:
        raise InvalidInput("権限は admin / staff / viewer のいずれかです。", field="role")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            organisation=actor.organisation,
            name=name[:100],
            prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
            token_hash=hash_token(secret),
            role=role,
            created_by=actor.user,
        )
        audit_record(
            action="api_token.created",
            actor=actor.user,
            organisation=actor.organisation,
            target=token,
            data={"name": token.name, "role": role},
        )
    return token, secret


def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if not actor.may("api_token.manage") or token.organisation_id != actor.organisation.pk:
        raise PermissionDenied()
    with transaction.atomic(durable=True):
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked", actor=actor.user, organisation=actor.organisation, target=token
        )
    return token


_tokens = TtlCache("api_tokens")
_tokens.clear_on_save(ApiToken, Organisation)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token matching ``secret``, or None. Updates ``last_used_at`` at most once a minute.

    The token and its organisation are kept in this process for a few seconds (``sonae.core.localcache``): a
    revoked token, or one of a deactivated organisation, is refused everywhere within that time and at once in
    the process that revoked it. The returned token is shared: callers must not change it.
    """
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(secret)
    token = _tokens.get_or_load(
        digest,
        lambda: (
            ApiToken.objects.select_related("organisation")
            .filter(token_hash=digest, revoked_at__isnull=True, organisation__is_active=True)
            .first()
        ),
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def notify(
    *, user: User, title: str, body: str = "", url: str = "", organisation: Organisation | None = None
):
    """Add an in-app notification (callers send e-mail separately, after commit)."""
    return Notification.objects.create(
        user=user, organisation=organisation, title=title[:200], body=body, url=url
    )


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's notifications as read (idempotent: the first read time is kept)."""
    if notification.user_id != user.pk:
        raise PermissionDenied()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all of the user's unread notifications as read. Returns how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
