"""Rights requests and the victims list's personal data: the desk reads a person's record only with the grant.

Found while declaring the rights routes in the isolation matrix: the disclosure package decrypts the person's
record on the victims list, and the desk (which may record and answer requests on any case) could produce it on a
case whose provider never granted the desk its personal data (DESIGN §1).
"""

from __future__ import annotations

from django.test import Client

from sonae.core.models import AuditEvent
from sonae.rights.models import RightsRequest
from sonae.rights.services import (
    rights_request_decide,
    rights_request_receive,
    rights_request_verify_identity,
)
from tests.factories import MembershipFactory
from tests.rights.conftest import person_on


def _decided_disclosure(world, incident) -> RightsRequest:
    provider = world.actor("provider")
    request = rights_request_receive(
        actor=provider,
        incident=incident,
        kind="disclosure",
        channel="call",
        received_on=incident.received_at.date(),
        asked="保有している私の個人データを開示してほしい。",
        victim_id=person_on(world, incident),
        requester_name="山田 花子",
    )
    rights_request_verify_identity(actor=provider, request=request, method="運転免許証の写し")
    return rights_request_decide(actor=provider, request=request, decision="comply")


def _post_disclosure(world, who: str, request: RightsRequest):
    client = Client()
    client.force_login(world.user(who))
    url = f"/rights/{request.incident.reference}/{request.pk}/disclosure/"
    return client.post(url, {"reason": "開示請求への回答"})


def _exports(request: RightsRequest) -> int:
    return AuditEvent.objects.filter(action="personal_data.exported", target_id=str(request.pk)).count()


def test_the_desk_without_the_providers_grant_gets_no_disclosure_package(world, own_case):
    request = _decided_disclosure(world, own_case)

    response = _post_disclosure(world, "desk", request)

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    assert _exports(request) == 0


def test_the_desk_with_the_grant_and_the_provider_get_the_package(world, own_case):
    from sonae.core.actors import Actor
    from sonae.victims.services.case import desk_access_set

    request = _decided_disclosure(world, own_case)
    assert _post_disclosure(world, "provider", request).content.startswith(b"%PDF")
    admin = MembershipFactory(organisation=world.provider.organisation, role="admin")
    desk_access_set(actor=Actor.from_membership(admin), incident=own_case, granted=True)

    response = _post_disclosure(world, "desk", request)

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert _exports(request) == 2


def test_a_request_naming_nobody_on_the_list_reads_no_record(world, own_case):
    from sonae.rights.selectors import may_read_list_record

    request = _decided_disclosure(world, own_case)
    request.victim_id = None

    assert may_read_list_record(world.actor("desk"), request)
    assert not may_read_list_record(world.actor("desk"), RightsRequest.objects.get(pk=request.pk))
