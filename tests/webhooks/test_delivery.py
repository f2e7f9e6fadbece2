"""emit → stored deliveries → signed POST after commit → retries with back-off → delivery log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from sonae.webhooks import signing
from sonae.webhooks.models import Delivery, DeliveryStatus, EmittedOnce
from sonae.webhooks.services import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    deliveries_requeue_due,
    delivery_attempt,
    emit,
)

PAYLOAD = {"incident": {"reference": "INC-2025-000001", "status": "reported"}}
START = datetime(2025, 10, 1, 1, 0, tzinfo=UTC)


def test_emit_sends_a_signed_post_after_commit(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = make_endpoint(admin)
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
        assert receiver.requests == []  # nothing leaves before the commit
    (request,) = receiver.requests
    headers = request.headers
    assert headers["X-Sonae-Event"] == "incident.created"
    assert headers["X-Sonae-Delivery"] == str(delivery.uuid)
    assert headers["X-Sonae-Signature"].startswith("v1=")
    assert signing.verify(secret, request.body, headers["X-Sonae-Timestamp"], headers["X-Sonae-Signature"])
    document = json.loads(request.body)
    assert document["type"] == "incident.created"
    assert document["organisation"] == "sakura"
    assert document["data"] == PAYLOAD
    assert document["id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_the_delivery_log_records_code_duration_and_error(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    make_endpoint(admin)
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    (attempt,) = delivery.attempt_log.all()
    assert attempt.number == 1 and attempt.status_code == 500
    assert attempt.error.startswith("HTTP 500")
    assert attempt.duration_ms >= 0
    assert attempt.response_excerpt == "boom"


def test_nothing_is_stored_or_sent_when_the_transaction_rolls_back(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    make_endpoint(admin)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
                raise RuntimeError("the change failed")
    assert Delivery.objects.count() == 0
    assert receiver.requests == []


def test_only_active_endpoints_subscribed_to_the_event_receive_it(admin, make_endpoint):
    wanted, _ = make_endpoint(admin, events=["incident.created"], name="受付")
    make_endpoint(admin, events=["claim.status_changed"], name="請求")
    paused, _ = make_endpoint(admin, events=["incident.created"], name="停止中")
    paused.is_active = False
    paused.save(update_fields=["is_active"])
    deliveries = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    assert [d.endpoint_id for d in deliveries] == [wanted.pk]


def test_other_organisations_endpoints_receive_nothing(admin, provider_b_admin_m, make_endpoint):
    from tests.webhooks.conftest import actor_of

    make_endpoint(actor_of(provider_b_admin_m))
    assert emit("incident.created", organisation=admin.organisation, payload=PAYLOAD) == []


def test_one_event_to_several_organisations_shares_its_event_id(admin, provider_b_admin_m, make_endpoint):
    from tests.webhooks.conftest import actor_of

    make_endpoint(admin)
    make_endpoint(actor_of(provider_b_admin_m))
    deliveries = emit(
        "claim.status_changed",
        organisations=[admin.organisation, provider_b_admin_m.organisation, None],
        payload={"claim": {"number": "CLM-2025-00001"}},
    )
    assert len(deliveries) == 2
    assert len({d.event_id for d in deliveries}) == 1
    assert len({d.uuid for d in deliveries}) == 2


def test_unknown_event_types_are_a_programming_error(admin):
    with pytest.raises(ValueError):
        emit("incident.exploded", organisation=admin.organisation, payload={})


def test_once_key_emits_the_event_only_once(admin, make_endpoint):
    make_endpoint(admin)
    first = emit(
        "duty.overdue", organisation=admin.organisation, payload={}, once_key="duty.overdue:1:2025-10-01"
    )
    second = emit(
        "duty.overdue", organisation=admin.organisation, payload={}, once_key="duty.overdue:1:2025-10-01"
    )
    assert len(first) == 1 and second == []
    assert EmittedOnce.objects.count() == 1


def test_a_failed_attempt_is_retried_with_exponential_back_off(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    make_endpoint(admin)
    receiver.default_status = 500
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
        for number, delay in enumerate(RETRY_DELAYS, start=1):
            delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.RETRYING
            assert delivery.attempts == number
            assert delivery.next_attempt_at == timezone.now() + delay
            clock.shift(delay - timedelta(seconds=1))
            assert deliveries_requeue_due() == 0  # not due yet
            clock.shift(timedelta(seconds=1))
            assert deliveries_requeue_due() == 1
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == len(receiver.requests)
    assert delivery.next_attempt_at is None
    assert [a.number for a in delivery.attempt_log.all()] == list(range(1, MAX_ATTEMPTS + 1))
    # Every attempt sends the same body with its own timestamp.
    assert len({r.body for r in receiver.requests}) == 1
    assert [r.headers["X-Sonae-Attempt"] for r in receiver.requests] == [
        str(n) for n in range(1, MAX_ATTEMPTS + 1)
    ]


def test_a_retry_that_succeeds_ends_the_delivery(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    make_endpoint(admin)
    receiver.answer(500, 200)
    with time_machine.travel(START, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
        clock.shift(RETRY_DELAYS[0])
        deliveries_requeue_due()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED
        assert delivery.delivered_at == timezone.now()
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 200]
    assert deliveries_requeue_due(now=START + timedelta(days=2)) == 0


def test_an_attempt_is_made_once_even_if_queued_twice(admin, make_endpoint, receiver):
    make_endpoint(admin)
    (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    assert delivery_attempt(delivery.pk) is not None
    assert delivery_attempt(delivery.pk) is None  # already sent: the duplicate task does nothing
    assert len(receiver.requests) == 1


def test_a_delivery_whose_worker_died_is_picked_up_after_its_lease(admin, make_endpoint, receiver):
    make_endpoint(admin)
    (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    # A worker claimed it (the lease moved next_attempt_at ahead) and died before sending.
    lease_end = timezone.now() + timedelta(minutes=2)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=lease_end)
    assert deliveries_requeue_due() == 0
    assert deliveries_requeue_due(now=lease_end) == 1
    with time_machine.travel(lease_end + timedelta(seconds=1), tick=False):
        deliveries_requeue_due()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def test_a_url_refused_for_ssrf_fails_without_retries(
    admin, make_endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    make_endpoint(admin)
    settings.SONAE_WEBHOOKS_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "内部ネットワーク" in delivery.last_error
    assert receiver.requests == []


def test_a_paused_endpoint_does_not_receive_queued_deliveries(admin, make_endpoint, receiver):
    endpoint, _ = make_endpoint(admin)
    (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    endpoint.is_active = False
    endpoint.save(update_fields=["is_active"])
    delivery = delivery_attempt(delivery.pk)
    assert delivery.status == DeliveryStatus.FAILED
    assert receiver.requests == []


def test_on_a_deferring_backend_the_task_requeues_itself_with_run_after(
    admin, make_endpoint, receiver, settings
):
    from django_tasks_db.models import DBTaskResult

    make_endpoint(admin)
    (delivery,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    receiver.answer(500)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    delivery = delivery_attempt(delivery.pk)
    assert delivery.status == DeliveryStatus.RETRYING
    queued = DBTaskResult.objects.get(task_path="sonae.webhooks.tasks.deliver_webhook")
    assert queued.run_after == delivery.next_attempt_at
    assert queued.args_kwargs["args"] == [delivery.pk]


def test_finished_deliveries_are_pruned_after_the_retention_period(admin, make_endpoint, receiver, settings):
    from sonae.webhooks.models import DeliveryAttempt
    from sonae.webhooks.services import deliveries_prune

    settings.SONAE_WEBHOOKS_RETENTION_DAYS = 90
    make_endpoint(admin)
    with time_machine.travel(START, tick=False):
        (done,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
        delivery_attempt(done.pk)
        (waiting,) = emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    assert deliveries_prune(now=START + timedelta(days=90)) == 0
    assert deliveries_prune(now=START + timedelta(days=91)) == 1
    assert list(Delivery.objects.values_list("pk", flat=True)) == [waiting.pk]  # open deliveries stay
    assert not DeliveryAttempt.objects.filter(delivery_id=done.pk).exists()
