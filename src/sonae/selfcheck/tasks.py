"""Background tasks of the self-check app (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_bcp_review_reminders() -> int:
    """Remind organisation admins when their cyber-BCP's yearly review is due (run daily by the scheduler, or by
    ``sonae selfcheck remind``). Returns how many organisations were reminded."""
    from sonae.selfcheck.services import bcp_review_reminders

    return len(bcp_review_reminders())
