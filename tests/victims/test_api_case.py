"""Victims API, the case settings (the desk's access, the self-service page), carrying the list's figures over to
the incident after confirmation, marking an inquiry done and the inquiries per day — scoped as the pages."""

from __future__ import annotations

import pytest

from sonae.core.models import AuditEvent
from sonae.victims.models import Inquiry, InquiryCategory, VictimCase
from sonae.victims.services import case as case_services
from sonae.victims.services import lookup
from tests.victims.conftest import KNOWN_NAME, api_call


def _url(incident, tail=""):
    return f"/victims/{incident.reference}{tail}"


def _assert_invalid(response, status=422):
    body = response.json()
    assert response.status_code == status, response.content
    assert (
        body["code"] == "invalid_input"
        and body["message"] == "入力内容に誤りがあります。項目を確認してください。"
    )


# --- settings --------------------------------------------------------------------------------------------------


def test_a_provider_admin_grants_and_withdraws_the_desks_access(world, incident, bearer, client):
    auth = bearer("provider", role="admin")
    granted = api_call(client, auth, "put", _url(incident, "/settings/desk-access"), {"granted": True})
    assert granted.status_code == 200, granted.content
    assert granted.json()["desk_access"] is True and granted.json()["may_grant"] is True
    assert VictimCase.objects.get(incident=incident).desk_access is True
    assert AuditEvent.objects.filter(action="victims.desk_access_granted").count() == 1
    withdrawn = api_call(client, auth, "put", _url(incident, "/settings/desk-access"), {"granted": False})
    assert withdrawn.status_code == 200 and withdrawn.json()["desk_access"] is False
    assert AuditEvent.objects.filter(action="victims.desk_access_withdrawn").count() == 1


