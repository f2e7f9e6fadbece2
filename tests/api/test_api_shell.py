import pytest

from sonae.core.actors import Actor
from sonae.core.models import ApiToken, Membership, Organisation, User
from sonae.core.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_admin():
    org = Organisation.objects.create(kind="provider", name="プロバイダA", code="prov-a")
    user = User.objects.create_user(email="admin@prov-a.example.jp", password="x" * 12)
    return Membership.objects.create(user=user, organisation=org, role="admin")


def _token(membership, name="連携"):
    return api_token_create(actor=Actor.from_membership(membership), name=name)


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Sonae API"


def test_me_without_credentials_gets_the_envelope(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "認証" in body["message"]


def test_me_with_token_names_the_organisation(client, provider_admin):
    _, secret = _token(provider_admin)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["organisation"]["code"] == "prov-a"
    assert response.json()["via"] == "token"


def test_token_is_stored_hashed(provider_admin):
    token, secret = _token(provider_admin)
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_revoked_token_is_refused(client, provider_admin):
    token, secret = _token(provider_admin)
    api_token_revoke(actor=Actor.from_membership(provider_admin), token=token)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_unknown_route_answers_404(client, provider_admin):
    _, secret = _token(provider_admin)
    response = client.get("/api/v1/no-such-thing", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404


def test_session_user_gets_me(client, provider_admin):
    client.force_login(provider_admin.user)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["via"] == "session"
    assert response.json()["user_email"] == "admin@prov-a.example.jp"


def test_session_of_agency_user_without_totp_is_refused(client):
    org = Organisation.objects.create(kind="agency", name="代理店", code="agency")
    user = User.objects.create_user(email="staff@agency.example.jp", password="x" * 12)
    Membership.objects.create(user=user, organisation=org, role="staff")
    client.force_login(user)
    assert client.get("/api/v1/me").status_code == 401


def test_id_beyond_the_database_range_is_bad_input_not_a_server_error(client, provider_admin):
    _, secret = _token(provider_admin)
    response = client.get(
        "/api/v1/incidents", {"offset": 10**30}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "invalid_input"
