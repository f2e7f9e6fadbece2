"""Every write of the webhooks app: endpoints (made, changed, removed, new secret, test event), ``emit`` for the
other apps, and the delivery of one attempt with its retry schedule.

Delivery: ``emit`` stores one ``Delivery`` per subscribed active endpoint in the caller's transaction and, after
commit, enqueues the ``deliver_webhook`` task. An attempt first claims the delivery with a conditional update
(only one worker sends it), posts it, logs the attempt and either finishes or schedules the next attempt after
``RETRY_DELAYS`` by re-enqueueing the task with ``run_after``. ``deliveries_requeue_due`` (``sonae webhooks
sweep``, run by the timer) enqueues whatever is due but not queued — after a worker died, or on a task backend
that cannot defer — so nothing is lost.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import Organisation

from . import signing, transport
from .events import EVENTS, TEST_EVENT
from .models import OPEN_STATUSES, Delivery, DeliveryAttempt, DeliveryStatus, EmittedOnce, WebhookEndpoint

logger = logging.getLogger(__name__)

# Back-off after the 1st, 2nd, … failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h; then the delivery fails.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# An attempt holds its delivery for this long; a worker that died mid-attempt frees it when the lease ends.
ATTEMPT_LEASE = timedelta(minutes=2)
MAX_ENDPOINTS_PER_ORGANISATION = 20


def allow_private_addresses() -> bool:
    """Whether webhook URLs may point at loopback/private addresses (development and tests; production only with
    ``SONAE_WEBHOOKS_ALLOW_PRIVATE=1``)."""
    default = not getattr(settings, "PRODUCTION", False)
    return bool(getattr(settings, "SONAE_WEBHOOKS_ALLOW_PRIVATE", default))


def _timeout() -> float:
    return float(getattr(settings, "SONAE_WEBHOOKS_TIMEOUT", 10))


def _require(actor: Actor | None, endpoint: WebhookEndpoint | None = None) -> None:
    if actor is None or not actor.may("webhook.manage"):
        raise PermissionDenied()
    if endpoint is not None and endpoint.organisation_id != actor.organisation.pk:
        raise PermissionDenied()


def _clean(name: str, url: str, event_types: Iterable[str]) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("送信先の名前を入力してください。", field="name")
    if len(name) > 100:
        raise InvalidInput("名前は100文字以内で入力してください。", field="name")
    url = (url or "").strip()
    try:
        transport.check_literal_host(url, allow_private=allow_private_addresses())
    except transport.UnsafeURL as exc:
        raise InvalidInput(str(exc), field="url") from None
    chosen = list(dict.fromkeys(event_types or []))
    unknown = [code for code in chosen if code not in EVENTS]
    if unknown:
        raise InvalidInput(f"イベントの種類が正しくありません: {', '.join(unknown)}", field="event_types")
    if not chosen:
        raise InvalidInput("通知するイベントを1つ以上選んでください。", field="event_types")
    # Catalogue order, so lists read the same everywhere.
    return name, url, [code for code in EVENTS if code in chosen]


def _hint(secret: str) -> str:
    return secret[: len(signing.SECRET_PREFIX) + 4]


def endpoint_create(
    *, actor: Actor, name: str, url: str, event_types: Sequence[str], is_active: bool = True
) -> tuple[WebhookEndpoint, str]:
    """Add an endpoint for the actor's organisation. Returns it and its secret (shown once, stored encrypted)."""
    _require(actor)
    name, url, event_types = _clean(name, url, event_types)
    secret = signing.generate_secret()
    with transaction.atomic():
        if (
            WebhookEndpoint.objects.filter(organisation=actor.organisation).count()
            >= MAX_ENDPOINTS_PER_ORGANISATION
        ):
            raise InvalidInput(f"送信先は1組織あたり{MAX_ENDPOINTS_PER_ORGANISATION}件までです。")
        endpoint = WebhookEndpoint.objects.create(
            organisation=actor.organisation,
            name=name,
            url=url,
            secret=secret,
            secret_hint=_hint(secret),
            event_types=event_types,
            is_active=bool(is_active),
            created_by=actor.user,
        )
        audit_record(
            action="webhook.endpoint_created",
            actor=actor.user,
            organisation=actor.organisation,
            target=endpoint,
            data={"name": name, "url": url, "event_types": event_types, "is_active": endpoint.is_active},
        )
    return endpoint, secret


