"""Background tasks of the incident desk (django-tasks): e-mail sending and the due-date reminders."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django_tasks import task


@task()
def send_incident_email(
    *, subject: str, body: str, recipients: list[str], notice_id: int | None = None
) -> int:
    """Send one e-mail per recipient (no recipient sees another's address); attach a notice's PDF if given."""
    attachment = None
    if notice_id is not None:
        from sonae.incidents.models import HospitalNotice
        from sonae.incidents.services.notices import notice_pdf

        notice = HospitalNotice.objects.select_related("incident").get(pk=notice_id)
        attachment = (f"{notice.incident.reference}-notice.pdf", notice_pdf(notice), "application/pdf")
    connection = get_connection()
    messages = []
    for address in recipients:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection)
        if attachment is not None:
            message.attach(*attachment)
        messages.append(message)
    return connection.send_messages(messages) or 0


@task()
def send_task_reminders() -> int:
    """Remind task owners one business day before a task is due (run by the scheduler; see ``sonae incidents``)."""
    from django.utils import timezone

    from sonae.incidents.services.reminders import task_reminders_send

    return task_reminders_send(now=timezone.now())
