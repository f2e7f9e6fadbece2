"""Tenant-isolation matrix: every page and API route × every organisation kind × role against ``policy_table``.

One test walks the whole matrix on one fixture world (built once per module: the demo data set plus a second
provider's objects) and reports every disagreement at once; cheap tests make sure no route is missing from the
table.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sonae.api.main import api
from tests.security import policy_table as table
from tests.security.world import KINDS, ROLES, api_path, build_full_world, page_kwargs

ROLE_RANK = {table.VIEWER: 0, table.STAFF: 1, table.ADMIN: 2}
# Downloads render PDFs / workbooks: checked at the minimum allowed role only (and every role where denied).
HEAVY_MARKERS = ("pdf", "xlsx", "export", "certificate")
# Kinds whose users see only their own organisation's objects: the foreign ids are checked for these.
SCOPED_KINDS = ("provider", "hospital")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One fixture world for the module's tests (building it takes seconds): created in a transaction that is
    rolled back after the last test; each test runs in a savepoint inside it, as usual.

    This is what ``django.test.TestCase`` does for ``setUpTestData``: its class-wide atomic block is marked as the
    test case's, so the services' ``atomic(durable=True)`` blocks may nest inside it."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True
        with block:
            yield build_full_world()
            transaction.set_rollback(True)


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern), p


def page_routes():
    """(URL name, route, pattern) of every Sonae page (admin, allauth and the API are checked elsewhere)."""
    return [
        (name, route, p)
        for name, route, p in _walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "accounts/", "api/"))
    ]


def api_operations():
    """(method, path, operation id) of every API operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [
        (m, "/api/v1" + p.removeprefix("/api/v1"), op["operationId"])
        for p, d in schema["paths"].items()
        for m, op in d.items()
    ]


def test_every_page_is_declared_in_the_policy_table():
    missing = sorted(name for name, _, _ in page_routes() if name not in table.PAGES)
    assert missing == [], f"declare these pages in tests/security/policy_table.py: {missing}"


def test_every_api_operation_is_declared_in_the_policy_table():
    missing = sorted(op for _, _, op in api_operations() if op not in table.API)
    assert missing == [], f"declare these API operations in tests/security/policy_table.py: {missing}"


def test_policy_table_declares_no_vanished_route():
    names = {name for name, _, _ in page_routes()} | {op for _, _, op in api_operations()}
    stale = sorted((set(table.PAGES) | set(table.API)) - names)
    assert stale == []


def _allowed(rule, kind: str, role: str) -> bool:
    return kind in rule.kinds and ROLE_RANK[role] >= ROLE_RANK[rule.min_role]


def _is_allowed_response(response) -> bool:
    if response.status_code >= 400:
        return False
    location = response.get("Location", "")
    return not ("/accounts/login" in location or "/accounts/2fa" in location or "/mfa" in location)


