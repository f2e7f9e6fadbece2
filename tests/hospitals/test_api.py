"""API of the hospital portal, with its 403/404 answers."""

from __future__ import annotations

import pytest
from django.test import Client

from sonae.core.models import AuditEvent
from sonae.hospitals.models import ContractorLink

pytestmark = pytest.mark.django_db


def _api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_hospital_lists_its_contractors_with_what_each_shares(
    world, link_for, security_records, token_for
):
    link = link_for(shared={"checklist": True})
    security_records(world.org("provider"), overdue=True)
    link_for(provider="provider_b", accept=False)
    response = _api(token_for("hospital")).get("/api/v1/hospitals/contractors")
    assert response.status_code == 200
    (row,) = response.json()["items"]
    assert row["id"] == link.pk and row["provider_code"] == "sakura"
    assert row["shared"] == {"insurance": False, "selfcheck": False, "checklist": True, "bcp": False}
    assert row["insurance"] is None and row["selfcheck"] is None and row["bcp"] is None
    assert row["checklist"]["overdue_count"] == 1
    assert {"number": "3-(3)", "answer": "no", "target_date": "2026-09-30", "overdue": True}.items() <= next(
        i for i in row["checklist"]["items"] if i["answer"] == "no"
    ).items()
    assert AuditEvent.objects.filter(action="hospitals.shared_viewed", data__what="api").exists()


def test_a_contractor_of_another_hospital_is_404(world, link_for, token_for):
    link = link_for(hospital="hospital_b")
    response = _api(token_for("hospital")).get(f"/api/v1/hospitals/contractors/{link.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["provider", "desk", "agency"])
def test_hospital_endpoints_are_403_for_other_kinds(world, token_for, who):
    client = _api(token_for(who))
    for url in ("/api/v1/hospitals/contractors", "/api/v1/hospitals/notices"):
        assert client.get(url).status_code == 403


def test_notices_come_with_the_hospitals_own_duties(world, notified_case, token_for):
    notice = notified_case()
    client = _api(token_for("hospital"))
    (row,) = client.get("/api/v1/hospitals/notices").json()["items"]
    assert row["reference"] == notice.incident.reference
    duties = row["own_duties"]
    assert (duties["knowing_date"], duties["preliminary_report_target"], duties["final_report_due"]) == (
        "2026-10-06",
        "2026-10-10",
        "2026-12-04",
    )
    detail = client.get(f"/api/v1/hospitals/notices/{notice.pk}").json()
    assert detail["facts"]["data_items"] == ["name", "test_results"] and detail["facts"]["persons"] == 5000
    assert "letter_text" in detail


def test_another_hospitals_notice_is_404(world, notified_case, token_for):
    notice = notified_case(hospital="hospital_b")
    assert _api(token_for("hospital")).get(f"/api/v1/hospitals/notices/{notice.pk}").status_code == 404


def test_the_provider_declares_a_link_and_lists_its_links(world, token_for):
    client = _api(token_for("provider"))
    response = client.post(
        "/api/v1/hospitals/links",
        {
            "hospital_code": "minato",
            "business_codes": ["clinical_lab"],
            "data_items": ["name"],
            "since": "2020-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert [link["hospital_code"] for link in client.get("/api/v1/hospitals/links").json()["items"]] == [
        "minato"
    ]


def test_declaring_an_unknown_hospital_is_a_400_naming_the_field(world, token_for):
    response = _api(token_for("provider")).post(
        "/api/v1/hospitals/links",
        {
            "hospital_code": "nowhere",
            "business_codes": ["clinical_lab"],
            "data_items": ["name"],
            "since": "2020-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "hospital_code"


def test_an_unknown_business_code_is_a_422(world, token_for):
    response = _api(token_for("provider")).post(
        "/api/v1/hospitals/links",
        {
            "hospital_code": "minato",
            "business_codes": ["laundry"],
            "data_items": ["name"],
            "since": "2020-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422


def test_the_provider_admin_changes_consents_by_api(world, link_for, token_for):
    link = link_for()
    response = _api(token_for("provider", "admin")).put(
        f"/api/v1/hospitals/links/{link.pk}/consent", {"checklist": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["consents"]["checklist"] is True
    assert ContractorLink.objects.get(pk=link.pk).share_checklist


def test_provider_staff_tokens_cannot_change_consents(world, link_for, token_for):
    link = link_for()
    response = _api(token_for("provider")).put(
        f"/api/v1/hospitals/links/{link.pk}/consent", {"checklist": True}, content_type="application/json"
    )
    assert response.status_code == 403


def test_another_providers_link_is_404_by_api(world, link_for, token_for):
    link = link_for(provider="provider_b")
    response = _api(token_for("provider", "admin")).put(
        f"/api/v1/hospitals/links/{link.pk}/consent", {"checklist": True}, content_type="application/json"
    )
    assert response.status_code == 404


def test_hospitals_cannot_use_the_provider_endpoints(world, token_for):
    assert _api(token_for("hospital")).get("/api/v1/hospitals/links").status_code == 403
