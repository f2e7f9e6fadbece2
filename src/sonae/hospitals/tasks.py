"""Background tasks of the hospital portal (django-tasks): e-mail, and the checklist-request reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django_tasks import task


@task()
def send_hospital_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one e-mail per recipient (no recipient sees another's address)."""
    connection = get_connection()
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection)
        for address in recipients
    ]
    return connection.send_messages(messages) or 0


@task()
def send_checklist_reminders() -> dict:
    """Remind contractors that have not answered a hospital's checklist request (daily; ``sonae hospitals remind``)."""
    from .services import checklist_reminders_send

    return checklist_reminders_send()
