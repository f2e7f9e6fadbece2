"""Incident API, the documents of a case: notices to the entrusting party (draft, edit, send, PDF), the timeline as
PDF and evidence files downloaded with a reason — scoped and checked as the pages."""

from __future__ import annotations

import pytest
import time_machine

from sonae.core.models import AuditEvent
from sonae.incidents.models import HospitalNotice
from sonae.incidents.services import evidence_upload
from tests.incidents.conftest import api_call, jst
from tests.pdftext import pdf_text

T0 = jst(2026, 4, 1, 10, 0)
INVALID = "入力内容に誤りがあります。項目を確認してください。"


@pytest.fixture
def case(world, report):
    with time_machine.travel(T0, tick=False):
        return report()


@pytest.fixture
def other(world, report):
    return report(actor=world.actor("provider_b"), provider=world.provider_b.organisation)


def _assert_denied(response):
    assert response.status_code == 403, response.content
    assert response.json() == {"code": "permission_denied", "message": "この操作を行う権限がありません。"}


# --- notices to the entrusting party -----------------------------------------------------------------------------


def test_the_provider_drafts_edits_sends_and_prints_a_notice(world, case, token_for, client):
    token = token_for("provider")
    url = f"/incidents/{case.reference}/notices"
    created = api_call(client, token, "post", url, {})
    assert created.status_code == 201, created.content
    notice = created.json()
    assert notice["state"] == "draft" and notice["hospital_code"] == "minato" and notice["letter_text"]
    edited = api_call(
        client,
        token,
        "put",
        f"{url}/{notice['id']}",
        {"subject": "ご報告", "letter_text": "みなと総合病院 御中"},
    )
    assert edited.status_code == 200 and edited.json()["subject"] == "ご報告"
    sent = api_call(client, token, "post", f"{url}/{notice['id']}/send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "sent" and sent.json()["sent_at"] is not None
    again = api_call(
        client, token, "put", f"{url}/{notice['id']}", {"subject": "変更", "letter_text": "本文"}
    )
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    pdf = api_call(client, token_for("agency", "viewer"), "get", f"{url}/{notice['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "みなと総合病院" in pdf_text(pdf.content)


def test_a_notice_checks_its_input(world, case, report, token_for, client):
    token = token_for("provider")
    url = f"/incidents/{case.reference}/notices"
    unknown = api_call(client, token, "post", url, {"hospital_code": "no-such"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "hospital_code"
    own_data = report(data_owner="own", entrusting_hospital=None)
    refused = api_call(client, token, "post", f"/incidents/{own_data.reference}/notices", {})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_input"
    assert "委託を受けた情報" in refused.json()["message"]
    notice_id = api_call(client, token, "post", url, {}).json()["id"]
    empty = api_call(client, token, "put", f"{url}/{notice_id}", {"subject": "", "letter_text": "本文"})
    assert empty.status_code == 422 and empty.json()["message"] == INVALID
    assert HospitalNotice.objects.get(pk=notice_id).subject != ""


@pytest.mark.parametrize(
    ("name", "role"), [("provider", "viewer"), ("agency", "staff"), ("insurer", "staff")]
)
def test_readers_may_not_prepare_or_send_notices(world, case, token_for, client, name, role):
    url = f"/incidents/{case.reference}/notices"
    _assert_denied(api_call(client, token_for(name, role), "post", url, {}))
    notice_id = api_call(client, token_for("provider"), "post", url, {}).json()["id"]
    _assert_denied(api_call(client, token_for(name, role), "post", f"{url}/{notice_id}/send"))
    _assert_denied(
        api_call(
            client, token_for(name, role), "put", f"{url}/{notice_id}", {"subject": "x", "letter_text": "y"}
        )
    )
    assert HospitalNotice.objects.get(pk=notice_id).sent_at is None


def test_another_providers_notices_are_not_found(world, case, other, token_for, client):
    foreign = api_call(
        client, token_for("provider_b"), "post", f"/incidents/{other.reference}/notices", {}
    ).json()
    token = token_for("provider")
    for method, path in (
        ("post", f"/incidents/{other.reference}/notices/{foreign['id']}/send"),
        ("get", f"/incidents/{other.reference}/notices/{foreign['id']}/pdf"),
        ("post", f"/incidents/{case.reference}/notices/{foreign['id']}/send"),
        ("get", f"/incidents/{case.reference}/notices/{foreign['id']}/pdf"),
        ("post", f"/incidents/{other.reference}/notices"),
    ):
        response = api_call(client, token, method, path, {} if path.endswith("notices") else None)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert HospitalNotice.objects.get(pk=foreign["id"]).sent_at is None


# --- the timeline as PDF -----------------------------------------------------------------------------------------


def test_the_timeline_pdf_is_audited_and_scoped(world, case, other, token_for, client):
    response = api_call(
        client, token_for("insurer", "viewer"), "get", f"/incidents/{case.reference}/timeline/pdf"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert case.reference in pdf_text(response.content)
    assert AuditEvent.objects.filter(action="incident.timeline_exported").count() == 1
    foreign = api_call(client, token_for("provider"), "get", f"/incidents/{other.reference}/timeline/pdf")
    assert foreign.status_code == 404
    assert (
        api_call(
            client, token_for("hospital"), "get", f"/incidents/{case.reference}/timeline/pdf"
        ).status_code
        == 404
    )


# --- evidence files ----------------------------------------------------------------------------------------------


@pytest.fixture
def evidence(world, case, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return evidence_upload(
        actor=world.actor("provider"),
        incident=case,
        name="firewall.log",
        data=b"2026-04-01 blocked 203.0.113.5\n",
        description="FWログ",
    )


def test_evidence_is_downloaded_with_a_reason(world, case, evidence, token_for, client):
    url = f"/incidents/{case.reference}/evidence/{evidence.pk}/download"
    response = api_call(client, token_for("desk"), "post", url, {"reason": "原因調査のため"})
    assert response.status_code == 200, response.content
    assert response.content == b"2026-04-01 blocked 203.0.113.5\n"
    assert "firewall.log" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="personal_data.evidence_downloaded")
    assert event.reason == "原因調査のため" and event.organisation == world.desk.organisation


def test_an_evidence_download_needs_a_reason(world, case, evidence, token_for, client):
    url = f"/incidents/{case.reference}/evidence/{evidence.pk}/download"
    response = api_call(client, token_for("provider"), "post", url, {"reason": ""})
    assert response.status_code == 422 and response.json()["message"] == INVALID
    assert response.json()["errors"][0]["field"] == "reason"


def test_evidence_of_another_case_or_for_readers_is_not_served(
    world, case, other, evidence, token_for, client
):
    body = {"reason": "確認"}
    for name, role in (
        ("agency", "staff"),
        ("insurer", "staff"),
        ("provider", "viewer"),
        ("provider_b", "staff"),
    ):
        url = f"/incidents/{case.reference}/evidence/{evidence.pk}/download"
        response = api_call(client, token_for(name, role), "post", url, body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", name
    mixed = f"/incidents/{other.reference}/evidence/{evidence.pk}/download"
    assert api_call(client, token_for("provider_b"), "post", mixed, body).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.evidence_downloaded").exists()


def test_a_browser_session_needs_a_recent_sign_in_for_evidence(world, case, evidence, client_for, settings):
    settings.SONAE_REQUIRE_RECENT_AUTH = True  # force_login records no sign-in time
    response = client_for("provider").post(
        f"/api/v1/incidents/{case.reference}/evidence/{evidence.pk}/download",
        {"reason": "確認"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not AuditEvent.objects.filter(action="personal_data.evidence_downloaded").exists()


def test_the_hospital_downloads_a_notice_it_received(world, case, token_for, client):
    token = token_for("provider")
    notice_id = api_call(client, token, "post", f"/incidents/{case.reference}/notices", {}).json()["id"]
    path = f"/hospitals/notices/{notice_id}/pdf"
    draft = api_call(client, token_for("hospital", "viewer"), "get", path)
    assert draft.status_code == 404  # a draft is never the hospital's
    api_call(client, token, "post", f"/incidents/{case.reference}/notices/{notice_id}/send")
    response = api_call(client, token_for("hospital", "viewer"), "get", path)
    assert response.status_code == 200 and "みなと総合病院" in pdf_text(response.content)
    assert api_call(client, token_for("hospital_b"), "get", path).status_code == 404
    _assert_denied(api_call(client, token_for("provider"), "get", path))
    bad = api_call(client, token_for("hospital"), "get", "/hospitals/notices/abc/pdf")
    assert bad.status_code == 422 and bad.json()["message"] == INVALID


def test_the_chain_of_custody_of_an_evidence_file(world, case, other, evidence, token_for, client):
    api_call(
        client,
        token_for("desk"),
        "post",
        f"/incidents/{case.reference}/evidence/{evidence.pk}/download",
        {"reason": "原因調査のため"},
    )
    response = api_call(
        client, token_for("provider"), "get", f"/incidents/{case.reference}/evidence/{evidence.pk}/custody"
    )
    assert response.status_code == 200, response.content
    assert [(e["action"], e["reason"]) for e in response.json()] == [
        ("uploaded", ""),
        ("downloaded", "原因調査のため"),
    ]
    for name, role in (("agency", "staff"), ("provider", "viewer"), ("provider_b", "staff")):
        denied = api_call(
            client,
            token_for(name, role),
            "get",
            f"/incidents/{case.reference}/evidence/{evidence.pk}/custody",
        )
        assert denied.status_code == 404, name
    mixed = api_call(
        client, token_for("provider_b"), "get", f"/incidents/{other.reference}/evidence/{evidence.pk}/custody"
    )
    assert mixed.status_code == 404
    bad = api_call(client, token_for("provider"), "get", f"/incidents/{case.reference}/evidence/x/custody")
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
