"""Scoping (issue 11 point 6): a hospital never sees a contractor that has not linked to it or whose link it has not
accepted, nor anything not shared; another hospital's or provider's objects are 404; other kinds are 403."""

from __future__ import annotations

import pytest

from sonae.hospitals import selectors, services
from sonae.hospitals.models import ContractorLink

pytestmark = pytest.mark.django_db


def _ids(rows) -> set[int]:
    return {row.link.pk for row in rows}


def _rows(world, who="hospital"):
    from tests.hospitals.conftest import NOW

    return selectors.contractor_rows(world.actor(who), now=NOW, today=NOW.date())


@pytest.mark.parametrize("state", ["pending", "declined", "ended"])
def test_a_contractor_whose_link_is_not_accepted_is_not_a_contractor(world, link_for, client_for, state):
    link = link_for(accept=False, shared={"checklist": True})
    if state == "declined":
        services.link_transition(actor=world.actor("hospital"), link=link, to_status="declined")
    elif state == "ended":
        services.link_transition(actor=world.actor("hospital"), link=link, to_status="accepted")
        services.link_transition(actor=world.actor("provider"), link=link, to_status="ended")
    assert link.pk not in _ids(_rows(world))
    client = client_for("hospital")
    assert client.get(f"/hospitals/contractors/{link.pk}/").status_code == 404
    assert client.get(f"/api/v1/hospitals/contractors/{link.pk}").status_code == 404
    table = client.get("/hospitals/contractors/").content.decode()
    assert 'data-provider="sakura"' not in table


def test_a_provider_that_never_linked_is_invisible(world, link_for, client_for):
    link_for(provider="provider_b", hospital="hospital_b")
    assert _rows(world) == []
    assert (
        "あおば患者搬送株式会社" not in client_for("hospital").get("/hospitals/contractors/").content.decode()
    )


def test_another_hospitals_contractor_is_404(world, link_for, client_for):
    link = link_for(hospital="hospital_b", shared={"checklist": True})
    assert client_for("hospital").get(f"/hospitals/contractors/{link.pk}/").status_code == 404
    with pytest.raises(Exception) as exc:
        selectors.contractor_link_get(world.actor("hospital"), link.pk)
    assert exc.value.__class__.__name__ == "NotFound"


def test_a_link_shared_with_one_hospital_is_not_shared_with_another(world, link_for):
    link_for(hospital="hospital", shared={"checklist": True})
    other = link_for(hospital="hospital_b")
    (row,) = _rows(world, "hospital_b")
    assert row.link.pk == other.pk and row.posture.shared["checklist"] is False


