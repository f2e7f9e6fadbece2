"""The UI shell: navigation per organisation kind, CSP without inline code, local assets, Japanese screens."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse

from sonae.core import navigation
from sonae.core.navigation import NAVIGATION, NavEntry, nav_items
from sonae.core.views import error_500

pytestmark = pytest.mark.django_db


class PageScan(HTMLParser):
    """Collects what the CSP and accessibility checks look at in one rendered page."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.script_srcs: list[str] = []
        self.stylesheets: list[str] = []
        self.style_blocks = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.first_link: str | None = None
        self.main_ids: list[str] = []
        self.lang: str | None = None
        self.labels_for: set[str] = set()
        self.inputs: list[dict] = []
        self.nav_links: list[tuple[str, str, bool]] = []
        self._in_main_nav = False
        self._script: dict | None = None
        self._link_text: list[str] | None = None
        self._link_attrs: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "style" in a:
            self.style_attributes.append(f"<{tag} style={a['style']!r}>")
        self.event_handlers += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        if tag == "script":
            self._script = a
            if a.get("src"):
                self.script_srcs.append(a["src"])
        elif tag == "style":
            self.style_blocks += 1
        elif tag == "link" and "stylesheet" in (a.get("rel") or ""):
            self.stylesheets.append(a.get("href", ""))
        elif tag == "a" and self.first_link is None:
            self.first_link = a.get("href")
        elif tag == "main":
            self.main_ids.append(a.get("id", ""))
        elif tag == "label" and a.get("for"):
            self.labels_for.add(a["for"])
        elif tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.inputs.append(a)
        if tag == "ul" and "navbar-nav" in (a.get("class") or "") and "me-auto" in (a.get("class") or ""):
            self._in_main_nav = True
        if tag == "a" and self._in_main_nav:
            self._link_attrs = a
            self._link_text = []

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag == "a" and self._link_attrs is not None:
            self.nav_links.append(
                (
                    "".join(self._link_text).strip(),
                    self._link_attrs.get("href"),
                    "aria-current" in self._link_attrs,
                )
            )
            self._link_attrs = None
        if tag == "ul":
            self._in_main_nav = False

    def handle_data(self, data):
        if self._script is not None and not self._script.get("src") and data.strip():
            # JSON data blocks (allauth's recovery-code page) are not executed and CSP does not apply to them.
            if self._script.get("type") != "application/json":
                self.inline_scripts.append(data.strip()[:80])
        if self._link_text is not None:
            self._link_text.append(data)


def scan(response) -> PageScan:
    parser = PageScan()
    parser.feed(response.content.decode())
    return parser


# --- navigation ----------------------------------------------------------------------------------------------------

# Issue 2, point 8: the menu of each organisation kind, in this order.
EXPECTED_MENUS = {
    "provider": ["ダッシュボード", "インシデント", "セルフチェック", "見積・加入", "保険金請求", "設定"],
    "agency": ["ダッシュボード", "名簿", "見積", "加入依頼", "入金", "契約", "インシデント"],
    "insurer": ["ダッシュボード", "事前承認", "保険金請求", "インシデント"],
    "desk": ["ダッシュボード", "受付キュー", "案件", "ベンダー"],
    "foundation": ["ダッシュボード", "認定事業者名簿", "統計"],
    "hospital": ["ダッシュボード", "通知", "委託先"],
}


@pytest.mark.parametrize(("kind", "labels"), EXPECTED_MENUS.items())
def test_menu_definition_lists_the_sections_of_each_kind_in_order(kind, labels):
    # Apps may add entries of their own (e.g. the desk's 電話受付); the sections keep their order.
    defined = [entry.label for entry in NAVIGATION[kind]]
    assert [label for label in defined if label in labels] == labels


def test_menu_skips_entries_whose_page_does_not_exist_yet(monkeypatch):
    monkeypatch.setitem(
        navigation.NAVIGATION,
        "provider",
        (NavEntry("ダッシュボード", ("core:dashboard",)), NavEntry("未実装", ("nowhere:index",))),
    )
    assert [item.label for item in nav_items("provider", "/")] == ["ダッシュボード"]


