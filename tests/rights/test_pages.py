"""Rights pages: the new-user flow from a call, the fee rule in the form, lateness, the hospital's view, 404s."""

from __future__ import annotations

import pytest
from django.test import Client

from sonae.rights.models import RightsRequest, Status
from sonae.rights.selectors import excluded_victim_ids
from tests.rights.conftest import person_on


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.user(name))
    return client


FORM = {
    "kind": "suspension",
    "channel": "call",
    "received_on": "2026-03-11",
    "asked": "私の情報の利用を停止し、消去してください。",
    "requester_name": "山田 花子",
}


def test_from_a_call_an_erasure_request_is_decided_replied_and_the_person_excluded(world, own_case):
    client = _client(world, "provider")
    ref = own_case.reference
    victim = person_on(world, own_case)
    response = client.post(f"/rights/{ref}/new/", {**FORM, "victim_id": victim, "fee_yen": ""})
    assert response.status_code == 302, response.content.decode()
    pk = RightsRequest.objects.get().pk
    client.post(f"/rights/{ref}/{pk}/verify/", {"method": "電話で生年月日と照会番号を確認"})
    page = client.get(f"/rights/{ref}/{pk}/").content.decode()
    assert "満たす" in page and "法39条" in page
    client.post(f"/rights/{ref}/{pk}/decide/", {"decision": "comply", "erase": "on"})
    assert client.get(f"/rights/{ref}/{pk}/letter.pdf").status_code == 200
    client.post(f"/rights/{ref}/{pk}/reply/", {"replied_on": "2026-03-12", "method": "post"})
    assert RightsRequest.objects.get().status == Status.REPLIED
    assert excluded_victim_ids(own_case) == {victim}


def test_the_form_refuses_a_fee_for_a_suspension_request(world, own_case):
    response = _client(world, "provider").post(
        f"/rights/{own_case.reference}/new/", {**FORM, "fee_yen": "500"}
    )
    assert response.status_code == 400
    assert "法38条" in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_the_decision_form_offers_no_fee_for_a_suspension_request(world, own_case):
    client = _client(world, "provider")
    client.post(f"/rights/{own_case.reference}/new/", FORM)
    pk = RightsRequest.objects.get().pk
    client.post(f"/rights/{own_case.reference}/{pk}/verify/", {"method": "書面"})
    page = client.get(f"/rights/{own_case.reference}/{pk}/").content.decode()
    assert 'name="fee_yen"' not in page


def test_a_request_past_its_target_shows_as_late(world, own_case, clock):
    client = _client(world, "provider")
    client.post(f"/rights/{own_case.reference}/new/", FORM)
    assert "期限超過</span>" not in client.get(f"/rights/{own_case.reference}/").content.decode()
    clock.move_to("2026-03-26T09:00:00+09:00")
    client = _client(world, "provider")  # a new session: the old one expired over the fortnight
    assert "期限超過</span>" in client.get(f"/rights/{own_case.reference}/").content.decode()


def test_a_contractors_request_appears_in_the_hospitals_portal(world, entrusted_case):
    _client(world, "provider").post(f"/rights/{entrusted_case.reference}/new/", FORM)
    item = RightsRequest.objects.get()
    hospital = _client(world, "hospital")
    assert "山田" not in hospital.get("/rights/hospital/").content.decode()
    assert item.organisation.name in hospital.get("/rights/hospital/").content.decode()
    assert "山田 花子" in hospital.get(f"/rights/hospital/{item.pk}/").content.decode()


@pytest.mark.parametrize("who", ["provider_b", "agency", "hospital", "foundation"])
def test_other_organisations_get_404_on_the_case_pages(world, own_case, who):
    _client(world, "provider").post(f"/rights/{own_case.reference}/new/", FORM)
    pk = RightsRequest.objects.get().pk
    client = _client(world, who)
    assert client.get(f"/rights/{own_case.reference}/{pk}/").status_code == 404
    assert client.get(f"/rights/{own_case.reference}/").status_code == 404


def test_another_hospital_gets_404_on_a_forwarded_request(world, entrusted_case):
    from tests.factories import member

    _client(world, "provider").post(f"/rights/{entrusted_case.reference}/new/", FORM)
    other = member("hospital", code="other-hospital")
    client = Client()
    client.force_login(other.user)
    assert client.get(f"/rights/hospital/{RightsRequest.objects.get().pk}/").status_code == 404


def test_a_provider_viewer_may_not_record_a_request(world, own_case):
    response = _client(world, "provider_viewer").post(f"/rights/{own_case.reference}/new/", FORM)
    assert response.status_code == 403


