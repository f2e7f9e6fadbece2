import pytest

from sonae.core.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def test_repeated_failures_lock_the_account_out(client, settings):
    org = Organisation.objects.create(kind="provider", name="A社", code="a")
    user = User.objects.create_user(email="u@a.example.jp", password="right-password-1")
    Membership.objects.create(user=user, organisation=org, role="staff")
    responses = [
        client.post("/accounts/login/", {"login": "u@a.example.jp", "password": "wrong-password"})
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert responses[-1].status_code == 429
    assert "一時的に制限" in responses[-1].content.decode()
    client.post("/accounts/login/", {"login": "u@a.example.jp", "password": "right-password-1"})
    assert client.get("/api/v1/me").status_code == 401


def test_a_few_failures_do_not_lock_out(client, settings):
    org = Organisation.objects.create(kind="provider", name="A社", code="a")
    user = User.objects.create_user(email="u@a.example.jp", password="right-password-1")
    Membership.objects.create(user=user, organisation=org, role="staff")
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        client.post("/accounts/login/", {"login": "u@a.example.jp", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": "u@a.example.jp", "password": "right-password-1"})
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200