def test_menu_entry_uses_the_first_url_name_that_exists(monkeypatch):
    monkeypatch.setitem(
        navigation.NAVIGATION, "provider", (NavEntry("設定", ("nowhere:index", "core:settings")),)
    )
    assert [item.url for item in nav_items("provider", "/")] == [reverse("core:settings")]


def test_menu_marks_the_section_of_the_current_page():
    items = {item.label: item for item in nav_items("provider", reverse("core:api_tokens"))}
    assert items["設定"].active
    assert not items["ダッシュボード"].active


def test_menu_of_no_kind_is_empty():
    assert nav_items(None, "/") == []


@pytest.mark.parametrize("kind", EXPECTED_MENUS)
def test_rendered_menu_shows_the_kinds_existing_sections_with_the_dashboard_current(
    client, user_of_kind, kind
):
    client.force_login(user_of_kind(kind))
    page = scan(client.get(reverse("core:dashboard")))
    expected = [(item.label, item.url) for item in nav_items(kind, reverse("core:dashboard"))]
    assert [(label, href) for label, href, _ in page.nav_links] == expected
    assert ("ダッシュボード", reverse("core:dashboard"), True) in page.nav_links
    assert {label for label, _, _ in page.nav_links} <= {entry.label for entry in NAVIGATION[kind]}


def test_navbar_names_the_active_organisation_and_its_kind(client, provider_user):
    client.force_login(provider_user)
    html = client.get(reverse("core:dashboard")).content.decode()
    org = provider_user.memberships.get().organisation
    assert org.name in html
    assert "医療関連サービス事業者" in html


def test_navbar_has_no_switcher_for_a_single_membership(client, provider_user):
    client.force_login(provider_user)
    assert 'action="/switch-organisation/"' not in client.get(reverse("core:dashboard")).content.decode()


# --- CSP, inline code, local assets -------------------------------------------------------------------------------


def _pages_for(client, provider_admin, password) -> dict[str, object]:
    """A representative set of rendered pages: entrance, shell, forms, allauth management."""
    anonymous = Client()
    pages = {
        "login": anonymous.get(reverse("account_login")),
        "password_reset": anonymous.get(reverse("account_reset_password")),
        "password_reset_done": anonymous.get(reverse("account_reset_password_done")),
    }
    client.force_login(provider_admin)
    pages |= {
        "dashboard": client.get(reverse("core:dashboard")),
        "api_tokens": client.get(reverse("core:api_tokens")),
        "api_token_created": client.post(reverse("core:api_tokens"), {"name": "連携", "role": "staff"}),
        "notifications": client.get(reverse("core:notifications")),
        "settings": client.get(reverse("core:settings")),
        "mfa_index": client.get(reverse("mfa_index")),
        "password_change": client.get(reverse("account_change_password")),
        "logout": client.get(reverse("account_logout")),
        "reauthenticate": client.get(reverse("account_reauthenticate")),
    }
    client.post(reverse("account_reauthenticate"), {"password": password})
    pages["totp_activate"] = client.get(reverse("mfa_activate_totp"))
    return pages


def test_every_page_sends_a_csp_without_unsafe_inline(client, provider_admin, password):
    for name, response in _pages_for(client, provider_admin, password).items():
        assert response.status_code == 200, name
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp, name
        assert "style-src 'self'" in csp, name
        assert "unsafe-inline" not in csp, name


def test_no_page_has_inline_scripts_styles_or_event_handlers(client, provider_admin, password):
    for name, response in _pages_for(client, provider_admin, password).items():
        page = scan(response)
        assert page.inline_scripts == [], name
        assert page.style_blocks == 0, name
        assert page.style_attributes == [], name
        assert page.event_handlers == [], name


