"""Pages of the hospital portal: the provider's forms, the hospital's answers, filters, sites, the invitation link,
navigation and the dashboard cards."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client, RequestFactory

from sonae.core.navigation import nav_items
from sonae.hospitals import services
from sonae.hospitals.models import ContractorLink, HospitalInvitation, HospitalSite

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _terms(**extra) -> dict:
    return {
        "business_codes": ["clinical_lab"],
        "data_items": ["name", "test_results"],
        "since": "2020-04-01",
        **extra,
    }


def test_the_provider_declares_a_hospital_with_a_site(world, client_for):
    site = services.site_create(actor=world.actor("hospital_admin"), name="本院")
    response = client_for("provider").post(
        "/hospitals/links/new/", _terms(hospital=world.org("hospital").pk, site=site.pk)
    )
    link = ContractorLink.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hospitals/links/{link.pk}/"
    assert (link.hospital, link.site, link.status) == (world.org("hospital"), site, "pending")


def test_the_declaration_form_shows_the_services_errors(world, client_for):
    site = services.site_create(actor=world.actor("hospital_admin"), name="本院")
    response = client_for("provider").post(
        "/hospitals/links/new/", _terms(hospital=world.org("hospital_b").pk, site=site.pk)
    )
    assert response.status_code == 400 and "この医療機関の施設ではありません" in _text(response)
    response = client_for("provider").post(
        "/hospitals/links/new/", _terms(hospital=world.org("hospital").pk, since="2099-01-01")
    )
    assert response.status_code == 400 and "未来の日付" in _text(response)


def test_the_provider_invites_a_hospital_by_email(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("provider").post(
            "/hospitals/links/invite/",
            _terms(hospital_name="ひかりクリニック", email="office@hikari.example.jp"),
        )
    assert response.status_code == 302
    assert HospitalInvitation.objects.get().hospital_name == "ひかりクリニック"
    assert mail.outbox[0].to == ["office@hikari.example.jp"]
    assert "ひかりクリニック" in _text(client_for("provider").get("/hospitals/links/"))


def test_the_hospital_accepts_a_request_from_its_dashboard(world, link_for, client_for):
    link = link_for(accept=False)
    client = client_for("hospital")
    assert "委託先としての登録申請（1件）" in _text(client.get("/hospitals/contractors/"))
    response = client.post(f"/hospitals/requests/{link.pk}/respond/", {"decision": "accept", "note": ""})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "accepted"
    assert 'data-provider="sakura"' in client.get("/hospitals/contractors/").content.decode()


def test_the_hospital_declines_a_request_with_a_comment(world, link_for, client_for):
    link = link_for(accept=False)
    client_for("hospital").post(
        f"/hospitals/requests/{link.pk}/respond/", {"decision": "decline", "note": "委託していません"}
    )
    link.refresh_from_db()
    assert link.status == "declined" and link.response_note == "委託していません"
    assert "委託していません" in _text(client_for("provider").get(f"/hospitals/links/{link.pk}/"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"sakura", "aoba"}),
        ("?business=patient_transport", {"aoba"}),
        ("?checklist=overdue", {"aoba"}),
        ("?checklist=complete", {"sakura"}),
        ("?checklist=hidden", set()),
        ("?insured=hidden", {"sakura", "aoba"}),
        ("?q=さくら", {"sakura"}),
    ],
)
def test_the_contractor_table_filters(world, link_for, security_records, client_for, query, expected):
    link_for(shared={"checklist": True})
    link_for(provider="provider_b", codes=["patient_transport"], shared={"checklist": True})
    security_records(world.org("provider"))
    security_records(world.org("provider_b"), overdue=True)
    page = client_for("hospital").get(f"/hospitals/contractors/{query}").content.decode()
    assert set(re.findall(r'data-provider="([a-z]+)"', page)) == expected


def test_the_contractor_table_filters_by_site(world, link_for, client_for):
    site = services.site_create(actor=world.actor("hospital_admin"), name="分院")
    services.link_declare(
        actor=world.actor("provider"), hospital=world.org("hospital"), site=site, business_codes=["clinical_lab"],
        data_items=["name"], since=date(2020, 1, 1),
    )  # fmt: skip
    services.link_transition(
        actor=world.actor("hospital"), link=ContractorLink.objects.get(), to_status="accepted"
    )
    link_for(provider="provider_b")
    page = client_for("hospital").get(f"/hospitals/contractors/?site={site.pk}").content.decode()
    assert set(re.findall(r'data-provider="([a-z]+)"', page)) == {"sakura"}


def test_the_hospital_admin_adds_a_site(world, client_for):
    response = client_for("hospital_admin").post(
        "/hospitals/sites/", {"name": "湾岸分院", "address": "東京都港区"}
    )
    assert response.status_code == 302
    assert HospitalSite.objects.get().name == "湾岸分院"
    assert "湾岸分院" in _text(client_for("hospital").get("/hospitals/sites/"))


def test_the_invitation_link_attaches_the_hospital_for_its_admin(world, client_for):
    _, token = services.invitation_create(
        actor=world.actor("provider"), hospital_name="みなと総合病院", email="it@minato.example.jp",
        business_codes=["clinical_lab"], data_items=["name"], since=date(2020, 1, 1),
    )  # fmt: skip
    client = client_for("hospital_admin")
    page = _text(client.get(f"/hospitals/invitations/{token}/"))
    assert "株式会社さくら臨床検査 からの招待" in page and "衛生検査所業務" in page
    response = client.post(f"/hospitals/invitations/{token}/")
    link = ContractorLink.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hospitals/contractors/{link.pk}/"
    assert link.status == "accepted"


def test_the_invitation_link_explains_itself_to_hospital_staff(world, client_for):
    _, token = services.invitation_create(
        actor=world.actor("provider"), hospital_name="H", email="h@example.jp",
        business_codes=["clinical_lab"], data_items=["name"], since=date(2020, 1, 1),
    )  # fmt: skip
    response = client_for("hospital").get(f"/hospitals/invitations/{token}/")
    assert response.status_code == 403 and "管理者" in _text(response)
    assert client_for("hospital").post(f"/hospitals/invitations/{token}/").status_code == 403
    assert not ContractorLink.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_first(world):
    response = Client().get("/hospitals/invitations/anything/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_invitation_token_is_404(client_for):
    assert client_for("hospital_admin").get("/hospitals/invitations/not-a-token/").status_code == 404


@pytest.mark.parametrize(
    ("who", "target"), [("hospital", "/hospitals/contractors/"), ("provider", "/hospitals/links/")]
)
def test_the_portal_entry_sends_each_kind_to_its_page(client_for, who, target):
    response = client_for(who).get("/hospitals/")
    assert response.status_code == 302 and response["Location"] == target


def test_the_portal_entry_is_403_for_others(client_for):
    assert client_for("desk").get("/hospitals/").status_code == 403


def test_the_navigation_points_hospitals_and_providers_to_the_portal():
    hospital = {item.label: item.url for item in nav_items("hospital")}
    assert hospital["委託先"] == "/hospitals/contractors/" and hospital["通知"] == "/hospitals/notices/"
    provider = {item.label: item.url for item in nav_items("provider")}
    assert provider["委託元"] == "/hospitals/links/"


def test_the_provider_case_page_links_to_the_hospital_conversation(world, notified_case, client_for):
    notice = notified_case()
    page = client_for("provider").get(f"/incidents/{notice.incident.reference}/").content.decode()
    assert f'href="/hospitals/cases/{notice.incident.reference}/"' in page


def test_the_dashboard_cards_summarise_notices_and_contractors(world, link_for, notified_case):
    link_for()
    link_for(provider="provider_b", accept=False)
    notice = notified_case()
    request = RequestFactory().get("/")
    request.actor = world.actor("hospital")
    html = Template("{% load hospitals %}{% hospital_notices_card %}{% hospital_contractors_card %}").render(
        Context({"request": request})
    )
    assert notice.subject in html and "未確認" in html
    assert "承認済みの委託先: 1件" in html and "登録申請: 1件" in html
