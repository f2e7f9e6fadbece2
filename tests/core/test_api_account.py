"""Core API: the organisation and its members, API tokens (admins; created only from a session) and the signed-in
user's notifications — the same selectors and services as the settings and notification pages."""

from __future__ import annotations

import pytest
from django.test import Client

from sonae.core.actors import Actor
from sonae.core.models import ApiToken, AuditEvent, Membership, Notification
from sonae.core.services import api_token_create
from tests.factories import MembershipFactory, NotificationFactory, member

pytestmark = pytest.mark.django_db

INVALID = "入力内容に誤りがあります。項目を確認してください。"


@pytest.fixture
def admin():
    return member("provider", role="admin", name="株式会社さくら臨床検査", code="sakura")


@pytest.fixture
def other():
    return member("provider", role="admin", name="あおば患者搬送株式会社", code="aoba")


def _bearer(membership: Membership, role: str | None = None) -> dict:
    _, secret = api_token_create(
        actor=Actor.from_membership(membership), name="連携", role=role or membership.role
    )
    return {"Authorization": f"Bearer {secret}"}


def _session(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_the_organisation_and_its_members(admin, other, client):
    colleague = MembershipFactory(organisation=admin.organisation, role="viewer")
    response = client.get("/api/v1/organisation", headers=_bearer(admin, "viewer"))
    body = response.json()
    assert response.status_code == 200
    assert (body["code"], body["kind_label"], body["role"]) == ("sakura", "医療関連サービス事業者", "viewer")
    assert {m["email"] for m in body["members"]} == {admin.user.email, colleague.user.email}
    assert other.user.email not in response.content.decode()


def test_an_admin_session_creates_a_token_and_sees_its_secret_once(admin, client):
    session = _session(admin)
    created = session.post(
        "/api/v1/api-tokens", {"name": "基幹システム", "role": "viewer"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert token.role == "viewer" and token.created_by == admin.user and secret.startswith("sonae_")
    assert AuditEvent.objects.filter(action="api_token.created").count() == 1
    listed = session.get("/api/v1/api-tokens").json()
    assert listed["count"] == 1 and "secret" not in listed["items"][0]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["role"] == "viewer"


def test_a_token_may_not_create_tokens(admin, client):
    response = client.post(
        "/api/v1/api-tokens", {"name": "増殖"}, content_type="application/json", headers=_bearer(admin)
    )
    assert response.status_code == 403 and response.json()["code"] == "session_required"
    assert "セッション" in response.json()["message"]
    assert ApiToken.objects.filter(name="増殖").count() == 0


def test_a_token_without_a_name_answers_the_envelope(admin):
    response = _session(admin).post("/api/v1/api-tokens", {"name": ""}, content_type="application/json")
    body = response.json()
    assert response.status_code == 422 and body["code"] == "invalid_input" and body["message"] == INVALID
    assert body["errors"][0]["field"] == "name"


def test_an_admin_revokes_a_token(admin, client):
    token, secret = api_token_create(actor=Actor.from_membership(admin), name="古い連携")
    response = client.post(f"/api/v1/api-tokens/{token.pk}/revoke", headers=_bearer(admin))
    assert response.status_code == 200 and response.json()["active"] is False
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    again = client.post(f"/api/v1/api-tokens/{token.pk}/revoke", headers=_bearer(admin))
    assert again.status_code == 200 and AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_only_admins_manage_tokens(admin, client, role):
    token, _ = api_token_create(actor=Actor.from_membership(admin), name="連携")
    headers = _bearer(admin, role)
    for method, path in (("get", "/api/v1/api-tokens"), ("post", f"/api/v1/api-tokens/{token.pk}/revoke")):
        response = getattr(client, method)(path, headers=headers)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", path
        assert response.json()["message"] == "この操作を行う権限がありません。"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_another_organisations_token_is_not_found(admin, other, client):
    foreign, _ = api_token_create(actor=Actor.from_membership(other), name="あおばの連携")
    response = client.post(f"/api/v1/api-tokens/{foreign.pk}/revoke", headers=_bearer(admin))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None
    assert "あおばの連携" not in client.get("/api/v1/api-tokens", headers=_bearer(admin)).content.decode()


def test_a_token_id_that_is_not_a_number_answers_the_envelope(admin, client):
    response = client.post("/api/v1/api-tokens/abc/revoke", headers=_bearer(admin))
    assert response.status_code == 422 and response.json()["message"] == INVALID


def test_the_user_reads_their_notifications(admin, other):
    mine = NotificationFactory(user=admin.user, title="速報の期限が近づいています")
    NotificationFactory(user=admin.user, title="受領が確認されました")
    NotificationFactory(user=other.user, title="他社のお知らせ")
    session = _session(admin)
    listed = session.get("/api/v1/notifications?unread=true").json()
    assert listed["count"] == 2 and "他社のお知らせ" not in str(listed)
    read = session.post(f"/api/v1/notifications/{mine.pk}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert session.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert session.post("/api/v1/notifications/read-all").json() == {"read": 1}
    assert Notification.objects.filter(user=admin.user, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other.user, read_at__isnull=True).count() == 1


def test_another_users_notification_is_not_found(admin, other):
    theirs = NotificationFactory(user=other.user, title="他社のお知らせ")
    response = _session(admin).post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_notifications_belong_to_users_not_tokens(admin, client):
    NotificationFactory(user=admin.user, title="速報の期限が近づいています")
    headers = _bearer(admin)
    assert client.get("/api/v1/notifications", headers=headers).json()["count"] == 0
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == {"read": 0}
    bad = client.get("/api/v1/notifications?unread=perhaps", headers=headers)
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
