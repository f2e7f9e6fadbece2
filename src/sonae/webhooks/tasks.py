"""Background task of the webhooks app (django-tasks): one delivery attempt."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Attempt a webhook delivery (claims it first, so a duplicate task does nothing); returns its status."""
    from .services import delivery_attempt

    delivery = delivery_attempt(delivery_id)
    return delivery.status if delivery is not None else "skipped"
