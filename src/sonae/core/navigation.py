"""The main navigation per organisation kind, defined in one place.

Each entry names the URL it links to. An entry whose URL name does not reverse (its app is not built or not
installed yet) is left out, so sections light up on their own as apps add their ``urls.py``. An entry may list
several URL names; the first that reverses wins (an app may name its index ``list`` or ``index``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_names: tuple[str, ...]


@dataclass(frozen=True)
class NavItem:
    """A navigation entry resolved for one request."""

    label: str
    url: str
    active: bool


def _e(label: str, *url_names: str) -> NavEntry:
    return NavEntry(label, url_names)


DASHBOARD = _e("ダッシュボード", "core:dashboard")

# DESIGN §1: what each kind of organisation does in Sonae. Order is the order of the menu.
NAVIGATION: dict[str, tuple[NavEntry, ...]] = {
    "provider": (
        DASHBOARD,
        _e("インシデント", "incidents:list", "incidents:index"),
        _e("対象者リスト", "victims:index"),
        _e("法的対応の解説", "duties:explain"),
        _e("セルフチェック", "selfcheck:index", "selfcheck:list"),
        _e("見積・加入", "enrolment:index", "enrolment:quotes", "enrolment:quote_list"),
        _e("保険金請求", "claims:list", "claims:index"),
        _e("委託元", "hospitals:links"),
        _e("設定", "core:settings"),
    ),
    "agency": (
        DASHBOARD,
        _e("加入状況", "enrolment:funnel"),
        _e("名簿", "enrolment:roster", "enrolment:roster_list"),
        _e("見積", "enrolment:quotes", "enrolment:quote_list"),
        _e("加入依頼", "enrolment:applications", "enrolment:application_list"),
        _e("入金", "enrolment:payments", "enrolment:payment_list"),
        _e("契約", "enrolment:policies", "enrolment:policy_list"),
        _e("インシデント", "incidents:list", "incidents:index"),
    ),
    "insurer": (
        DASHBOARD,
        _e("事前承認", "claims:approvals", "claims:approval_list"),
        _e("保険金請求", "claims:list", "claims:index"),
        _e("インシデント", "incidents:list", "incidents:index"),
        _e("契約", "enrolment:policies"),
    ),
    "desk": (
        DASHBOARD,
        _e("受付キュー", "incidents:queue", "incidents:intake_queue"),
        _e("電話受付", "incidents:intake"),
        _e("案件", "incidents:list", "incidents:index"),
        _e("対象者の照会", "victims:index"),
        _e("法的対応の解説", "duties:explain"),
        _e("ベンダー", "incidents:vendors", "incidents:vendor_list"),
    ),
    "foundation": (
        DASHBOARD,
        _e("認定事業者名簿", "enrolment:roster", "enrolment:roster_list"),
        _e("統計", "enrolment:statistics", "core:statistics"),
    ),
    "hospital": (
        DASHBOARD,
        _e("通知", "hospitals:notices", "incidents:hospital_notices"),
        _e("委託先", "hospitals:contractors", "hospitals:dashboard"),
        _e("開示等の請求", "rights:hospital_list"),
    ),
}


def _reverse_first(url_names: tuple[str, ...]) -> str | None:
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def nav_items(kind: str | None, path: str = "") -> list[NavItem]:
    """The menu for an organisation kind, with only the entries whose page exists, the current one marked.

    An entry is active when the request path is its URL or below it; the dashboard (usually ``/``) only when the
    path is exactly its URL, otherwise it would be active everywhere.
    """
    resolved: list[tuple[str, str]] = []
    dashboard_url = _reverse_first(DASHBOARD.url_names)
    for entry in NAVIGATION.get(kind or "", ()):
        url = _reverse_first(entry.url_names)
        if url is not None:
            resolved.append((entry.label, url))

    def matches(url: str) -> bool:
        if url == dashboard_url or url == "/":
            return path == url
        return path == url or path.startswith(url.rstrip("/") + "/")

    # Only the most specific matching entry is active (/incidents/queue/ is 受付キュー, not also 案件).
    matching = [url for _, url in resolved if matches(url)]
    best = max(matching, key=len) if matching else None
    return [NavItem(label, url, url == best) for label, url in resolved]
