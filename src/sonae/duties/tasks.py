"""Background tasks of the legal duties app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_duty_reminders() -> int:
    """Remind the provider of legal-duty dates one business day before and on the day (run by the scheduler,
    e.g. hourly; safe to run as often as wanted). Returns how many reminders were sent."""
    from django.utils import timezone

    from sonae.duties.reminders import duty_reminders_send

    return duty_reminders_send(now=timezone.now())
