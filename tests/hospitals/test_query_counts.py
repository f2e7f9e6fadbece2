"""The hospital portal's lists read a fixed number of queries whatever the number of rows (issue 9 point 5): the
hospital's contractors (with what each shares) and its notices, the provider's links, and the API lists of
contractors and notices."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from sonae.core.actors import Actor
from sonae.hospitals import selectors, services
from tests.factories import MembershipFactory, member
from tests.querycount import assert_no_query_per_row, reads

from .conftest import ALL_SHARED, jst


@pytest.fixture
def contractor(world, security_records):
    """``contractor(n) -> ContractorLink``: a new provider linked to the hospital and accepted, sharing everything
    (with a self-check, a checklist and a BCP; every other one with a policy in force and a notice sent)."""
    from sonae.incidents import services as incident_services
    from tests.claims.conftest import make_policy

    def make(n: int):
        provider = member("provider", "admin", name=f"委託先{n}株式会社", code=f"qc-provider-{n}")
        actor = Actor.from_membership(provider)
        link = services.link_declare(
            actor=actor,
            hospital=world.org("hospital"),
            business_codes=["clinical_lab"],
            data_items=["name", "test_results"],
            since=date(2020, 4, 1),
        )
        link = services.link_transition(actor=world.actor("hospital"), link=link, to_status="accepted")
        link = services.consent_update(actor=actor, link=link, **ALL_SHARED)
        security_records(provider.organisation, overdue=bool(n % 2))
        if n % 2 == 0:
            make_policy(provider.organisation, _year(), number=f"P-2026-{n:06d}", start=None, end=None)
            incident = incident_services.incident_report(
                actor=actor,
                channel="web",
                provider=provider.organisation,
                symptoms=["ransom_message"],
                data_items=["name"],
                persons_estimate=10,
                data_owner="entrusted",
                entrusting_hospital=world.org("hospital"),
                discovered_at=jst(2026, 10, 5, 9),
            )
            notice = incident_services.hospital_notice_create(
                actor=actor, incident=incident, hospital=world.org("hospital")
            )
            incident_services.hospital_notice_send(actor=actor, notice=notice)
        return link

    return make


def _year():
    from sonae.programme.models import ProgrammeYear
    from sonae.programme.services import programme_year_load_file, shipped_year_file

    year = ProgrammeYear.objects.filter(code="2026").first()
    if year is None:
        year, _ = programme_year_load_file(path=shipped_year_file("2026"))
    return year


def test_contractors_page_reads_a_fixed_number_of_queries(world, contractor, client_for):
    client = client_for("hospital")
    client.get(reverse("hospitals:contractors"))
    first = [contractor(n) for n in range(3)]
    few = reads(client, reverse("hospitals:contractors"))
    more = [contractor(n) for n in range(3, 8)]
    many = reads(client, reverse("hospitals:contractors"))
    assert few.shows(*(link.provider.name for link in first))
    assert many.shows(*(link.provider.name for link in first + more))
    assert many.text.count('<span class="badge badge-ok">加入</span>') == 4  # the even ones hold a policy
    assert_no_query_per_row(few, many)


def test_contractor_requests_on_the_contractors_page_read_a_fixed_number_of_queries(world, client_for):
    """Links waiting for the hospital's answer are listed above the contractors."""

    def request(n):
        provider = member("provider", "admin", name=f"申請元{n}株式会社", code=f"qc-request-{n}")
        return services.link_declare(
            actor=Actor.from_membership(provider),
            hospital=world.org("hospital"),
            business_codes=["clinical_lab"],
            data_items=["name"],
            since=date(2021, 4, 1),
        )

    client = client_for("hospital")
    client.get(reverse("hospitals:contractors"))
    first = [request(n) for n in range(3)]
    few = reads(client, reverse("hospitals:contractors"))
    more = [request(n) for n in range(3, 8)]
    many = reads(client, reverse("hospitals:contractors"))
    assert many.shows(*(link.provider.name for link in first + more))
    assert_no_query_per_row(few, many)