def _roles_to_check(name: str, rule, kind: str):
    if any(m in name for m in HEAVY_MARKERS) and kind in rule.kinds:
        lowest = ROLE_RANK[rule.min_role]
        return [r for r in ROLES if ROLE_RANK[str(r)] in (lowest, lowest - 1)]
    return ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_isolation_matrix(world, kind):
    """Each role of ``kind`` GETs each page / API route with the home provider's ids: allowed exactly as declared;
    with the foreign provider's ids: never allowed, and 404 when the route is allowed at all. (One test per kind:
    parallel test processes share the matrix.)"""
    failures: list[str] = []
    pages = [(n, list(p.pattern.converters), table.PAGES.get(n)) for n, _, p in page_routes()]
    gets = [(path, op, table.API.get(op)) for m, path, op in api_operations() if m == "get"]
    for role in ROLES:
        role = str(role)
        client = Client()
        client.force_login(world.users[(kind, role)])
        for name, keywords, rule in pages:
            if not isinstance(rule, table.Access) or role not in map(str, _roles_to_check(name, rule, kind)):
                continue
            kwargs = page_kwargs(name, keywords, world.home)
            if kwargs is None:
                failures.append(f"{name}: the world has no object for {keywords}")
                continue
            response = client.get(reverse(name, kwargs=kwargs))
            expected = _allowed(rule, kind, role)
            if _is_allowed_response(response) != expected or response.status_code >= 500:
                failures.append(
                    f"{name} {kind}/{role}: got {response.status_code}, expected allowed={expected}"
                )
            foreign = page_kwargs(name, keywords, world.foreign) if kind in SCOPED_KINDS else None
            wanted = {404} if expected else {403, 404}
            if foreign and foreign != kwargs:
                response = client.get(reverse(name, kwargs=foreign))
                if response.status_code not in wanted:
                    failures.append(f"{name} {kind}/{role} FOREIGN: got {response.status_code}")
            # Another provider's object under one's own case: /<own reference>/<foreign id>/.
            mixed = (
                {**foreign, "reference": kwargs["reference"]} if foreign and "reference" in foreign else None
            )
            if mixed and mixed not in (kwargs, foreign):
                response = client.get(reverse(name, kwargs=mixed))
                if response.status_code not in wanted:
                    failures.append(f"{name} {kind}/{role} FOREIGN IN OWN CASE: got {response.status_code}")
        for path, op, rule in gets:
            if not isinstance(rule, table.Access):
                continue
            url = api_path(path, world.home)
            if url is None:
                failures.append(f"{op}: the world has no object for {path}")
                continue
            response = client.get(url)
            expected = _allowed(rule, kind, role)
            if (response.status_code < 300) != expected:
                failures.append(
                    f"{op} {kind}/{role}: got {response.status_code}, expected allowed={expected}"
                )
            foreign = api_path(path, world.foreign) if kind in SCOPED_KINDS else None
            wanted = {404} if expected else {403, 404}
            if foreign and foreign != url:
                response = client.get(foreign)
                if response.status_code not in wanted:
                    failures.append(f"{op} {kind}/{role} FOREIGN: got {response.status_code}")
            mixed = api_path(path, world.foreign, case_side=world.home) if foreign else None
            if mixed and mixed not in (url, foreign):
                response = client.get(mixed)
                if response.status_code not in wanted:
                    failures.append(f"{op} {kind}/{role} FOREIGN IN OWN CASE: got {response.status_code}")
    assert failures == [], "\n".join(failures)