def test_another_hospital_cannot_answer_a_link_request(world, link_for, client_for):
    link = link_for(accept=False)
    response = client_for("hospital_b").post(
        f"/hospitals/requests/{link.pk}/respond/", {"decision": "accept"}
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.status == "pending"


def test_another_providers_link_is_404(world, link_for, client_for):
    link = link_for(provider="provider_b")
    client = client_for("provider")
    assert client.get(f"/hospitals/links/{link.pk}/").status_code == 404
    assert client.post(f"/hospitals/links/{link.pk}/end/").status_code == 404
    assert (
        client_for("provider_admin").post(f"/hospitals/links/{link.pk}/", {"checklist": "on"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "url",
    [
        "/hospitals/contractors/",
        "/hospitals/notices/",
        "/hospitals/sites/",
        "/hospitals/contractors/export.xlsx",
    ],
)
@pytest.mark.parametrize("who", ["provider", "desk", "agency", "foundation"])
def test_hospital_pages_are_403_for_other_kinds(client_for, url, who):
    assert client_for(who).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/hospitals/links/", "/hospitals/links/new/", "/hospitals/links/invite/"])
@pytest.mark.parametrize("who", ["hospital", "desk", "agency"])
def test_provider_pages_are_403_for_other_kinds(client_for, url, who):
    assert client_for(who).get(url).status_code == 403


def test_a_hospital_viewer_reads_but_cannot_respond_request_or_export(world, link_for, client_for):
    link = link_for(accept=False)
    client = client_for("hospital_viewer")
    assert client.get("/hospitals/contractors/").status_code == 200
    assert client.post(f"/hospitals/requests/{link.pk}/respond/", {"decision": "accept"}).status_code == 403
    assert (
        client.post("/hospitals/checklist-request/", {"due_date": "2026-12-01", "message": "x"}).status_code
        == 403
    )
    assert client.get("/hospitals/contractors/export.xlsx").status_code == 403
    assert client.post("/hospitals/sites/", {"name": "分院"}).status_code == 403


def test_a_provider_viewer_cannot_declare_or_invite(client_for):
    client = client_for("provider_viewer")
    assert client.get("/hospitals/links/").status_code == 200
    assert client.get("/hospitals/links/new/").status_code == 403
    assert client.get("/hospitals/links/invite/").status_code == 403


def test_the_hospital_ends_only_its_own_contractors(world, link_for, client_for):
    link = link_for(hospital="hospital_b")
    assert client_for("hospital").post(f"/hospitals/contractors/{link.pk}/end/").status_code == 404
    assert ContractorLink.objects.get(pk=link.pk).status == "accepted"


def test_another_hospitals_site_cannot_be_switched(world, client_for):
    from sonae.core.models import Membership
    from sonae.hospitals.models import HospitalSite

    site = services.site_create(actor=world.actor("hospital_admin"), name="本院")
    Membership.objects.filter(pk=world.hospital_b.pk).update(role="admin")
    assert client_for("hospital_b").post(f"/hospitals/sites/{site.pk}/toggle/").status_code == 404
    assert HospitalSite.objects.get(pk=site.pk).is_active


def test_another_providers_invitation_cannot_be_cancelled(world, client_for):
    from datetime import date

    from sonae.hospitals.models import HospitalInvitation

    invitation, _ = services.invitation_create(
        actor=world.actor("provider_b"), hospital_name="H", email="h@example.jp",
        business_codes=["clinical_lab"], data_items=["name"], since=date(2020, 1, 1),
    )  # fmt: skip
    assert (
        client_for("provider").post(f"/hospitals/links/invitations/{invitation.pk}/cancel/").status_code
        == 404
    )
    assert HospitalInvitation.objects.get().status == "open"


def test_another_provider_cannot_answer_or_set_the_joint_flag_on_the_case(world, notified_case, client_for):
    notice = notified_case()
    hospital = world.org("hospital")
    thread = services.question_post(
        actor=world.actor("hospital"), incident=notice.incident, hospital=hospital, subject="s", body="b"
    )
    ref = notice.incident.reference
    client = client_for("provider_b")
    data = {"hospital": hospital.pk, "body": "x", "enabled": "1"}
    assert client.post(f"/hospitals/cases/{ref}/questions/{thread.pk}/answer/", data).status_code == 404
    assert client.post(f"/hospitals/cases/{ref}/joint/{hospital.pk}/", data).status_code == 404
    assert thread.replies.count() == 0 and selectors.joint_report_for(notice.incident, hospital) is None


def test_the_provider_cannot_answer_a_thread_under_another_hospital(world, notified_case, client_for):
    mine = notified_case()
    other = notified_case(hospital="hospital_b")
    thread = services.question_post(
        actor=world.actor("hospital_b"),
        incident=other.incident,
        hospital=world.org("hospital_b"),
        subject="s",
        body="b",
    )
    # The thread belongs to another case and hospital: naming this case's hospital does not reach it.
    url = f"/hospitals/cases/{mine.incident.reference}/questions/{thread.pk}/answer/"
    response = client_for("provider").post(url, {"hospital": world.org("hospital").pk, "body": "x"})
    assert response.status_code == 404


def test_a_hospital_never_sees_a_notice_that_is_not_addressed_to_it(world, notified_case, token_for):
    from django.test import Client

    notified_case(hospital="hospital_b")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for('hospital')}")
    assert client.get("/api/v1/hospitals/notices").json()["items"] == []
