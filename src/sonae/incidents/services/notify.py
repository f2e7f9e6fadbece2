"""Notifications of the incident desk: in-app (core ``Notification``) at once, e-mail after commit as a task.

Issue 4 point 9: the desk on every new incident, the provider on desk actions, task owners on assignment and one
business day before due, hospitals on notices, the provider on a hospital's acknowledgement.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction

from sonae.core.models import Membership, Organisation, OrganisationKind, User
from sonae.core.services import notify

_emails_muted: ContextVar[bool] = ContextVar("sonae_incident_emails_muted", default=False)


@contextmanager
def emails_suppressed():
    """Within the block, notifications are recorded in-app but no e-mail is sent (demo data loading)."""
    token = _emails_muted.set(True)
    try:
        yield
    finally:
        _emails_muted.reset(token)


def members_of(*organisations: Organisation | None) -> list[User]:
    """Active users of the given organisations, each once."""
    ids = [org.pk for org in organisations if org is not None]
    if not ids:
        return []
    memberships = (
        Membership.objects.filter(organisation_id__in=ids, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    seen: dict[int, User] = {}
    for membership in memberships:
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


def desk_members() -> list[User]:
    return members_of(*Organisation.objects.filter(kind=OrganisationKind.DESK, is_active=True))


def notify_users(
    users: Iterable[User],
    *,
    title: str,
    body: str = "",
    url: str = "",
    organisation: Organisation | None = None,
    email: bool = True,
    exclude: User | None = None,
) -> int:
    """In-app notification for each user now (in the caller's transaction) and, after commit, one e-mail each.

    ``exclude`` is the acting user: nobody is notified of their own action. Returns how many were notified.
    """
    recipients = [
        u for u in {u.pk: u for u in users if u is not None}.values() if exclude is None or u.pk != exclude.pk
    ]
    for user in recipients:
        notify(user=user, title=title, body=body, url=url, organisation=organisation)
    addresses = [u.email for u in recipients if u.email]
    if email and addresses and not _emails_muted.get():
        link = f"{settings.SONAE_SITE_URL.rstrip('/')}{url}" if url else ""
        text = "\n\n".join(part for part in (body, link, _SIGNATURE) if part)
        transaction.on_commit(lambda: _enqueue_email(title, text, addresses))
    return len(recipients)


def _enqueue_email(subject: str, body: str, addresses: list[str], notice_id: int | None = None) -> None:
    from sonae.incidents.tasks import send_incident_email

    send_incident_email.enqueue(subject=subject, body=body, recipients=addresses, notice_id=notice_id)


def email_notice(subject: str, body: str, addresses: list[str], notice_id: int) -> None:
    """After commit, e-mail a hospital notice with its PDF attached (the task renders the PDF)."""
    if addresses and not _emails_muted.get():
        text = "\n\n".join((body, _SIGNATURE))
        transaction.on_commit(lambda: _enqueue_email(subject, text, addresses, notice_id))


_SIGNATURE = "――\n備え（Sonae） サイバー事故対応\nこのメールは送信専用です。"