def test_notices_page_reads_a_fixed_number_of_queries(world, notified_case, client_for):
    from sonae.duties.services import assessment_create
    from sonae.hospitals.services import joint_report_set

    def notify(n):
        notice = notified_case(title=f"通知{n}の案件", persons_estimate=100 + n)
        if n % 2:  # an assessed case, its facts from the assessment
            assessment_create(
                actor=world.actor("provider"),
                incident=notice.incident,
                facts={
                    "discovered_at": "2026-10-05T09:00:00+09:00",
                    "role": "contractor",
                    "data_items": ["name", "test_results"],
                    "persons": 100 + n,
                    "cause": "unauthorized_access",
                },
                entrusting_hospital=world.org("hospital"),
            )
        if n % 3 == 0:
            joint_report_set(
                actor=world.actor("hospital_admin"),
                incident=notice.incident,
                hospital=world.org("hospital"),
                enabled=True,
            )
        return notice

    client = client_for("hospital")
    client.get(reverse("hospitals:notices"))
    first = [notify(n) for n in range(3)]
    few = reads(client, reverse("hospitals:notices"))
    more = [notify(n) for n in range(3, 8)]
    many = reads(client, reverse("hospitals:notices"))
    assert few.shows(*(n.incident.reference for n in first))
    assert many.shows(*(n.incident.reference for n in first + more))
    assert_no_query_per_row(few, many)
    # The list's duties are the notice page's, row by row (assessed or not, joint or not).
    actor = world.actor("hospital")
    listed = {n.pk: selectors.notice_duties(n) for n in selectors.notices_with_duties(actor)}
    assert len(listed) == 8
    for notice in selectors.notices_for(actor):
        assert listed[notice.pk] == selectors.case_view(actor, notice).duties


def test_provider_links_page_reads_a_fixed_number_of_queries(world, client_for):
    def hospital_link(n):
        hospital = member("hospital", name=f"病院{n}", code=f"qc-hospital-{n}").organisation
        link = services.link_declare(
            actor=world.actor("provider_admin"),
            hospital=hospital,
            business_codes=["clinical_lab"],
            data_items=["name"],
            since=date(2020, 4, 1),
        )
        if n % 2:
            admin = MembershipFactory(organisation=hospital, role="admin")
            link = services.link_transition(
                actor=Actor.from_membership(admin), link=link, to_status="accepted"
            )
        return hospital.name

    client = client_for("provider")
    client.get(reverse("hospitals:links"))
    first = [hospital_link(n) for n in range(3)]
    few = reads(client, reverse("hospitals:links"))
    more = [hospital_link(n) for n in range(3, 8)]
    many = reads(client, reverse("hospitals:links"))
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


# --- the API --------------------------------------------------------------------------------------------------


def test_api_contractors_reads_a_fixed_number_of_queries(world, contractor, token_for):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for('hospital')}"}
    client.get("/api/v1/hospitals/contractors", **auth)
    first = [contractor(n) for n in range(3)]
    few = reads(client, "/api/v1/hospitals/contractors", **auth)
    more = [contractor(n) for n in range(3, 8)]
    many = reads(client, "/api/v1/hospitals/contractors", **auth)
    assert many.shows(*(link.provider.code for link in first + more))
    assert_no_query_per_row(few, many)


def test_api_notices_reads_a_fixed_number_of_queries(world, notified_case, token_for):
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token_for('hospital')}"}
    client.get("/api/v1/hospitals/notices", **auth)
    first = [notified_case(title=f"通知{n}の案件") for n in range(3)]
    few = reads(client, "/api/v1/hospitals/notices", **auth)
    more = [notified_case(title=f"通知{n}の案件") for n in range(3, 8)]
    many = reads(client, "/api/v1/hospitals/notices", **auth)
    assert many.shows(*(n.incident.reference for n in first + more))
    assert_no_query_per_row(few, many)