def endpoint_update(
    *,
    actor: Actor,
    endpoint: WebhookEndpoint,
    name: str | None = None,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint (``None`` leaves a field as it is). Deliveries already queued keep their body."""
    _require(actor, endpoint)
    new_name, new_url, new_events = _clean(
        endpoint.name if name is None else name,
        endpoint.url if url is None else url,
        endpoint.event_types if event_types is None else event_types,
    )
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        wanted = {"name": new_name, "url": new_url, "event_types": new_events}
        if is_active is not None:
            wanted["is_active"] = bool(is_active)
        changed = [field for field, value in wanted.items() if getattr(endpoint, field) != value]
        if not changed:
            return endpoint
        for field in changed:
            setattr(endpoint, field, wanted[field])
        endpoint.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="webhook.endpoint_updated",
            actor=actor.user,
            organisation=actor.organisation,
            target=endpoint,
            data={field: wanted[field] for field in changed},
        )
    return endpoint


def endpoint_delete(*, actor: Actor, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its delivery log."""
    _require(actor, endpoint)
    with transaction.atomic():
        audit_record(
            action="webhook.endpoint_deleted",
            actor=actor.user,
            organisation=actor.organisation,
            target=endpoint,
            data={"name": endpoint.name, "url": endpoint.url},
        )
        endpoint.delete()


def endpoint_rotate_secret(*, actor: Actor, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """Give the endpoint a new secret (the old one stops working at once). Returns the new secret (shown once)."""
    _require(actor, endpoint)
    secret = signing.generate_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret = secret
        endpoint.secret_hint = _hint(secret)
        endpoint.save(update_fields=["secret", "secret_hint", "updated_at"])
        audit_record(
            action="webhook.secret_rotated",
            actor=actor.user,
            organisation=actor.organisation,
            target=endpoint,
        )
    return endpoint, secret


def endpoint_send_test(*, actor: Actor, endpoint: WebhookEndpoint) -> Delivery:
    """Send a ``webhook.test`` event to this endpoint now (one attempt, no retries), whatever it subscribes to."""
    _require(actor, endpoint)
    with transaction.atomic():
        delivery = _delivery_for(
            endpoint,
            event_type=TEST_EVENT,
            event_id=uuid.uuid4(),
            occurred_at=timezone.now(),
            payload={"message": "Sonaeからのテスト送信です。", "endpoint": endpoint.name},
            is_test=True,
        )
        audit_record(
            action="webhook.test_sent",
            actor=actor.user,
            organisation=actor.organisation,
            target=endpoint,
            data={"delivery": str(delivery.uuid)},
        )
        transaction.on_commit(lambda: _enqueue(delivery.pk), robust=True)
    return delivery


def delivery_redeliver(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Send a finished delivery again as a new delivery (same event id and body; receivers de-duplicate by the
    event id)."""
    _require(actor, delivery.endpoint)
    if delivery.is_open:
        raise InvalidInput("この送信はまだ完了していません（再送待ち）。")
    with transaction.atomic():
        again = Delivery.objects.create(
            endpoint=delivery.endpoint,
            organisation=delivery.organisation,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            body=delivery.body,
            is_test=delivery.is_test,
            next_attempt_at=timezone.now(),
        )
        audit_record(
            action="webhook.redelivered",
            actor=actor.user,
            organisation=actor.organisation,
            target=again,
            data={"from": str(delivery.uuid)},
        )
        transaction.on_commit(lambda: _enqueue(again.pk), robust=True)
    return again


# --- emitting ----------------------------------------------------------------------------------------------------


def _body(
    *,
    event_id: uuid.UUID,
    event_type: str,
    occurred_at: datetime,
    organisation: Organisation,
    payload,
    test: bool,
) -> str:
    document = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.localtime(occurred_at).isoformat(timespec="seconds"),
        "organisation": organisation.code,
        "test": test,
        "data": payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def _delivery_for(
    endpoint: WebhookEndpoint,
    *,
    event_type: str,
    event_id: uuid.UUID,
    occurred_at: datetime,
    payload,
    is_test: bool = False,
) -> Delivery:
    return Delivery.objects.create(
        endpoint=endpoint,
        organisation_id=endpoint.organisation_id,
        event_id=event_id,
        event_type=event_type,
        body=_body(
            event_id=event_id,
            event_type=event_type,
            occurred_at=occurred_at,
            organisation=endpoint.organisation,
            payload=payload,
            test=is_test,
        ),
        is_test=is_test,
        next_attempt_at=occurred_at,
    )


def emit(
    event_type: str,
    *,
    payload: dict,
    organisation: Organisation | None = None,
    organisations: Iterable[Organisation | None] = (),
    once_key: str | None = None,
) -> list[Delivery]:
    """Queue ``event_type`` for every active endpoint of the given organisations that subscribes to it.

    Call it inside the transaction of the change it reports: the deliveries are stored with it and the sending
    starts after commit (nothing is sent for a change that rolls back). ``payload`` must be JSON-serialisable and
    hold references and statuses only — never personal data. ``once_key``: emit this event at most once ever
    under that key (e.g. one overdue event per duty and due date), even from several processes.
    """
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}; declare it in sonae.webhooks.events")
    targets = {org.pk: org for org in (organisation, *organisations) if org is not None}
    if not targets:
        return []
    with transaction.atomic():
        if once_key is not None:
            _, created = EmittedOnce.objects.get_or_create(key=once_key[:200])
            if not created:
                return []
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=targets, is_active=True)
            .select_related("organisation")
            .order_by("pk")
            if endpoint.subscribes_to(event_type)
        ]
        if not endpoints:
            return []
        event_id = uuid.uuid4()
        now = timezone.now()
        deliveries = [
            _delivery_for(
                endpoint, event_type=event_type, event_id=event_id, occurred_at=now, payload=payload
            )
            for endpoint in endpoints
        ]
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: [_enqueue(pk) for pk in ids], robust=True)
    return deliveries


# --- delivering --------------------------------------------------------------------------------------------------


def _enqueue(delivery_id: int, run_after: datetime | None = None) -> None:
    """Queue the delivery task; with ``run_after`` only on a backend that can defer (the sweep covers others)."""
    from .tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    task.enqueue(delivery_id)


def delivery_headers(delivery: Delivery, secret: str, timestamp: int) -> dict[str, str]:
    """The signed headers of one attempt (a new timestamp and signature each time; the body stays the same)."""
    return {
        "X-Sonae-Event": delivery.event_type,
        "X-Sonae-Timestamp": str(timestamp),
        "X-Sonae-Signature": signing.signature_header(secret, timestamp, delivery.body.encode("utf-8")),
        "X-Sonae-Delivery": str(delivery.uuid),
    }


def delivery_attempt(delivery_id: int) -> Delivery | None:
    """Make the next attempt of a delivery if it is due and nobody else is sending it; returns the delivery after
    the attempt (None when there was nothing to do). Never raises for the receiver's failures."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now
    ).update(next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    number = delivery.attempts + 1
    if not endpoint.is_active and not delivery.is_test:
        result = transport.PostResult(
            None, 0, "送信先が無効になっているため送信しませんでした。", refused=True
        )
    else:
        body = delivery.body.encode("utf-8")
        headers = delivery_headers(delivery, endpoint.secret, int(time.time()))
        headers["X-Sonae-Attempt"] = str(number)
        result = transport.post(
            endpoint.url, body, headers, allow_private=allow_private_addresses(), timeout=_timeout()
        )
    finished_at = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=finished_at,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=result.error[:500],
            response_excerpt=result.response_excerpt[:200],
        )
        delivery.attempts = number
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:500]
        limit = 1 if delivery.is_test else MAX_ATTEMPTS
        if result.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = finished_at
            delivery.next_attempt_at = None
        elif result.refused or number >= limit:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = finished_at + RETRY_DELAYS[number - 1]
        delivery.save(
            update_fields=[
                "attempts",
                "last_status_code",
                "last_error",
                "status",
                "delivered_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
    if delivery.status == DeliveryStatus.RETRYING:
        try:
            _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
        except Exception:  # the sweep will queue it; the attempt itself is recorded
            logger.exception("could not queue the next webhook attempt of delivery %s", delivery.pk)
    return delivery


def deliveries_requeue_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue the task for deliveries whose next attempt is due (a lost or never-deferred task, a dead worker).
    Queuing one twice is harmless: only one attempt claims it. Returns how many were queued."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        _enqueue(pk)
    return len(due)


def deliveries_prune(*, now: datetime | None = None) -> int:
    """Delete finished deliveries (and their attempt logs) older than ``SONAE_WEBHOOKS_RETENTION_DAYS`` (default
    90); open ones are kept whatever their age. Returns how many deliveries were deleted."""
    days = int(getattr(settings, "SONAE_WEBHOOKS_RETENTION_DAYS", 90))
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = Delivery.objects.filter(created_at__lt=cutoff).exclude(status__in=OPEN_STATUSES)
    deleted = 0
    while True:
        # Batches keep each transaction short on large logs.
        ids = list(old.values_list("pk", flat=True)[:1000])
        if not ids:
            return deleted
        DeliveryAttempt.objects.filter(delivery_id__in=ids).delete()
        deleted += Delivery.objects.filter(pk__in=ids).delete()[1].get(Delivery._meta.label, 0)