def test_provider_staff_may_not_grant_the_desk(world, incident, bearer, client):
    response = api_call(
        client, bearer("provider"), "put", _url(incident, "/settings/desk-access"), {"granted": True}
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert response.json()["message"] == "この操作を行う権限がありません。"
    assert VictimCase.objects.filter(incident=incident, desk_access=True).count() == 0
    shown = api_call(client, bearer("provider", role="viewer"), "get", _url(incident, "/settings"))
    assert shown.status_code == 200 and shown.json()["may_grant"] is False


def test_a_bad_desk_access_body_answers_the_envelope(world, incident, bearer, client):
    response = api_call(
        client, bearer("provider", role="admin"), "put", _url(incident, "/settings/desk-access"), {}
    )
    _assert_invalid(response)
    assert response.json()["errors"][0]["field"] == "granted"


def test_staff_open_the_self_service_page_and_get_its_address(world, incident, bearer, client):
    auth = bearer("provider")
    closed = api_call(client, auth, "get", _url(incident, "/settings"))
    assert closed.json()["self_service"] is False and closed.json()["public_url"] is None
    opened = api_call(client, auth, "put", _url(incident, "/settings/self-service"), {"enabled": True})
    case = VictimCase.objects.get(incident=incident)
    assert opened.status_code == 200 and case.self_service is True
    assert opened.json()["public_url"].endswith(f"/victims/inquiry/{case.self_service_token}/")
    assert AuditEvent.objects.filter(action="victims.self_service_opened").count() == 1


def test_a_viewer_may_not_open_the_self_service_page(world, incident, bearer, client):
    response = api_call(
        client,
        bearer("provider", role="viewer"),
        "put",
        _url(incident, "/settings/self-service"),
        {"enabled": True},
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert VictimCase.objects.filter(incident=incident, self_service=True).count() == 0


@pytest.mark.parametrize("name", ["desk", "agency", "insurer", "provider_b"])
def test_the_settings_are_the_case_providers_only(world, incident, bearer, client, name):
    role = "admin"
    for method, tail, body in (
        ("get", "/settings", None),
        ("put", "/settings/desk-access", {"granted": True}),
        ("put", "/settings/self-service", {"enabled": True}),
    ):
        response = api_call(client, bearer(name, role=role), method, _url(incident, tail), body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", (name, tail)
    case = VictimCase.objects.filter(incident=incident).first()
    assert case is None or not (case.desk_access or case.self_service)


# --- the list's figures on the incident --------------------------------------------------------------------------


def test_the_proposal_is_applied_when_the_confirmed_figures_still_hold(
    world, incident, imported, bearer, client
):
    imported()
    auth = bearer("provider")
    shown = api_call(client, auth, "get", _url(incident, "/incident-facts"))
    body = shown.json()
    assert shown.status_code == 200 and body["changes"] is True
    assert (body["persons_now"], body["persons_new"]) == (100, 3)
    assert {"code": "medical_history", "label": "病歴・既往症"} in body["items_new"]
    confirmed = {"persons": body["persons_new"], "data_items": [i["code"] for i in body["items_new"]]}
    applied = api_call(client, auth, "post", _url(incident, "/incident-facts/apply"), confirmed)
    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"] is True
    incident.refresh_from_db()
    assert incident.persons_estimate == 3
    assert set(incident.data_items) == {"name", "test_results", "birth_date", "medical_history", "address"}
    again = api_call(client, auth, "get", _url(incident, "/incident-facts"))
    assert again.json()["changes"] is False


def test_a_proposal_that_changed_since_it_was_confirmed_is_not_applied(
    world, incident, imported, bearer, client
):
    imported()
    response = api_call(
        client,
        bearer("provider"),
        "post",
        _url(incident, "/incident-facts/apply"),
        {"persons": 2, "data_items": ["name"]},
    )
    body = response.json()
    assert response.status_code == 409 and body["code"] == "proposal_changed"
    assert "もう一度内容を確認してください" in body["message"]
    incident.refresh_from_db()
    assert incident.persons_estimate == 100


def test_applying_without_the_confirmed_figures_answers_the_envelope(
    world, incident, imported, bearer, client
):
    imported()
    response = api_call(client, bearer("provider"), "post", _url(incident, "/incident-facts/apply"), {})
    _assert_invalid(response)
    assert {e["field"] for e in response.json()["errors"]} == {"persons", "data_items"}


def test_a_viewer_may_see_but_not_apply_the_proposal(world, incident, imported, bearer, client):
    imported()
    auth = bearer("provider", role="viewer")
    assert api_call(client, auth, "get", _url(incident, "/incident-facts")).status_code == 200
    response = api_call(
        client,
        auth,
        "post",
        _url(incident, "/incident-facts/apply"),
        {"persons": 3, "data_items": ["name", "test_results", "birth_date", "medical_history", "address"]},
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    incident.refresh_from_db()
    assert incident.persons_estimate == 100


@pytest.mark.parametrize("name", ["desk", "agency", "provider_b"])
def test_the_proposal_is_the_case_providers_only(world, incident, imported, bearer, client, name):
    imported()
    auth = bearer(name)
    assert api_call(client, auth, "get", _url(incident, "/incident-facts")).status_code == 404
    response = api_call(
        client, auth, "post", _url(incident, "/incident-facts/apply"), {"persons": 3, "data_items": ["name"]}
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- inquiries ---------------------------------------------------------------------------------------------------


def _inquiry(world, incident, *, follow_up=True):
    return lookup.inquiry_record(
        actor=world.actor("provider"),
        incident=incident,
        victim=None,
        category=InquiryCategory.LETTER,
        answer="折り返しの電話を希望",
        follow_up=follow_up,
    )


def test_an_inquiry_is_marked_done(world, incident, imported, bearer, client):
    imported()
    inquiry = _inquiry(world, incident)
    response = api_call(client, bearer("provider"), "post", _url(incident, f"/inquiries/{inquiry.pk}/done"))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == inquiry.pk and response.json()["follow_up_done_at"] is not None
    assert Inquiry.objects.get(pk=inquiry.pk).follow_up_done_at is not None
    assert AuditEvent.objects.filter(action="victims.inquiry_follow_up_done").count() == 1


def test_the_granted_desk_marks_an_inquiry_done_and_without_the_grant_is_refused(
    world, incident, imported, bearer, client
):
    imported()
    inquiry = _inquiry(world, incident)
    url = _url(incident, f"/inquiries/{inquiry.pk}/done")
    refused = api_call(client, bearer("desk"), "post", url)
    assert refused.status_code == 403 and "許可されていません" in refused.json()["message"]
    case_services.desk_access_set(actor=world.actor("provider_admin"), incident=incident, granted=True)
    assert api_call(client, bearer("desk"), "post", url).status_code == 200


def test_a_viewer_may_not_mark_an_inquiry_done(world, incident, imported, bearer, client):
    imported()
    inquiry = _inquiry(world, incident)
    response = api_call(
        client, bearer("provider", role="viewer"), "post", _url(incident, f"/inquiries/{inquiry.pk}/done")
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert Inquiry.objects.get(pk=inquiry.pk).follow_up_done_at is None


def test_another_cases_inquiry_is_not_found(world, incident, incident_b, imported, bearer, client):
    imported()
    foreign = lookup.inquiry_record(
        actor=world.actor("provider_b"),
        incident=incident_b,
        victim=None,
        category=InquiryCategory.LETTER,
        answer="再送希望",
        follow_up=True,
    )
    auth = bearer("provider")
    for url in (
        _url(incident, f"/inquiries/{foreign.pk}/done"),
        _url(incident_b, f"/inquiries/{foreign.pk}/done"),
    ):
        response = api_call(client, auth, "post", url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    assert (
        api_call(
            client, bearer("agency"), "post", _url(incident_b, f"/inquiries/{foreign.pk}/done")
        ).status_code
        == 404
    )
    assert Inquiry.objects.get(pk=foreign.pk).follow_up_done_at is None


def test_an_inquiry_id_that_is_not_a_number_answers_the_envelope(world, incident, bearer, client):
    _assert_invalid(api_call(client, bearer("provider"), "post", _url(incident, "/inquiries/abc/done")))


def test_inquiries_per_day_for_every_reader_of_the_statistics(world, incident, imported, bearer, client):
    imported()
    _inquiry(world, incident)
    _inquiry(world, incident, follow_up=False)
    for name in ("provider", "desk", "agency", "insurer"):
        response = api_call(
            client, bearer(name, role="viewer"), "get", _url(incident, "/inquiries/statistics")
        )
        assert response.status_code == 200, name
        (day,) = response.json()
        assert (day["total"], day["follow_up_open"], day["by_category"]) == (
            2,
            1,
            {"お詫び状・届かない": 2},
        ), name
        assert "折り返し" not in response.content.decode()
    for name in ("hospital", "foundation", "provider_b"):
        response = api_call(client, bearer(name), "get", _url(incident, "/inquiries/statistics"))
        assert response.status_code == 404, name


# --- the cases with a list ---------------------------------------------------------------------------------------


def test_the_cases_with_their_lists_figures(world, incident, incident_b, imported, bearer, client):
    imported()
    own = api_call(client, bearer("provider", role="viewer"), "get", "/victims")
    assert own.status_code == 200, own.content
    (row,) = own.json()["items"]
    assert (row["reference"], row["has_list"], row["persons"], row["corporations"]) == (
        incident.reference,
        True,
        3,
        0,
    )
    listed = api_call(client, bearer("agency"), "get", "/victims").json()
    by_reference = {r["reference"]: r for r in listed["items"]}
    assert set(by_reference) == {incident.reference, incident_b.reference}
    assert by_reference[incident_b.reference]["persons"] is None
    assert KNOWN_NAME not in str(listed)


@pytest.mark.parametrize("name", ["hospital", "foundation"])
def test_organisations_without_statistics_have_no_case_list(world, incident, bearer, client, name):
    response = api_call(client, bearer(name), "get", "/victims")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_bad_page_size_answers_the_envelope(world, bearer, client):
    _assert_invalid(api_call(client, bearer("provider"), "get", "/victims?limit=0"))
