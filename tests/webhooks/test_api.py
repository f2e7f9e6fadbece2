"""Webhook API: admin tokens manage their organisation's endpoints; other organisations' are 404."""

from __future__ import annotations

import pytest

from sonae.core.services import api_token_create
from sonae.webhooks.models import WebhookEndpoint
from tests.webhooks.conftest import actor_of


@pytest.fixture
def token(admin):
    return api_token_create(actor=admin, name="連携", role="admin")[1]


def _auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_event_catalogue_lists_every_event(client, token):
    response = client.get("/api/v1/webhooks/events", **_auth(token))
    codes = [e["code"] for e in response.json()]
    assert response.status_code == 200
    assert codes == [
        "incident.created",
        "incident.status_changed",
        "task.assigned",
        "duty.due_soon",
        "duty.overdue",
        "notice.acknowledged",
        "claim.status_changed",
    ]


def test_create_returns_the_secret_and_the_list_does_not(client, token, receiver):
    response = client.post(
        "/api/v1/webhooks/endpoints",
        {"name": "連携", "url": receiver.url, "event_types": ["incident.created"]},
        content_type="application/json",
        **_auth(token),
    )
    assert response.status_code == 201
    secret = response.json()["secret"]
    assert WebhookEndpoint.objects.get().secret == secret
    listed = client.get("/api/v1/webhooks/endpoints", **_auth(token)).json()["items"]
    assert "secret" not in listed[0] and listed[0]["secret_hint"] == secret[:10]


def test_unknown_event_codes_are_422(client, token):
    response = client.post(
        "/api/v1/webhooks/endpoints",
        {"name": "連携", "url": "https://hooks.example.jp/", "event_types": ["incident.exploded"]},
        content_type="application/json",
        **_auth(token),
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_unsafe_url_is_400_on_the_field(client, token):
    response = client.post(
        "/api/v1/webhooks/endpoints",
        {"name": "連携", "url": "gopher://example.jp/", "event_types": ["incident.created"]},
        content_type="application/json",
        **_auth(token),
    )
    assert response.status_code == 400 and response.json()["field"] == "url"


def test_patch_test_and_delivery_log(
    client, token, admin, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint(admin)
    response = client.patch(
        f"/api/v1/webhooks/endpoints/{endpoint.pk}",
        {"event_types": ["claim.status_changed"]},
        content_type="application/json",
        **_auth(token),
    )
    assert response.json()["event_types"] == ["claim.status_changed"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhooks/endpoints/{endpoint.pk}/test", **_auth(token))
    assert response.status_code == 202
    deliveries = client.get(f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries", **_auth(token)).json()[
        "items"
    ]
    assert deliveries[0]["status"] == "succeeded" and deliveries[0]["last_status_code"] == 200
    detail = client.get(f"/api/v1/webhooks/deliveries/{deliveries[0]['id']}", **_auth(token)).json()
    assert detail["attempt_log"][0]["status_code"] == 200
    assert '"type":"webhook.test"' in detail["body"]


def test_rotate_secret_returns_a_new_secret(client, token, admin, make_endpoint):
    endpoint, old = make_endpoint(admin)
    response = client.post(f"/api/v1/webhooks/endpoints/{endpoint.pk}/secret", **_auth(token))
    assert response.status_code == 200 and response.json()["secret"] not in ("", old)


def test_delete_is_204(client, token, admin, make_endpoint):
    endpoint, _ = make_endpoint(admin)
    assert client.delete(f"/api/v1/webhooks/endpoints/{endpoint.pk}", **_auth(token)).status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "/test"),
        ("post", "/secret"),
        ("get", "/deliveries"),
    ],
)
def test_another_organisations_endpoint_is_404(
    client, token, provider_b_admin_m, make_endpoint, method, suffix
):
    other, _ = make_endpoint(actor_of(provider_b_admin_m))
    kwargs = {"content_type": "application/json"} if method == "patch" else {}
    data = {"name": "x"} if method == "patch" else None
    args = (f"/api/v1/webhooks/endpoints/{other.pk}{suffix}",) + ((data,) if data else ())
    response = getattr(client, method)(*args, **kwargs, **_auth(token))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert WebhookEndpoint.objects.filter(pk=other.pk, name=other.name).exists()


def test_another_organisations_delivery_is_404(client, token, provider_b_admin_m, make_endpoint):
    from sonae.webhooks.services import endpoint_send_test

    other_actor = actor_of(provider_b_admin_m)
    other, _ = make_endpoint(other_actor)
    delivery = endpoint_send_test(actor=other_actor, endpoint=other)
    assert client.get(f"/api/v1/webhooks/deliveries/{delivery.uuid}", **_auth(token)).status_code == 404
    assert (
        client.post(f"/api/v1/webhooks/deliveries/{delivery.uuid}/redeliver", **_auth(token)).status_code
        == 404
    )


def test_staff_tokens_are_403(client, admin):
    secret = api_token_create(actor=admin, name="閲覧", role="staff")[1]
    response = client.get("/api/v1/webhooks/endpoints", **_auth(secret))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
