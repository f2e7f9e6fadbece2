"""Endpoint services: validation, secrets (shown once, stored encrypted), permissions, audit, test events."""

from __future__ import annotations

import pytest
from django.db import connection

from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.webhooks import selectors, services, signing
from sonae.webhooks.models import DeliveryStatus, WebhookEndpoint
from tests.factories import member
from tests.webhooks.conftest import actor_of


def test_create_returns_the_secret_once_and_stores_it_encrypted(admin, receiver):
    endpoint, secret = services.endpoint_create(
        actor=admin, name="社内システム", url=receiver.url, event_types=["incident.created"]
    )
    assert secret.startswith(signing.SECRET_PREFIX)
    assert endpoint.secret_hint == secret[:10]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {WebhookEndpoint._meta.db_table} WHERE id = %s", [endpoint.pk])
        stored = bytes(cursor.fetchone()[0])
    assert secret.encode() not in stored
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == secret


def test_create_is_audited_without_the_secret(admin, receiver):
    endpoint, secret = services.endpoint_create(
        actor=admin, name="社内システム", url=receiver.url, event_types=["incident.created"]
    )
    event = AuditEvent.objects.get(action="webhook.endpoint_created")
    assert event.target_id == str(endpoint.pk)
    assert secret not in str(event.data)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"url": "ftp://example.jp/"}, "url"),
        ({"url": "https://user:pw@example.jp/"}, "url"),
        ({"event_types": []}, "event_types"),
        ({"event_types": ["incident.exploded"]}, "event_types"),
        ({"event_types": ["webhook.test"]}, "event_types"),
    ],
)
def test_invalid_endpoints_are_refused_on_the_field(admin, fields, field):
    values = {"name": "連携", "url": "https://hooks.example.jp/sonae", "event_types": ["incident.created"]}
    with pytest.raises(InvalidInput) as caught:
        services.endpoint_create(actor=admin, **{**values, **fields})
    assert caught.value.field == field


def test_private_addresses_are_refused_in_production(admin, settings):
    settings.SONAE_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(InvalidInput) as caught:
        services.endpoint_create(
            actor=admin, name="連携", url="http://10.0.0.5/hook", event_types=["incident.created"]
        )
    assert caught.value.field == "url"


def test_event_types_are_kept_in_catalogue_order_without_duplicates(admin):
    endpoint, _ = services.endpoint_create(
        actor=admin,
        name="連携",
        url="https://hooks.example.jp/sonae",
        event_types=["claim.status_changed", "incident.created", "claim.status_changed"],
    )
    assert endpoint.event_types == ["incident.created", "claim.status_changed"]


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_admins_manage_endpoints(db, role):
    actor = actor_of(member("provider", role))
    with pytest.raises(PermissionDenied):
        services.endpoint_create(
            actor=actor, name="連携", url="https://hooks.example.jp/", event_types=["incident.created"]
        )
    with pytest.raises(PermissionDenied):
        selectors.endpoints_for(actor)


def test_another_organisations_endpoint_is_not_found(admin, provider_b_admin_m, make_endpoint):
    other, _ = make_endpoint(actor_of(provider_b_admin_m))
    with pytest.raises(NotFound):
        selectors.endpoint_get(admin, other.pk)
    with pytest.raises(PermissionDenied):
        services.endpoint_update(actor=admin, endpoint=other, name="乗っ取り")


def test_update_changes_only_what_is_given(admin, make_endpoint):
    endpoint, _ = make_endpoint(admin, events=["incident.created"])
    services.endpoint_update(actor=admin, endpoint=endpoint, is_active=False)
    endpoint.refresh_from_db()
    assert endpoint.is_active is False and endpoint.event_types == ["incident.created"]
    assert AuditEvent.objects.filter(action="webhook.endpoint_updated").count() == 1


def test_rotating_the_secret_signs_with_the_new_one(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, old = make_endpoint(admin)
    endpoint, new = services.endpoint_rotate_secret(actor=admin, endpoint=endpoint)
    assert new != old
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_send_test(actor=admin, endpoint=endpoint)
    (request,) = receiver.requests
    args = (request.body, request.headers["X-Sonae-Timestamp"], request.headers["X-Sonae-Signature"])
    assert signing.verify(new, *args)
    assert not signing.verify(old, *args)


def test_test_event_is_sent_once_whatever_the_subscription(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint(admin, events=["claim.status_changed"])
    receiver.answer(500)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(actor=admin, endpoint=endpoint)
    delivery.refresh_from_db()
    assert receiver.requests[0].headers["X-Sonae-Event"] == "webhook.test"
    assert delivery.is_test and delivery.attempts == 1
    assert delivery.status == DeliveryStatus.FAILED  # tests are not retried


def test_redelivery_sends_the_same_event_again(
    admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint(admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.endpoint_send_test(actor=admin, endpoint=endpoint)
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.delivery_redeliver(actor=admin, delivery=first)
    again.refresh_from_db()
    assert again.pk != first.pk and again.event_id == first.event_id and again.body == first.body
    assert again.status == DeliveryStatus.SUCCEEDED
    assert receiver.requests[0].body == receiver.requests[1].body


def test_delete_removes_the_endpoint_and_its_log(admin, make_endpoint, django_capture_on_commit_callbacks):
    endpoint, _ = make_endpoint(admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_send_test(actor=admin, endpoint=endpoint)
    services.endpoint_delete(actor=admin, endpoint=endpoint)
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.filter(action="webhook.endpoint_deleted").exists()