def test_pages_load_bootstrap_and_htmx_from_local_static_files(client, provider_user):
    client.force_login(provider_user)
    page = scan(client.get(reverse("core:dashboard")))
    assets = page.script_srcs + page.stylesheets
    assert any("vendor/bootstrap/css/bootstrap.min.css" in a for a in assets)
    assert any("vendor/bootstrap/js/bootstrap.bundle.min.js" in a for a in assets)
    assert any("vendor/htmx/htmx.min.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/bootstrap/LICENSE",
        "vendor/htmx/htmx.min.js",
        "vendor/htmx/LICENSE",
        "css/sonae.css",
        "js/sonae.js",
        "img/favicon.svg",
    ],
)
def test_static_asset_is_found_by_the_static_files_finders(path):
    # Needs STATICFILES_DIRS = [BASE_DIR / "static"]: src/sonae/static is not inside an app.
    assert finders.find(path), path


def test_htmx_is_configured_for_a_strict_csp(client, provider_user):
    client.force_login(provider_user)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    assert '<meta name="csrf-token" content="' in html


# --- accessibility basics -----------------------------------------------------------------------------------------


def test_skip_link_is_the_first_link_and_targets_main(client, provider_user):
    client.force_login(provider_user)
    page = scan(client.get(reverse("core:dashboard")))
    assert page.first_link == "#main"
    assert page.main_ids == ["main"]
    assert page.lang == "ja"


def test_every_form_control_has_a_label(client, provider_admin, password):
    for name, response in _pages_for(client, provider_admin, password).items():
        page = scan(response)
        for control in page.inputs:
            labelled = control.get("id") in page.labels_for or control.get("aria-label")
            assert labelled, (name, control)


# --- Japanese screens ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "texts"),
    [
        ("account_login", ["ログイン", "メールアドレス", "パスワード", "パスワードをお忘れの方"]),
        ("account_reset_password", ["パスワードの再設定", "メールアドレス"]),
    ],
)
def test_entrance_pages_read_in_japanese(client, url_name, texts):
    html = client.get(reverse(url_name)).content.decode()
    for text in texts:
        assert text in html
    assert "Sign In" not in html
    assert "sign up" not in html.lower()


def test_login_error_is_shown_in_japanese(client, provider_user):
    response = client.post(
        reverse("account_login"), {"login": provider_user.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert-danger"' in html
    assert "正しくありません" in html


def test_totp_code_entry_reads_in_japanese(client, agency_user_with_totp, password):
    client.post(reverse("account_login"), {"login": agency_user_with_totp.email, "password": password})
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "多要素認証" in html
    assert 'name="code"' in html


def test_recovery_codes_page_renders_after_totp_enrolment(client, agency_user_with_totp, password):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(agency_user_with_totp)
    client.force_login(agency_user_with_totp)
    client.post(reverse("account_reauthenticate"), {"password": password})
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "リカバリーコード" in html
    assert scan(response).inline_scripts == []


# --- error pages ---------------------------------------------------------------------------------------------------


def test_unknown_page_is_a_japanese_404_when_debug_is_off(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "お探しのページは見つかりませんでした" in html
    assert scan(response).lang == "ja"


def test_forbidden_page_is_a_japanese_403(client, provider_user):
    client.force_login(provider_user)
    response = client.get(reverse("core:api_tokens"))
    assert response.status_code == 403
    assert "このページを表示する権限がありません" in response.content.decode()


def test_server_error_page_renders_without_a_request_context(settings):
    settings.SONAE_DESK_PHONE = "0120-999-999"
    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "システムでエラーが発生しました" in html
    assert "0120-999-999" in html


def test_csrf_failure_page_is_in_japanese(provider_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider_user)
    response = client.post(reverse("core:notifications_read_all"))
    assert response.status_code == 403
    assert "フォームの送信を受け付けられませんでした" in response.content.decode()


def test_repeated_login_failures_show_the_japanese_lockout_page(client, provider_user, settings):
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("account_login"), {"login": provider_user.email, "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "ログインが一時的に制限されています" in html
    assert "30分" in html
