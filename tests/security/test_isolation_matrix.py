"""Tenant-isolation matrix: every page and API route × every organisation kind × role against ``policy_table``.

One test walks the whole matrix on one fixture world (built once: the demo data set plus a second provider's
objects) and reports every disagreement at once; cheap tests make sure no route is missing from the table.
"""

from __future__ import annotations

import pytest
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
def test_isolation_matrix():
    """Each kind × role GETs each page / API route with the home provider's ids: allowed exactly as declared;
    with the foreign provider's ids: never allowed, and 404 when the route is allowed at all."""
    world = build_full_world()
    failures: list[str] = []
    pages = [(n, list(p.pattern.converters), table.PAGES.get(n)) for n, _, p in page_routes()]
    gets = [(path, op, table.API.get(op)) for m, path, op in api_operations() if m == "get"]
    for kind in KINDS:
        for role in ROLES:
            role = str(role)
            client = Client()
            client.force_login(world.users[(kind, role)])
            for name, keywords, rule in pages:
                if not isinstance(rule, table.Access) or role not in map(
                    str, _roles_to_check(name, rule, kind)
                ):
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
                if foreign and foreign != kwargs:
                    response = client.get(reverse(name, kwargs=foreign))
                    wanted = {404} if expected else {403, 404}
                    if response.status_code not in wanted:
                        failures.append(f"{name} {kind}/{role} FOREIGN: got {response.status_code}")
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
                if foreign and foreign != url:
                    response = client.get(foreign)
                    wanted = {404} if expected else {403, 404}
                    if response.status_code not in wanted:
                        failures.append(f"{op} {kind}/{role} FOREIGN: got {response.status_code}")
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
]


@pytest.mark.django_db
def test_provider_token_gets_404_on_every_route_with_another_providers_ids():
    """The acceptance check of issue 9: provider A's API token, every GET route and a set of writes with B's ids."""
    world = build_full_world()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.home.ids['api_secret']}")
    failures = []
    for method, path, op in api_operations():
        if "{" not in path or method != "get":
            continue
        url = api_path(path, world.foreign)
        if url is None:
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