def test_the_case_page_links_to_the_rights_tab(world, own_case):
    page = _client(world, "provider").get(f"/incidents/{own_case.reference}/").content.decode()
    assert f'href="/rights/{own_case.reference}/"' in page


def test_the_hospital_navigation_lists_forwarded_requests():
    from sonae.core.navigation import nav_items

    assert {item.label: item.url for item in nav_items("hospital")}["開示等の請求"] == "/rights/hospital/"


def test_the_year_report_counts_requests_by_kind_and_lateness(world, own_case):
    from sonae.programme.models import ProgrammeYear
    from tests.duties.conftest import jst

    year = ProgrammeYear.objects.create(
        code="2025", name="2025年度", period_start=jst(2025, 10, 1, 16), period_end=jst(2026, 10, 1, 16)
    )
    own_case.programme_year = year
    own_case.save(update_fields=["programme_year"])
    _client(world, "provider").post(f"/rights/{own_case.reference}/new/", FORM)
    page = _client(world, "provider").get("/rights/report/?year=2025").content.decode()
    assert "合計 1件／期限内 1件／期限超過 0件" in page
    assert '<th scope="row">利用停止・消去</th><td>1件</td>' in page


def test_the_foundation_gets_404_on_the_year_report(world):
    assert _client(world, "foundation").get("/rights/report/?year=2026").status_code == 404


def test_the_hospital_decides_and_replies_in_its_portal_and_the_contractor_sees_it(world, entrusted_case):
    from sonae.core.models import AuditEvent
    from sonae.victims.models import Victim

    victim = person_on(world, entrusted_case)
    _client(world, "provider").post(f"/rights/{entrusted_case.reference}/new/", {**FORM, "victim_id": victim})
    item = RightsRequest.objects.get()
    hospital = _client(world, "hospital")
    page = hospital.get(f"/rights/hospital/{item.pk}/").content.decode()
    assert "委託元としての決定" in page and 'name="fee_yen"' not in page
    assert AuditEvent.objects.filter(action="personal_data.viewed", target_id=str(item.pk)).exists()

    refused = hospital.post(f"/rights/hospital/{item.pk}/decide/", {"decision": "refuse"})
    assert refused.status_code == 400 and "理由" in refused.content.decode()
    response = hospital.post(f"/rights/hospital/{item.pk}/decide/", {"decision": "comply"})
    assert response.status_code == 302
    assert Victim.objects.get(pk=victim).excluded is True
    hospital.post(f"/rights/hospital/{item.pk}/reply/", {"replied_on": "2026-03-16", "method": "post"})
    assert RightsRequest.objects.get().status == Status.REPLIED

    page = _client(world, "provider").get(f"/rights/{entrusted_case.reference}/{item.pk}/").content.decode()
    assert "請求に応じる" in page and "2026年3月16日" in page


def test_the_contract_option_is_offered_only_on_entrusted_cases(world, own_case, entrusted_case):
    client = _client(world, "provider")
    assert 'name="by_contract"' in client.get(f"/rights/{entrusted_case.reference}/new/").content.decode()
    assert 'name="by_contract"' not in client.get(f"/rights/{own_case.reference}/new/").content.decode()
    client.post(f"/rights/{entrusted_case.reference}/new/", {**FORM, "by_contract": "on"})
    assert RightsRequest.objects.get().status == Status.RECEIVED


def test_the_reply_letter_asks_for_a_recent_password(world, own_case, settings):
    client = _client(world, "provider")
    client.post(f"/rights/{own_case.reference}/new/", FORM)
    pk = RightsRequest.objects.get().pk
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    response = client.get(f"/rights/{own_case.reference}/{pk}/letter.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(f"/rights/{own_case.reference}/{pk}/disclosure/", {"reason": "開示"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")


def test_a_victim_id_beyond_any_database_id_is_a_form_error_not_a_crash(world, own_case):
    response = _client(world, "provider").post(
        f"/rights/{own_case.reference}/new/", {**FORM, "victim_id": str(10**30)}
    )
    assert response.status_code == 400
    assert not RightsRequest.objects.exists()


def test_downloading_the_reply_letter_from_the_page_is_logged_as_an_export(world, own_case):
    from sonae.core.models import AuditEvent

    client = _client(world, "provider")
    client.post(f"/rights/{own_case.reference}/new/", FORM)
    pk = RightsRequest.objects.get().pk
    response = client.get(f"/rights/{own_case.reference}/{pk}/letter.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    event = AuditEvent.objects.filter(action="personal_data.exported").latest("id")
    assert event.target_id == str(pk) and event.data["document"] == "reply_letter"
    assert event.data["format"] == "docx"