def _rights_token(response) -> str | None:
    import re

    found = re.search(r'name="rights_token" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


@pytest.mark.django_db
def test_public_pages(world, monkeypatch):
    """``PUBLIC`` pages, without login: a case's token shows that case only; the other case's person is not found
    through it, the other case's signed request token is refused, and an unknown or closed token is 404."""
    from sonae.rights.models import RightsRequest
    from sonae.victims.models import VictimCase
    from sonae.victims.services import lookup

    monkeypatch.setattr(lookup, "SELF_SERVICE_FLOOR_SECONDS", 0)  # the anti-timing floor, not under test here
    declared = sorted(name for name, rule in table.PAGES.items() if rule == table.PUBLIC)
    assert declared == ["victims:public_inquiry", "victims:public_rights_request"]
    found = "今回の事案の対象です"
    failures: list[str] = []

    def url(name: str, side) -> str:
        return reverse(name, kwargs=page_kwargs(name, ["token"], side))

    tokens = {}
    for side, other in ((world.home, world.foreign), (world.foreign, world.home)):
        page = url("victims:public_inquiry", side)
        response = Client().get(page)
        text = response.content.decode()
        if response.status_code != 200 or side.provider.name not in text or other.provider.name in text:
            failures.append(f"{page}: {response.status_code}, not only {side.provider.code}'s page")
        own = Client().post(page, {"code": side.ids["person_code"], "birth": side.ids["person_birth"]})
        tokens[side.provider.code] = _rights_token(own)
        if found not in own.content.decode() or tokens[side.provider.code] is None:
            failures.append(f"{page}: its own person is not found (the check below would prove nothing)")
        response = Client().post(page, {"code": other.ids["person_code"], "birth": other.ids["person_birth"]})
        text = response.content.decode()
        if response.status_code != 200 or found in text or _rights_token(response):
            failures.append(f"{page}: {other.provider.code}'s person answered ({response.status_code})")
    home, foreign = world.home, world.foreign
    # A request token signed for the other case is refused, and nothing is recorded; the own one is accepted.
    before = RightsRequest.objects.count()
    target = url("victims:public_rights_request", home)
    data = {"kind": "disclosure", "asked": "開示してほしい。"}
    response = Client().post(target, {**data, "rights_token": tokens[foreign.provider.code]})
    if response.status_code != 404 or RightsRequest.objects.count() != before:
        failures.append(f"{target} with {foreign.provider.code}'s token: {response.status_code}")
    response = Client().post(target, {**data, "rights_token": tokens[home.provider.code]})
    if response.status_code != 200 or RightsRequest.objects.count() != before + 1:
        failures.append(f"{target} with its own token: {response.status_code}")
    # An unknown token, or the token of a case whose page is closed, is 404.
    closed = home.ids["victim_case"]
    VictimCase.objects.filter(pk=closed.pk).update(self_service=False)
    for name in declared:
        for token in ("no-such-token", closed.self_service_token):
            page = reverse(name, kwargs={"token": token})
            response = Client().get(page) if name.endswith("inquiry") else Client().post(page, data)
            if response.status_code != 404:
                failures.append(f"{page}: {response.status_code}, expected 404")
    if Client().get(url("victims:public_inquiry", foreign)).status_code != 200:
        failures.append("closing one case's page closed the other's")
    assert failures == [], "\n".join(failures)


# Writes with the other provider's ids, through provider A's API token: always 404.
FOREIGN_WRITES = [
    ("patch", "/api/v1/enrolment/applications/{application_id}", {}),
    ("post", "/api/v1/enrolment/applications/{application_id}/submit", {}),
    ("post", "/api/v1/incidents/{reference}/duties", {}),
    ("patch", "/api/v1/expenses/{expense_id}", {}),
    ("delete", "/api/v1/expenses/{expense_id}", None),
    ("patch", "/api/v1/webhooks/endpoints/{endpoint_id}", {}),
    ("delete", "/api/v1/webhooks/endpoints/{endpoint_id}", None),
    ("post", "/api/v1/webhooks/endpoints/{endpoint_id}/secret", None),
    ("post", "/api/v1/webhooks/endpoints/{endpoint_id}/test", None),
    (
        "post",
        "/api/v1/incidents/{reference}/rights-requests",
        {"kind": "disclosure", "channel": "call", "received_on": "2026-03-02", "asked": "開示してほしい。"},
    ),
    ("post", "/api/v1/incidents/{reference}/rights-requests/{pk}/verify", {"method": "運転免許証"}),
    ("post", "/api/v1/incidents/{reference}/rights-requests/{pk}/decide", {"decision": "comply"}),
    (
        "post",
        "/api/v1/incidents/{reference}/rights-requests/{pk}/reply",
        {"replied_on": "2026-03-05", "method": "post"},
    ),
    ("post", "/api/v1/incidents/{reference}/rights-requests/{pk}/close", None),
    ("post", "/api/v1/rights/forwarded/{pk}/decide", {"decision": "comply"}),
    ("post", "/api/v1/rights/forwarded/{pk}/reply", {"replied_on": "2026-03-05", "method": "post"}),
    (
        "post",
        "/api/v1/victims/{reference}/lookup",
        {"mode": "code", "code": "SN-0000-0000-0000", "reason": "照会"},
    ),
    ("post", "/api/v1/victims/{reference}/inquiries", {"category": "letter", "answer": "再送を受け付けた。"}),
    ("put", "/api/v1/victims/{reference}/imports/{import_id}/mapping", {"mapping": ["name"]}),
    ("put", "/api/v1/victims/{reference}/imports/{import_id}/duplicates", {"import_lines": [2]}),
    ("post", "/api/v1/victims/{reference}/imports/{import_id}/validate", None),
    ("post", "/api/v1/victims/{reference}/imports/{import_id}/confirm", None),
    ("post", "/api/v1/victims/{reference}/imports/{import_id}/cancel", None),
    ("put", "/api/v1/victims/{reference}/letters/template", {"template": "{氏名} 様"}),
    ("post", "/api/v1/victims/{reference}/letter-runs", {"letter_date": "2026-04-01"}),
    (
        "post",
        "/api/v1/victims/{reference}/letter-runs/{run_id}/batches/{number}/download",
        {"kind": "csv", "reason": "印刷会社への入稿"},
    ),
    (
        "post",
        "/api/v1/victims/{reference}/letter-runs/{run_id}/batches/{number}/sent",
        {"sent_on": "2026-04-01"},
    ),
    ("put", "/api/v1/victims/{reference}/gifts", {"kind": "QUOカード", "amount_individual": 500}),
    ("post", "/api/v1/victims/{reference}/gifts/recipients", None),
    ("post", "/api/v1/victims/{reference}/gifts/shipped", {"shipped_on": "2026-04-01"}),
    (
        "post",
        "/api/v1/hospitals/cases/{reference}/questions",
        {"hospital_code": "kawase-hospital", "subject": "確認", "body": "状況を教えてください。"},
    ),
    ("post", "/api/v1/hospitals/cases/{reference}/questions/{thread_id}/answers", {"body": "回答します。"}),
    ("put", "/api/v1/hospitals/cases/{reference}/joint-reports/{hospital_code}", {"enabled": True}),
    ("put", "/api/v1/victims/{reference}/settings/desk-access", {"granted": False}),
    ("put", "/api/v1/victims/{reference}/settings/self-service", {"enabled": False}),
    ("post", "/api/v1/victims/{reference}/incident-facts/apply", {"persons": 1, "data_items": ["name"]}),
    ("post", "/api/v1/victims/{reference}/inquiries/{inquiry_id}/done", None),
    ("post", "/api/v1/api-tokens/{token_id}/revoke", None),
    ("patch", "/api/v1/incidents/{reference}/facts", {"persons_estimate": 1}),
    ("post", "/api/v1/incidents/{reference}/triage", {"symptoms": ["other"]}),
    ("post", "/api/v1/incidents/{reference}/dispatches", {"vendor_id": 1, "category": "forensics"}),
    ("post", "/api/v1/incidents/{reference}/notices", {}),
    ("put", "/api/v1/incidents/{reference}/notices/{notice_id}", {"subject": "件名", "letter_text": "本文"}),
    ("post", "/api/v1/incidents/{reference}/notices/{notice_id}/send", None),
    ("put", "/api/v1/incidents/{reference}/tasks/{task_id}/owner", {"organisation_id": None}),
    ("post", "/api/v1/incidents/{reference}/duties/refresh", None),
    ("post", "/api/v1/incidents/{reference}/duties/drafts/{kind}/export", {"format": "pdf"}),
    ("post", "/api/v1/notifications/{notification_id}/read", None),
]


@pytest.mark.django_db
def test_provider_token_gets_404_on_every_route_with_another_providers_ids(world):
    """The acceptance check of issue 9: provider A's API token, every GET route and a set of writes with B's ids."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.home.ids['api_secret']}")
    failures = []
    for method, path, op in api_operations():
        if "{" not in path or method != "get":
            continue
        url = api_path(path, world.foreign)
        if url is None or url == api_path(path, world.home):  # no object of B in the path (a year)
            continue
        response = client.get(url)
        rule = table.API[op]
        # A route providers may not use at all answers 403 whatever the id; every other one 404.
        wanted = {404} if isinstance(rule, table.Access) and "provider" in rule.kinds else {403, 404}
        if response.status_code not in wanted:
            failures.append(f"GET {url} ({op}): {response.status_code}")
    for method, path, body in FOREIGN_WRITES:
        url = api_path(path, world.foreign)
        assert url is not None, path
        if body is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, data=body, content_type="application/json")
        if response.status_code != 404:
            failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == [], "\n".join(failures)
