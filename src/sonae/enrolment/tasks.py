"""Background tasks of enrolment (django-tasks)."""

from django_tasks import task


@task()
def send_enrolment_reminders() -> dict:
    """Send today's deadline reminders (run daily by the scheduler or ``sonae enrolment remind``)."""
    from .services import reminders_send

    return reminders_send()
