"""The webhook pages and API lists read a fixed number of queries whatever the number of endpoints and deliveries
(issue 9 point 5): the endpoint list, an endpoint's delivery log, and the API lists of endpoints and deliveries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sonae.webhooks.services import emit, endpoint_send_test
from tests.querycount import assert_no_query_per_row, reads

pytestmark = pytest.mark.django_db

PAYLOAD = {"incident": {"reference": "INC-2025-000001", "status": "reported"}}


@pytest.fixture
def admin_client(provider_admin_m):
    client = Client()
    client.force_login(provider_admin_m.user)
    return client


@pytest.fixture
def bearer(provider_admin_m):
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    secret = f"{TOKEN_PREFIX}webhook-query-counts-secret"
    ApiToken.objects.create(
        organisation=provider_admin_m.organisation,
        name="query counts",
        prefix=secret[6:14],
        token_hash=hash_token(secret),
        role="admin",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _endpoints(admin, make_endpoint, start: int, end: int) -> list[str]:
    names = []
    for n in range(start, end):
        events = ["incident.created"] if n % 2 else None
        endpoint, _ = make_endpoint(admin, events=events, name=f"連携先{n}")
        names.append(endpoint.name)
    return names


def _deliveries(admin, endpoint, count: int) -> list[str]:
    """``count`` deliveries to ``endpoint`` (every third a test delivery); their ids."""
    made = []
    for n in range(count):
        if n % 3 == 2:
            made.append(endpoint_send_test(actor=admin, endpoint=endpoint))
        else:
            made += emit("incident.created", organisation=admin.organisation, payload=PAYLOAD)
    return [str(d.uuid) for d in made if d.endpoint_id == endpoint.pk]


def test_endpoint_list_reads_a_fixed_number_of_queries(admin, admin_client, make_endpoint):
    admin_client.get(reverse("webhooks:list"))
    first = _endpoints(admin, make_endpoint, 0, 3)
    few = reads(admin_client, reverse("webhooks:list"))
    more = _endpoints(admin, make_endpoint, 3, 10)
    many = reads(admin_client, reverse("webhooks:list"))
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def test_delivery_log_reads_a_fixed_number_of_queries(admin, admin_client, make_endpoint):
    endpoint, _ = make_endpoint(admin, name="社内システム")
    url = reverse("webhooks:detail", args=[endpoint.pk])
    admin_client.get(url)
    first = _deliveries(admin, endpoint, 3)
    few = reads(admin_client, url)
    more = _deliveries(admin, endpoint, 10)
    many = reads(admin_client, url)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def test_api_endpoint_list_reads_a_fixed_number_of_queries(admin, bearer, make_endpoint):
    client = Client()
    client.get("/api/v1/webhooks/endpoints", **bearer)
    first = _endpoints(admin, make_endpoint, 0, 3)
    few = reads(client, "/api/v1/webhooks/endpoints", **bearer)
    more = _endpoints(admin, make_endpoint, 3, 10)
    many = reads(client, "/api/v1/webhooks/endpoints", **bearer)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


def test_api_deliveries_read_a_fixed_number_of_queries(admin, bearer, make_endpoint):
    endpoint, _ = make_endpoint(admin, name="社内システム")
    path = f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries"
    client = Client()
    client.get(path, **bearer)
    first = _deliveries(admin, endpoint, 3)
    few = reads(client, path, **bearer)
    more = _deliveries(admin, endpoint, 10)
    many = reads(client, path, **bearer)
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)
