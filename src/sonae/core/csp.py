"""The Content-Security-Policy header (django-csp), with the settings' policy built once rather than per answer.

django-csp's middleware builds the policy string from ``settings.CONTENT_SECURITY_POLICY`` (and the report-only
one) on every response, twice, through ``dataclasses.asdict``: some 90 µs per request here, about a tenth of a
call-centre look-up. Sonae's answers almost all carry the settings' policy unchanged (no view sets its own, no
template uses a nonce), so ``CSPMiddleware`` keeps the two header values per process and sets them. Any answer
that does differ goes through django-csp's own code:

- a response with a policy of its own or an exemption (django-csp's decorators: ``_csp_config``, ``_csp_update``,
  ``_csp_replace``, ``_csp_exempt`` and their ``_ro`` forms), and
- a request whose nonce was used.

The kept values follow the settings: they are rebuilt when a test overrides them (``setting_changed``).
"""

from __future__ import annotations

import functools
import http.client

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# Attributes by which a response carries a policy of its own (django-csp's decorators).
_OWN_POLICY = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


@functools.cache
def _policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded path prefixes) of the enforced and the report-only policy (value "" for none)."""
    found = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        config = getattr(settings, setting, None) or {}
        prefixes = tuple(config.get("EXCLUDE_URL_PREFIXES", None) or ())
        found.append((header, build_policy(report_only=report_only), prefixes))
    return tuple(found)


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.cache_clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, setting the kept policy where the answer has none of its own (module doc)."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        ):
            return response  # (django-csp leaves Django's debug pages alone)
        for header, value, excluded in _policies():
            if value and header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
