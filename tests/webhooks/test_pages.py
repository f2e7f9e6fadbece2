"""Webhook pages: admins only; another organisation's endpoint or delivery is 404; the secret shows once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sonae.webhooks.models import WebhookEndpoint
from tests.factories import member
from tests.webhooks.conftest import actor_of


@pytest.fixture
def admin_client(client, provider_admin_m):
    client.force_login(provider_admin_m.user)
    return client


def test_settings_page_links_to_webhooks_for_admins(admin_client):
    response = admin_client.get(reverse("core:settings"))
    assert reverse("webhooks:list") in response.content.decode()


def test_list_page_shows_events_and_the_verification_guide(admin_client, admin, make_endpoint):
    make_endpoint(admin, events=["incident.created"], name="受付通知")
    response = admin_client.get(reverse("webhooks:list"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "受付通知" in text and "インシデントの受付" in text
    assert "X-Sonae-Signature" in text


def test_create_page_shows_the_secret_once_without_caching(admin_client, receiver):
    response = admin_client.post(
        reverse("webhooks:create"),
        {"name": "社内システム", "url": receiver.url, "event_types": ["incident.created"], "is_active": "on"},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 200
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    detail = admin_client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in detail and endpoint.secret_hint in detail


def test_create_page_shows_errors_on_the_fields(admin_client):
    response = admin_client.post(
        reverse("webhooks:create"), {"name": "連携", "url": "ftp://example.jp/", "event_types": []}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "http:// または https://" in text
    assert "1つ以上選んでください" in text
    assert not WebhookEndpoint.objects.exists()


def test_test_button_sends_and_shows_the_log(
    admin_client, admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("webhooks:test", args=[endpoint.pk]))
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "テストイベント" in text and "送信済み" in text and "200" in text
    assert len(receiver.requests) == 1


def test_edit_page_updates_the_endpoint(admin_client, admin, make_endpoint, receiver):
    endpoint, _ = make_endpoint(admin, events=["incident.created"])
    response = admin_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"name": "新しい名前", "url": receiver.url, "event_types": ["incident.created", "duty.overdue"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.name == "新しい名前" and endpoint.is_active is False
    assert endpoint.event_types == ["incident.created", "duty.overdue"]


def test_rotate_and_delete(admin_client, admin, make_endpoint):
    endpoint, old = make_endpoint(admin)
    response = admin_client.post(reverse("webhooks:rotate_secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    response = admin_client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert response.status_code == 302 and not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_non_admins_get_403(db, client, role):
    client.force_login(member("provider", role).user)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(reverse("webhooks:create")).status_code == 403


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("webhooks:detail", "get"),
        ("webhooks:edit", "get"),
        ("webhooks:test", "post"),
        ("webhooks:rotate_secret", "post"),
        ("webhooks:delete", "post"),
    ],
)
def test_another_organisations_endpoint_is_404(admin_client, provider_b_admin_m, make_endpoint, name, method):
    other, _ = make_endpoint(actor_of(provider_b_admin_m))
    response = getattr(admin_client, method)(reverse(name, args=[other.pk]))
    assert response.status_code == 404
    assert WebhookEndpoint.objects.filter(pk=other.pk, name=other.name).exists()


def test_another_organisations_delivery_is_404(admin_client, provider_b_admin_m, make_endpoint):
    from sonae.webhooks.services import endpoint_send_test

    other_actor = actor_of(provider_b_admin_m)
    other, _ = make_endpoint(other_actor)
    delivery = endpoint_send_test(actor=other_actor, endpoint=other)
    assert admin_client.get(reverse("webhooks:delivery", args=[delivery.uuid])).status_code == 404
    assert admin_client.post(reverse("webhooks:redeliver", args=[delivery.uuid])).status_code == 404
