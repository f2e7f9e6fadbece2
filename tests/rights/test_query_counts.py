"""The rights-request lists read a fixed number of queries whatever the number of requests (issue 9 point 5): a
case's requests (provider, and the desk with the provider's grant), the hospital's forwarded requests, and the API
lists of both."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from sonae.core.actors import Actor
from sonae.rights.services import rights_request_receive
from tests.factories import MembershipFactory
from tests.incidents.conftest import token_for  # noqa: F401  (shared fixture)
from tests.querycount import assert_no_query_per_row, reads

KINDS = ("disclosure", "suspension", "correction")


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.user(name))
    return client


def _receive(world, incident, start: int, end: int) -> list:
    return [
        rights_request_receive(
            actor=world.actor("provider"),
            incident=incident,
            kind=KINDS[n % 3],
            channel="call" if n % 2 else "letter",
            received_on=date(2026, 3, 1) + timedelta(days=n),
            asked=f"請求の内容{n}",
            requester_name=f"請求者{n}",
        )
        for n in range(start, end)
    ]


def _grant_desk(world, incident) -> None:
    from sonae.victims.services.case import desk_access_set

    admin = MembershipFactory(organisation=world.provider.organisation, role="admin")
    desk_access_set(actor=Actor.from_membership(admin), incident=incident, granted=True)


def _links(incident, requests) -> list[str]:
    return [f'href="/rights/{incident.reference}/{r.pk}/"' for r in requests]


@pytest.mark.parametrize("who", ["provider", "desk"])
def test_case_requests_page_reads_a_fixed_number_of_queries(world, own_case, who):
    _grant_desk(world, own_case)
    client, url = _client(world, who), f"/rights/{own_case.reference}/"
    client.get(url)
    first = _receive(world, own_case, 0, 3)
    few = reads(client, url)
    more = _receive(world, own_case, 3, 10)
    many = reads(client, url)
    assert few.shows(*_links(own_case, first)) and many.shows(*_links(own_case, first + more))
    assert_no_query_per_row(few, many)


def test_forwarded_requests_page_reads_a_fixed_number_of_queries(world, entrusted_case):
    client = _client(world, "hospital")
    client.get("/rights/hospital/")
    first = _receive(world, entrusted_case, 0, 3)
    few = reads(client, "/rights/hospital/")
    more = _receive(world, entrusted_case, 3, 10)
    many = reads(client, "/rights/hospital/")
    links = [f'href="/rights/hospital/{r.pk}/"' for r in first + more]
    assert all(r.forwarded_to_id == world.hospital.organisation_id for r in first + more)
    assert many.shows(*links)
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("case", ["own_case", "entrusted_case"])
def test_api_case_requests_read_a_fixed_number_of_queries(world, token_for, case, request):  # noqa: F811
    incident = request.getfixturevalue(case)
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for('provider')}"}
    path = f"/api/v1/incidents/{incident.reference}/rights-requests"
    client.get(path, **auth)
    first = _receive(world, incident, 0, 3)
    few = reads(client, path, **auth)
    more = _receive(world, incident, 3, 10)
    many = reads(client, path, **auth)
    assert many.shows(*(f'"id": {r.pk},' for r in first + more))
    assert_no_query_per_row(few, many)


def test_api_forwarded_requests_read_a_fixed_number_of_queries(world, entrusted_case, token_for):  # noqa: F811
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for('hospital')}"}
    client.get("/api/v1/rights/forwarded", **auth)
    first = _receive(world, entrusted_case, 0, 3)
    few = reads(client, "/api/v1/rights/forwarded", **auth)
    more = _receive(world, entrusted_case, 3, 10)
    many = reads(client, "/api/v1/rights/forwarded", **auth)
    assert many.shows(*(f'"id": {r.pk},' for r in first + more))
    assert_no_query_per_row(few, many)
