"""The CSP middleware with the kept policy (``sonae.core.csp``) answers every case as django-csp's own does."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory

from sonae.core.csp import CSPMiddleware


def _plain(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://tiles.example.jp"]})
def _updated(request):
    return HttpResponse("ok")


@csp_replace({"script-src": ["'self'", "https://cdn.example.jp"]})
def _replaced(request):
    return HttpResponse("ok")


@csp_exempt()
def _exempt(request):
    return HttpResponse("ok")


def _nonce_used(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def _not_found(request):
    return HttpResponseNotFound("no")


def _headers(middleware_class, view, path: str = "/incidents/"):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}, request


def _directives(header: str) -> set[str]:
    """A policy's directives (django-csp writes them in no fixed order)."""
    return {part.strip() for part in header.split(";")}


VIEWS = [_plain, _updated, _replaced, _exempt, _not_found]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_headers_are_django_csps(view):
    ours, _ = _headers(CSPMiddleware, view)
    theirs, _ = _headers(DjangoCSPMiddleware, view)

    assert ours == theirs


def test_the_settings_policy_is_set_and_per_view_policies_are_kept():
    plain, _ = _headers(CSPMiddleware, _plain)
    updated, _ = _headers(CSPMiddleware, _updated)
    exempt, _ = _headers(CSPMiddleware, _exempt)

    assert "default-src 'self'" in plain[HEADER] and "frame-ancestors 'none'" in plain[HEADER]
    assert "https://tiles.example.jp" in updated[HEADER] and "https://tiles.example.jp" not in plain[HEADER]
    assert exempt[HEADER] is None
    assert plain[HEADER_REPORT_ONLY] is None


def test_a_used_nonce_is_in_the_header(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}
    }

    headers, request = _headers(CSPMiddleware, _nonce_used)
    unused, _ = _headers(CSPMiddleware, _plain)

    assert _directives(headers[HEADER]) == {
        "default-src 'self'",
        f"script-src 'self' 'nonce-{request._csp_nonce}'",
    }
    assert _directives(unused[HEADER]) == {"default-src 'self'", "script-src 'self'"}
    assert unused == _headers(DjangoCSPMiddleware, _plain)[0]


def test_a_nonce_asked_for_after_the_header_is_an_error():
    _, request = _headers(CSPMiddleware, _plain)

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_overridden_settings_are_followed(settings):
    before, _ = _headers(CSPMiddleware, _plain)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'self'"]},
        "EXCLUDE_URL_PREFIXES": ["/static/"],
    }

    after, _ = _headers(CSPMiddleware, _plain)
    excluded, _ = _headers(CSPMiddleware, _plain, path="/static/app.css")

    assert before[HEADER] != after[HEADER]
    assert after == _headers(DjangoCSPMiddleware, _plain)[0]
    assert after[HEADER] == "default-src 'none'"
    assert after[HEADER_REPORT_ONLY] == "default-src 'self'"
    assert excluded == {HEADER: "default-src 'none'", HEADER_REPORT_ONLY: None}
    assert excluded == _headers(DjangoCSPMiddleware, _plain, path="/static/app.css")[0]


def test_debug_error_pages_are_left_alone_as_django_csp_does(settings):
    settings.DEBUG = True

    ours, _ = _headers(CSPMiddleware, _not_found)

    assert ours == _headers(DjangoCSPMiddleware, _not_found)[0] == {HEADER: None, HEADER_REPORT_ONLY: None}


def test_the_project_uses_it():
    from django.conf import settings

    assert "sonae.core.csp.CSPMiddleware" in settings.MIDDLEWARE
    assert "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE
