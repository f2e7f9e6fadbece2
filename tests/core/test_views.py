"""Core pages: dashboards, the two-factor gate, organisation switching, API tokens, notifications, settings."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from sonae.core.actors import Actor
from sonae.core.middleware import ACTIVE_ORG_SESSION_KEY
from sonae.core.models import ApiToken, Membership, Notification
from sonae.core.services import api_token_create
from tests.factories import MembershipFactory, NotificationFactory, OrganisationFactory, member, totp_code

pytestmark = pytest.mark.django_db

KINDS = ["provider", "agency", "insurer", "desk", "foundation", "hospital"]


def _membership(user) -> Membership:
    return user.memberships.select_related("organisation").get()


# --- anonymous and landing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["core:home", "core:dashboard", "core:api_tokens", "core:notifications"])
def test_anonymous_user_is_sent_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert f"next={url}" in response["Location"]


def test_root_redirects_a_logged_in_user_to_the_dashboard(client, provider_user):
    client.force_login(provider_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_login_with_password_lands_on_the_dashboard(client, provider_user, password):
    response = client.post(reverse("account_login"), {"login": provider_user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


# --- dashboards --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_dashboard_renders_the_template_of_the_organisation_kind(client, user_of_kind, kind):
    user = user_of_kind(kind)
    client.force_login(user)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert f"core/dashboard_{kind}.html" in [t.name for t in response.templates]
    assert _membership(user).organisation.name in response.content.decode()


def test_provider_dashboard_explains_its_empty_state_and_shows_the_desk_phone(
    client, provider_user, settings
):
    settings.SONAE_DESK_PHONE = "0120-123-456"
    client.force_login(provider_user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "インシデントが報告されると、ここに対応状況が表示されます。" in html
    assert 'href="tel:0120-123-456"' in html
    assert "まずご連絡ください" in html
    assert "インシデントを報告する" in html


def test_user_without_membership_is_told_the_account_is_not_attached(client, user_without_membership):
    client.force_login(user_without_membership)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "core/no_membership.html" in [t.name for t in response.templates]
    assert "まだ組織に登録されていません" in response.content.decode()


# --- the two-factor gate -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["agency", "insurer", "desk"])
def test_staff_kinds_without_totp_are_sent_to_totp_activation(client, make_member, kind):
    client.force_login(make_member(kind).user)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_agency_user_with_totp_reaches_the_dashboard(client, agency_user_with_totp):
    client.force_login(agency_user_with_totp)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "core/dashboard_agency.html" in [t.name for t in response.templates]


def test_the_two_factor_state_is_asked_once_per_page(client, agency_user_with_totp, monkeypatch):
    from sonae.core import policy

    calls = []
    real = policy.requires_mfa
    monkeypatch.setattr(policy, "requires_mfa", lambda user: calls.append(user.pk) or real(user))
    client.force_login(agency_user_with_totp)
    client.get(reverse("core:dashboard"))  # the first page of a session also asks for the staff-session check
    calls.clear()
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert calls == [agency_user_with_totp.pk]  # the gate asks; the navbar and the banner reuse its answer


def test_agency_login_asks_for_the_totp_code_then_opens_the_dashboard(
    client, agency_user_with_totp, password
):
    response = client.post(
        reverse("account_login"), {"login": agency_user_with_totp.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert "多要素認証" in page.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_totp_activation_page_shows_a_qr_code_as_a_data_url(client, agency_user, password):
    client.force_login(agency_user)
    # allauth asks for the password again before enrolment; answer through the (Sonae-styled) page.
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'id="authenticator_secret"' in html
    assert "多要素認証の設定が必要です" in html


# --- organisation switcher ---------------------------------------------------------------------------------------


def test_switching_to_an_own_organisation_changes_the_active_one(client, provider_user):
    hospital = OrganisationFactory(kind="hospital")
    MembershipFactory(user=provider_user, organisation=hospital)
    client.force_login(provider_user)
    response = client.post(reverse("core:switch_org"), {"organisation": hospital.pk})
    assert response.status_code == 302
    assert client.session[ACTIVE_ORG_SESSION_KEY] == hospital.pk
    dashboard = client.get(reverse("core:dashboard"))
    assert "core/dashboard_hospital.html" in [t.name for t in dashboard.templates]


def test_switching_to_a_foreign_organisation_is_404(client, provider_user):
    foreign = OrganisationFactory(kind="provider")
    client.force_login(provider_user)
    response = client.post(reverse("core:switch_org"), {"organisation": foreign.pk})
    assert response.status_code == 404
    assert ACTIVE_ORG_SESSION_KEY not in client.session


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_switching_to_a_malformed_or_unknown_organisation_is_404(client, provider_user, value):
    client.force_login(provider_user)
    assert client.post(reverse("core:switch_org"), {"organisation": value}).status_code == 404


def test_switching_organisation_needs_post(client, provider_user):
    client.force_login(provider_user)
    assert client.get(reverse("core:switch_org")).status_code == 405


def test_org_switcher_lists_every_membership(client, provider_user):
    hospital = OrganisationFactory(kind="hospital", name="みなと総合病院")
    MembershipFactory(user=provider_user, organisation=hospital)
    client.force_login(provider_user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert 'action="/switch-organisation/"' in html
    assert f'value="{hospital.pk}"' in html
    assert "みなと総合病院" in html


# --- API tokens --------------------------------------------------------------------------------------------------


def test_admin_sees_the_api_tokens_page(client, provider_admin):
    client.force_login(provider_admin)
    response = client.get(reverse("core:api_tokens"))
    assert response.status_code == 200
    assert "まだトークンはありません" in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_non_admin_gets_403_on_the_api_tokens_page(client, make_member, role):
    client.force_login(make_member("provider", role).user)
    assert client.get(reverse("core:api_tokens")).status_code == 403
    assert client.post(reverse("core:api_tokens"), {"name": "x", "role": "staff"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_user_without_membership_gets_403_on_the_api_tokens_page(client, user_without_membership):
    client.force_login(user_without_membership)
    assert client.get(reverse("core:api_tokens")).status_code == 403


def test_creating_a_token_shows_the_secret_once_and_stores_only_its_hash(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post(reverse("core:api_tokens"), {"name": "会計システム連携", "role": "viewer"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    html = response.content.decode()
    secret = html.split('id="token-secret" type="text" value="')[1].split('"')[0]
    assert secret.startswith("sonae_")
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.name, token.prefix, token.token_hash)
    assert token.role == "viewer"
    assert token.organisation == _membership(provider_admin).organisation
    # Never again: the list shows the prefix only.
    listing = client.get(reverse("core:api_tokens")).content.decode()
    assert secret not in listing
    assert f"sonae_{token.prefix}…" in listing


def test_creating_a_token_without_a_name_shows_the_error_and_creates_nothing(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post(reverse("core:api_tokens"), {"name": "   ", "role": "staff"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_admin_revokes_an_own_token(client, provider_admin):
    token, _ = api_token_create(actor=Actor.from_membership(_membership(provider_admin)), name="夜間バッチ")
    client.force_login(provider_admin)
    response = client.post(reverse("core:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_another_organisations_token_is_404(client, provider_admin):
    other = member("provider", "admin")
    token, _ = api_token_create(actor=Actor.from_membership(other), name="他社のトークン")
    client.force_login(provider_admin)
    response = client.post(reverse("core:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_shows_only_the_own_organisations_tokens(client, provider_admin):
    other = member("provider", "admin")
    api_token_create(actor=Actor.from_membership(other), name="他社のトークン")
    api_token_create(actor=Actor.from_membership(_membership(provider_admin)), name="自社のトークン")
    client.force_login(provider_admin)
    html = client.get(reverse("core:api_tokens")).content.decode()
    assert "自社のトークン" in html
    assert "他社のトークン" not in html


def test_revoking_needs_post(client, provider_admin):
    token, _ = api_token_create(actor=Actor.from_membership(_membership(provider_admin)), name="x")
    client.force_login(provider_admin)
    assert client.get(reverse("core:api_token_revoke", args=[token.pk])).status_code == 405


# --- notifications -----------------------------------------------------------------------------------------------


def test_notifications_page_lists_only_the_users_own(client, provider_user):
    NotificationFactory(user=provider_user, title="自分宛てのお知らせ")
    NotificationFactory(title="他人宛てのお知らせ")
    client.force_login(provider_user)
    html = client.get(reverse("core:notifications")).content.decode()
    assert "自分宛てのお知らせ" in html
    assert "他人宛てのお知らせ" not in html


def test_marking_an_own_notification_read(client, provider_user):
    n = NotificationFactory(user=provider_user)
    client.force_login(provider_user)
    response = client.post(reverse("core:notification_read", args=[n.pk]))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.read_at is not None


def test_marking_someone_elses_notification_read_is_404(client, provider_user):
    n = NotificationFactory()
    client.force_login(provider_user)
    assert client.post(reverse("core:notification_read", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_marking_read_with_htmx_returns_only_the_item(client, provider_user):
    n = NotificationFactory(user=provider_user, title="締切のお知らせ")
    client.force_login(provider_user)
    response = client.post(reverse("core:notification_read", args=[n.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="notification-{n.pk}"' in html
    assert "既読にする" not in html


def test_marking_all_read_leaves_other_users_alone(client, provider_user):
    NotificationFactory.create_batch(3, user=provider_user)
    theirs = NotificationFactory()
    client.force_login(provider_user)
    client.post(reverse("core:notifications_read_all"))
    assert not Notification.objects.filter(user=provider_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_count_appears_in_the_navbar(client, provider_user):
    NotificationFactory.create_batch(2, user=provider_user)
    client.force_login(provider_user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert '2<span class="visually-hidden">件の未読</span>' in html


@pytest.mark.parametrize("url", ["https://evil.example/", "javascript:alert(1)", "//evil.example/x"])
def test_notification_links_never_point_off_site(client, provider_user, url):
    NotificationFactory(user=provider_user, title="リンク付き", url=url)
    client.force_login(provider_user)
    html = client.get(reverse("core:notifications")).content.decode()
    assert url not in html


# --- organisation settings ---------------------------------------------------------------------------------------


def test_settings_page_lists_the_members_of_the_active_organisation_only(client, provider_admin):
    org = _membership(provider_admin).organisation
    colleague = MembershipFactory(organisation=org, user__email="colleague@example.jp")
    stranger = member("provider")
    client.force_login(provider_admin)
    html = client.get(reverse("core:settings")).content.decode()
    assert colleague.user.email in html
    assert stranger.user.email not in html
    assert reverse("core:api_tokens") in html


def test_settings_page_hides_the_token_link_from_staff(client, provider_user):
    client.force_login(provider_user)
    html = client.get(reverse("core:settings")).content.decode()
    assert reverse("core:api_tokens") not in html
