"""The API's routes nested by first segment (``grouped_urls``) resolve and reverse exactly as ninja's flat list."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse

from sonae.api.main import api

FLAT, _APP, NAMESPACE = api.urls


def _sample(route: str) -> str:
    """A path the route matches: every converter filled with a value of its type."""
    values = {"int": "7", "uuid": "12345678-1234-5678-1234-567812345678", "path": "a/b", "slug": "s-1"}
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: values.get(m.group(1) or "str", "REF-1"), route)


def _first_flat_match(path: str):
    for pattern in FLAT:
        if pattern.resolve(path) is not None:
            return pattern
    return None


@pytest.mark.parametrize("route", sorted({str(p.pattern) for p in FLAT}))
def test_every_route_resolves_to_the_view_the_flat_list_gives(route):
    path = _sample(route)
    expected = _first_flat_match(path)
    match = resolve(f"/api/v1/{path}")
    direct_for = getattr(match.func, "direct_for", None)
    if direct_for is not None:  # a direct route (``api.direct``) tried first: for the same operation
        assert direct_for.__name__ == expected.name
        assert match.route.replace("<str:", "<") == f"api/v1/{expected.pattern}"
        return
    # (ninja builds new view objects each time ``api.urls`` is read: compare what they are, not their ids)
    assert (match.url_name, match.route) == (expected.name, f"api/v1/{expected.pattern}")
    assert getattr(match.func, "__qualname__", None) == getattr(expected.callback, "__qualname__", None)
    assert match.namespace == NAMESPACE


def test_every_name_reverses_to_its_route():
    checked = 0
    for pattern in FLAT:
        route = str(pattern.pattern)
        if "<" in route:
            continue
        assert reverse(f"{NAMESPACE}:{pattern.name}") == f"/api/v1/{route}"
        checked += 1
    assert checked > 50


def test_the_root_urlconf_nests_the_api_by_first_segment():
    from sonae.urls import urlpatterns

    api_include = next(p for p in urlpatterns if str(p.pattern) == "api/v1/")
    nested = api_include.url_patterns
    assert len(nested) < 40 < len(FLAT)
    assert "victims/" in {str(p.pattern) for p in nested}
