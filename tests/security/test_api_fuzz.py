"""Schemathesis against the API in-process (WSGI) with the demo data and a provider admin's token.

Bounded: a few deterministic examples per operation. Checks: no 5xx, and responses match the schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.security.world import build_full_world

MAX_EXAMPLES = 8


@pytest.mark.django_db
def test_api_fuzz_no_server_error_and_schema_conformance(caplog):
    import logging
    import traceback

    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    caplog.set_level(logging.ERROR, logger="sonae.api")

    world = build_full_world()
    # The WSGI app is called directly (not through Django's test client), so Django's request signals would close
    # the database connection after each request — ending the test's transaction on PostgreSQL. Do as the test
    # client does: keep the connection for the duration of the test.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        failures = _fuzz(world, get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    # The server's own traceback says why; the first distinct ones go into the message.
    causes = []
    for record in caplog.records:
        if record.exc_info:
            text = "".join(traceback.format_exception(*record.exc_info))[-1500:]
            if text not in causes:
                causes.append(text)
    assert failures == [], "\n".join(failures + ["--- server tracebacks ---", *causes[:3]])


def _fuzz(world, app) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {world.home.ids['api_secret']}"}
    failures: list[str] = []
    checks = [not_a_server_error, response_schema_conformance]
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=checks)
            except BaseExceptionGroup as exc:  # schemathesis raises a group of check failures
                failures.append(f"{label}: {str(exc)[:300]}")  # noqa: B023 (used before the next iteration)
                raise

        try:
            fuzz()
        except BaseExceptionGroup:  # recorded above; keep fuzzing the other operations
            pass
    return failures
