"""End-to-end: signing in as each kind of user through the real pages in headless Chromium."""

import pytest

from sonae.core.demo.loader import DEMO_PASSWORD, current_totp_code, load_demo
from sonae.core.models import Membership, Organisation, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base_url, email, password):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_provider_signs_in_and_sees_the_dashboard(page, live_server):
    load_demo()
    _login(page, live_server.url, "staff@sakura-lab.example.jp", DEMO_PASSWORD)
    assert page.url.rstrip("/").endswith("/dashboard")
    assert "株式会社さくら臨床検査" in page.locator("h1").first.inner_text()
    assert page.get_by_role("link", name="インシデントを報告する").first.is_visible()


def test_new_agency_staff_is_sent_to_totp_enrolment(page, live_server):
    org = Organisation.objects.create(kind="agency", name="新しい代理店", code="new-agency")
    user = User.objects.create_user(email="new@new-agency.example.jp", password="correct-horse-42")
    Membership.objects.create(user=user, organisation=org, role="staff")
    _login(page, live_server.url, "new@new-agency.example.jp", "correct-horse-42")
    assert "/accounts/2fa/totp/activate" in page.url
    # Any other page sends the user back to enrolment.
    page.goto(f"{live_server.url}/dashboard/")
    assert "/accounts/2fa/totp/activate" in page.url


def test_demo_agency_user_signs_in_with_a_totp_code(page, live_server):
    load_demo()
    email = "staff@sonae-agency.example.jp"
    _login(page, live_server.url, email, DEMO_PASSWORD)
    assert "/accounts/2fa/authenticate" in page.url
    page.fill("input[name=code]", current_totp_code(email))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/dashboard")
    assert "株式会社そなえ保険サービス" in page.locator("h1").first.inner_text()


def test_wrong_password_shows_a_japanese_error(page, live_server):
    load_demo()
    _login(page, live_server.url, "staff@sakura-lab.example.jp", "wrong-password-1")
    assert "/accounts/login" in page.url
    assert page.locator("text=/メールアドレス|パスワード/").first.is_visible()
