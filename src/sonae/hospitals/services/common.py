"""Helpers shared by the hospital portal's services: permission checks, audit arguments, notifications."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from sonae.core.actors import Actor
from sonae.core.errors import PermissionDenied
from sonae.core.models import Membership, Organisation, User
from sonae.core.services import notify

SIGNATURE = "――\n備え（Sonae） 医療機関ポータル\nこのメールは送信専用です。"

_emails_muted: ContextVar[bool] = ContextVar("sonae_hospital_emails_muted", default=False)


@contextmanager
def emails_suppressed():
    """Within the block, notifications are recorded in-app but no e-mail is sent (demo data loading)."""
    token = _emails_muted.set(True)
    try:
        yield
    finally:
        _emails_muted.reset(token)


def require(actor: Actor | None, action: str, kind: str | None = None) -> None:
    """PermissionDenied unless the actor may do ``action`` (and acts for an organisation of ``kind``)."""
    if actor is None or not actor.may(action) or (kind is not None and actor.kind != kind):
        raise PermissionDenied()


def audit_actor(actor: Actor | None) -> dict:
    if actor is None:
        return {"actor": None, "organisation": None}
    return {"actor": actor.user, "organisation": actor.organisation}


def actor_label(actor: Actor) -> str:
    if actor.user is not None:
        return f"{actor.user}（{actor.organisation.name}）"
    token = actor.token.name if actor.token is not None else ""
    return f"APIトークン「{token}」（{actor.organisation.name}）"


def url_of(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def members_of(organisation: Organisation) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ]


def send_email_after_commit(subject: str, body: str, addresses: Iterable[str]) -> None:
    """Queue one e-mail per address once the transaction commits."""
    addresses = sorted({a for a in addresses if a})
    if not addresses or _emails_muted.get():
        return
    text = "\n\n".join((body, SIGNATURE))

    def enqueue():
        from sonae.hospitals.tasks import send_hospital_email

        send_hospital_email.enqueue(subject=subject, body=text, recipients=addresses)

    transaction.on_commit(enqueue)


def notify_organisation(
    organisation: Organisation,
    *,
    title: str,
    body: str = "",
    url: str = "",
    exclude: User | None = None,
    email: bool = True,
) -> int:
    """In-app notification for every member of ``organisation`` (except the acting user) and, after commit, an
    e-mail to each of them. Returns how many were notified."""
    users = [u for u in members_of(organisation) if exclude is None or u.pk != exclude.pk]
    for user in users:
        notify(user=user, title=title, body=body, url=url, organisation=organisation)
    if email:
        link = f"{settings.SONAE_SITE_URL.rstrip('/')}{url}" if url else ""
        send_email_after_commit(title, "\n\n".join(p for p in (body, link) if p), [u.email for u in users])
    return len(users)
