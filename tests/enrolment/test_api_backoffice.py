"""API of the agency's back office and the roster: funnel, statistics, the Excel workbook, premium payments and
roster uploads, and the quote / application / certificate PDFs — the same services and checks as the pages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from sonae.enrolment.models import Deposit, Quote, RosterEntry, RosterImport
from sonae.enrolment.services import deposit_import, roster_import_validate
from tests.factories import enrol_totp
from tests.pdftext import pdf_text

from .conftest import jst, member
from .helpers import deposit_csv, quoted, submitted
from .test_api import QUOTE_BODY, bearer
from .test_roster import BAD_ROWS, GOOD_ROWS, roster_csv

pytestmark = pytest.mark.django_db
INVALID = "入力内容に誤りがあります。項目を確認してください。"
DENIED = {"code": "permission_denied", "message": "この操作を行う権限がありません。"}


@pytest.fixture
def application(year_2025, sakura, sakura_actor, sakura_entry, time_machine):
    time_machine.move_to(jst(2025, 9, 5, 10), tick=False)
    made = submitted(sakura_actor, sakura, year_2025)
    time_machine.move_to(jst(2025, 9, 12, 10), tick=False)
    return made


def _upload(client, path, headers, data, name="bank.csv", **fields):
    return client.post(f"/api/v1{path}", {"file": SimpleUploadedFile(name, data), **fields}, headers=headers)


def _post(client, path, headers, body=None):
    return client.post(f"/api/v1{path}", body or {}, content_type="application/json", headers=headers)


# --- funnel, statistics, export ----------------------------------------------------------------------------------


def test_the_agency_sees_the_funnel_and_overdue_items(client, application, agency):
    response = client.get("/api/v1/enrolment/funnel?year=2025", headers=bearer(agency, "viewer"))
    assert response.status_code == 200, response.content
    body = response.json()
    steps = {s["code"]: s["count"] for s in body["steps"]}
    assert body["programme_year"] == "2025" and steps["applied"] == 1 and steps["quoted"] == 1
    payment = [i for i in body["overdue"] + body["at_risk"] if i["kind"] == "payment"]
    assert payment and payment[0]["application_id"] == application.pk


def test_the_foundation_sees_anonymous_statistics_but_not_the_funnel(
    client, application, foundation_org, agency
):
    response = client.get("/api/v1/enrolment/statistics?year=2025", headers=bearer(foundation_org, "viewer"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"]["certified"] == 1 and body["total"]["quoted"] == 1
    assert "premium" not in response.content.decode()
    funnel = client.get("/api/v1/enrolment/funnel", headers=bearer(foundation_org))
    assert funnel.status_code == 403 and funnel.json() == DENIED


def test_an_unknown_year_is_not_found(client, year_2025, agency):
    response = client.get("/api/v1/enrolment/funnel?year=1999", headers=bearer(agency))
    assert (
        response.status_code == 404 and response.json()["message"] == "指定された制度年度が見つかりません。"
    )


def test_the_agency_staff_download_the_workbook(client, application, agency):
    response = client.get("/api/v1/enrolment/export?kind=applications&year=2025", headers=bearer(agency))
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(response.content))["加入依頼"]
    assert sheet.max_row == 2 and application.number in [c.value for c in sheet[2]]
    viewer = client.get("/api/v1/enrolment/export", headers=bearer(agency, "viewer"))
    assert viewer.status_code == 403 and viewer.json() == DENIED
    bad = client.get("/api/v1/enrolment/export?kind=everything", headers=bearer(agency))
    assert bad.status_code == 422 and bad.json()["message"] == INVALID


@pytest.mark.parametrize("route", ["funnel", "statistics", "export", "deposits", "roster"])
def test_providers_have_no_back_office(client, year_2025, sakura, route):
    response = client.get(f"/api/v1/enrolment/{route}", headers=bearer(sakura, "admin"))
    assert response.status_code == 403 and response.json() == DENIED


# --- payments ----------------------------------------------------------------------------------------------------


def test_a_deposit_list_is_imported_and_matched(client, application, agency):
    data = deposit_csv(("2025-09-10", "ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", application.premium))
    response = _upload(client, "/enrolment/deposit-imports", bearer(agency), data)
    assert response.status_code == 201, response.content
    assert (response.json()["rows_new"], response.json()["rows_matched"]) == (1, 1)
    listed = client.get("/api/v1/enrolment/deposits?status=matched", headers=bearer(agency, "viewer")).json()
    assert listed["count"] == 1 and listed["items"][0]["application_number"] == application.number
    assert client.get("/api/v1/enrolment/unpaid-applications", headers=bearer(agency)).json()["count"] == 0


def test_a_deposit_list_with_bad_rows_answers_every_line(client, application, agency):
    data = deposit_csv(("2025-09-10", "ｻｸﾗ", 100), ("not-a-date", "ｻｸﾗ", 100))
    response = _upload(client, "/enrolment/deposit-imports", bearer(agency), data)
    body = response.json()
    assert response.status_code == 400 and body["code"] == "import_rejected"
    assert "取り込んでいません" in body["message"] and [e["line"] for e in body["errors"]] == [3]
    assert Deposit.objects.count() == 0
    accepted = _upload(client, "/enrolment/deposit-imports", bearer(agency), data, accept_valid_only="true")
    assert accepted.status_code == 201 and accepted.json()["rows_new"] == 1


def test_a_deposit_is_matched_by_hand_with_a_note_then_unmatched(client, application, agency, agency_actor):
    deposit_import(actor=agency_actor, file_name="b.csv", data=deposit_csv(("2025-09-10", "ｻｸﾗ", 100000)))
    deposit = Deposit.objects.get()
    path = f"/enrolment/deposits/{deposit.pk}"
    short = _post(client, f"{path}/match", bearer(agency), {"application_id": application.pk})
    assert short.status_code == 400 and short.json()["field"] == "accept_difference"
    body = {"application_id": application.pk, "accept_difference": True, "note": "残額は翌月入金予定"}
    matched = _post(client, f"{path}/match", bearer(agency), body)
    assert matched.status_code == 200 and matched.json()["match_kind"] == "partial"
    no_reason = _post(client, f"{path}/unmatch", bearer(agency), {})
    assert no_reason.status_code == 422 and no_reason.json()["message"] == INVALID
    undone = _post(client, f"{path}/unmatch", bearer(agency), {"reason": "誤って消込"})
    assert undone.status_code == 200 and undone.json()["status"] == "unmatched"
    ignored = _post(client, f"{path}/ignore", bearer(agency), {"reason": "別の入金"})
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    again = _post(client, f"{path}/ignore", bearer(agency), {"reason": "別の入金"})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_an_over_payment_is_resolved_and_the_policy_issued(client, application, agency, agency_actor):
    from sonae.enrolment.services import application_accept

    application_accept(actor=agency_actor, application=application)
    data = deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", application.premium + 1000))
    deposit_import(actor=agency_actor, file_name="b.csv", data=data)
    deposit = Deposit.objects.get()
    _post(
        client,
        f"/enrolment/deposits/{deposit.pk}/match",
        bearer(agency),
        {"application_id": application.pk, "accept_difference": True, "note": "過入金"},
    )
    path = f"/enrolment/applications/{application.pk}/overpayment"
    assert _post(client, path, bearer(agency), {"note": ""}).status_code == 422
    resolved = _post(client, path, bearer(agency), {"note": "差額1,000円を返金予定"})
    assert resolved.status_code == 200, resolved.content
    application.refresh_from_db()
    assert application.overpayment_note == "差額1,000円を返金予定" and hasattr(application, "policy")


@pytest.mark.parametrize("role", ["viewer"])
def test_agency_viewers_and_providers_may_not_change_payments(client, application, agency, sakura, role):
    data = deposit_csv(("2025-09-10", "ｻｸﾗ", 100))
    for headers in (bearer(agency, role), bearer(sakura, "admin")):
        response = _upload(client, "/enrolment/deposit-imports", headers, data)
        assert response.status_code == 403 and response.json() == DENIED
        overpayment = _post(
            client, f"/enrolment/applications/{application.pk}/overpayment", headers, {"note": "x"}
        )
        assert overpayment.status_code == 403
    assert Deposit.objects.count() == 0


def test_an_unknown_deposit_is_not_found(client, application, agency):
    response = _post(client, "/enrolment/deposits/999999/ignore", bearer(agency), {"reason": "x"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    bad_id = _post(client, "/enrolment/deposits/abc/ignore", bearer(agency), {"reason": "x"})
    assert bad_id.status_code == 422 and bad_id.json()["message"] == INVALID


# --- roster ------------------------------------------------------------------------------------------------------


def test_the_foundation_uploads_checks_and_commits_a_roster(client, foundation_org):
    headers = bearer(foundation_org)
    uploaded = _upload(
        client, "/enrolment/roster-imports", headers, roster_csv(*GOOD_ROWS, *BAD_ROWS), "r.csv"
    )
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert (body["status"], body["rows_total"], body["rows_valid"]) == ("validated", 6, 3)
    assert [e["line"] for e in body["errors"]] == [5, 6, 7]
    commit = f"/enrolment/roster-imports/{body['id']}/commit"
    refused = _post(client, commit, headers, {})
    assert refused.status_code == 400 and "エラーのある行が3行" in refused.json()["message"]
    assert RosterEntry.objects.count() == 0
    committed = _post(client, commit, headers, {"accept_valid_only": True})
    assert committed.status_code == 200 and committed.json()["result"]["created"] == 2
    again = _post(client, f"/enrolment/roster-imports/{body['id']}/discard", headers)
    assert again.status_code == 409
    listed = client.get("/api/v1/enrolment/roster?q=さくら", headers=bearer(foundation_org, "viewer")).json()
    (entry,) = listed["items"]
    assert {c["business_label"] for c in entry["certifications"]} >= {"衛生検査所業務"}
    detail = client.get(f"/api/v1/enrolment/roster/{entry['id']}", headers=bearer(foundation_org, "viewer"))
    assert detail.status_code == 200 and detail.json()["corporate_number"] == entry["corporate_number"]


def test_another_organisations_roster_upload_is_not_found(client, foundation_org, agency, foundation_actor):
    upload = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=roster_csv(*GOOD_ROWS))
    for method, path in (
        ("get", f"/api/v1/enrolment/roster-imports/{upload.pk}"),
        ("post", f"/api/v1/enrolment/roster-imports/{upload.pk}/commit"),
        ("post", f"/api/v1/enrolment/roster-imports/{upload.pk}/discard"),
    ):
        response = getattr(client, method)(path, headers=bearer(agency), content_type="application/json")
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert RosterImport.objects.get(pk=upload.pk).status == "validated"


def test_roster_uploads_need_staff_and_a_file(client, foundation_org, sakura):
    data = roster_csv(*GOOD_ROWS)
    for headers in (bearer(foundation_org, "viewer"), bearer(sakura, "admin")):
        response = _upload(client, "/enrolment/roster-imports", headers, data, "r.csv")
        assert response.status_code == 403 and response.json() == DENIED
    missing = client.post("/api/v1/enrolment/roster-imports", {}, headers=bearer(foundation_org))
    assert missing.status_code == 422 and missing.json()["message"] == INVALID
    assert RosterImport.objects.count() == 0


# --- PDFs --------------------------------------------------------------------------------------------------------


def test_the_quote_and_application_pdfs_are_the_providers_own(client, application, sakura, aoba, agency):
    quote = application.quote
    for path, word in (
        (f"/api/v1/enrolment/quotes/{quote.pk}/pdf", quote.number),
        (f"/api/v1/enrolment/applications/{application.pk}/pdf", application.number),
    ):
        response = client.get(path, headers=bearer(sakura, "viewer"))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", path
        assert word in pdf_text(response.content)
        assert client.get(path, headers=bearer(agency, "viewer")).status_code == 200
        foreign = client.get(path, headers=bearer(aoba))
        assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"


def test_the_certificate_pdf(client, application, agency_actor, agency, sakura, aoba, foundation_org):
    from sonae.enrolment.services import application_accept

    application_accept(actor=agency_actor, application=application)
    data = deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", application.premium))
    deposit_import(actor=agency_actor, file_name="b.csv", data=data)
    application.refresh_from_db()
    policy = application.policy
    path = f"/api/v1/enrolment/policies/{policy.pk}/certificate"
    response = client.get(path, headers=bearer(sakura, "viewer"))
    assert response.status_code == 200 and policy.number in pdf_text(response.content)
    assert client.get(path, headers=bearer(aoba)).status_code == 404
    assert client.get(path, headers=bearer(foundation_org)).status_code == 403
    bad = client.get("/api/v1/enrolment/policies/abc/certificate", headers=bearer(sakura))
    assert bad.status_code == 422 and bad.json()["message"] == INVALID


def test_a_quote_pdf_for_the_foundation_is_refused(
    client, year_2025, sakura, sakura_actor, sakura_entry, foundation_org, time_machine
):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)
    quote = quoted(sakura_actor, sakura, year_2025)
    response = client.get(f"/api/v1/enrolment/quotes/{quote.pk}/pdf", headers=bearer(foundation_org))
    assert response.status_code == 403 and response.json() == DENIED


# --- the lists' filters (as the list pages) ----------------------------------------------------------------------


def test_the_lists_filter_as_their_pages(
    client, year_2025, sakura, sakura_actor, sakura_entry, aoba, aoba_actor, aoba_entry, agency, time_machine
):
    time_machine.move_to(jst(2025, 9, 5, 10), tick=False)
    sakura_application = submitted(sakura_actor, sakura, year_2025)
    quoted(aoba_actor, aoba, year_2025)
    headers = bearer(agency, "viewer")
    quotes = client.get("/api/v1/enrolment/quotes?q=あおば&year=2025", headers=headers).json()
    assert [q["company_name"] for q in quotes["items"]] == ["あおば患者搬送株式会社"]
    assert client.get("/api/v1/enrolment/quotes?year=2026", headers=headers).json()["count"] == 0
    unpaid = client.get("/api/v1/enrolment/applications?payment=unpaid", headers=headers).json()
    assert [a["id"] for a in unpaid["items"]] == [sakura_application.pk]
    assert client.get("/api/v1/enrolment/applications?payment=paid", headers=headers).json()["count"] == 0
    submitted_only = client.get("/api/v1/enrolment/applications?status=submitted&q=さくら", headers=headers)
    assert submitted_only.json()["count"] == 1
    assert client.get("/api/v1/enrolment/policies?status=in_force", headers=headers).json()["count"] == 0
    bad = client.get("/api/v1/enrolment/quotes?status=lost", headers=headers)
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
    own = client.get("/api/v1/enrolment/quotes?q=あおば", headers=bearer(sakura)).json()
    assert own["count"] == 0  # the filters never widen the provider's scope


# --- eligibility (the enrolment home page) -----------------------------------------------------------------------


def test_a_provider_sees_its_eligibility_in_each_open_window(
    client, year_2025, sakura, sakura_entry, outsider, agency, time_machine
):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)
    response = client.get("/api/v1/enrolment/eligibility", headers=bearer(sakura, "viewer"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["in_force_policy_id"] is None and body["windows"]
    assert body["windows"][0]["eligible"] is True
    assert body["windows"][0]["certifications"][0]["business_label"] == "衛生検査所業務"
    refused = client.get("/api/v1/enrolment/eligibility", headers=bearer(outsider)).json()
    assert (
        refused["windows"][0]["eligible"] is False
        and "名簿に登録されていない" in refused["windows"][0]["reason"]
    )
    for_sakura = client.get(
        f"/api/v1/enrolment/eligibility?organisation_id={sakura.pk}", headers=bearer(agency)
    )
    assert for_sakura.status_code == 200 and for_sakura.json()["organisation_id"] == sakura.pk


def test_an_agency_viewer_checks_a_providers_eligibility_but_cannot_quote_for_it(
    client, year_2025, sakura, sakura_entry, agency, time_machine
):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)
    viewer = bearer(agency, "viewer")
    response = client.get(f"/api/v1/enrolment/eligibility?organisation_id={sakura.pk}", headers=viewer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organisation_id"] == sakura.pk and body["windows"][0]["eligible"] is True
    quote = client.post(
        "/api/v1/enrolment/quotes",
        {**QUOTE_BODY, "organisation_id": sakura.pk},
        content_type="application/json",
        headers=viewer,
    )
    assert quote.status_code == 403 and quote.json() == DENIED
    assert not Quote.objects.exists()


def test_an_agency_viewer_is_refused_the_quote_page(client, year_2025, sakura, sakura_entry, agency):
    viewer = member(agency, "viewer")
    enrol_totp(viewer.user)
    client.force_login(viewer.user)
    assert client.get(f"/enrolment/quotes/new/?organisation={sakura.pk}").status_code == 403


def test_eligibility_of_another_provider_is_not_found(
    client, year_2025, sakura, aoba, agency, foundation_org
):
    response = client.get(f"/api/v1/enrolment/eligibility?organisation_id={aoba.pk}", headers=bearer(sakura))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    missing = client.get("/api/v1/enrolment/eligibility", headers=bearer(agency))
    assert missing.status_code == 400 and missing.json()["field"] == "organisation_id"
    bad = client.get("/api/v1/enrolment/eligibility?organisation_id=x", headers=bearer(agency))
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
    denied = client.get("/api/v1/enrolment/eligibility", headers=bearer(foundation_org))
    assert denied.status_code == 403 and denied.json() == DENIED


def test_the_agency_starts_an_application_after_the_deadline_with_a_reason(
    client, year_2025, sakura, sakura_actor, sakura_entry, agency, time_machine
):
    quote = quoted(sakura_actor, sakura, year_2025)
    time_machine.move_to(jst(2025, 9, 20, 10), tick=False)
    body = {"quote_id": quote.pk, "plan": "A"}
    late = _post(client, "/enrolment/applications", bearer(sakura), body)
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"
    missing = _post(client, "/enrolment/applications", bearer(agency), body)
    assert missing.status_code == 400 and missing.json()["field"] == "late_reason"
    assert missing.json()["message"] == "期限後の受付には、理由の記入が必要です。"
    started = _post(
        client, "/enrolment/applications", bearer(agency), {**body, "late_reason": "振込の遅延を確認済み"}
    )
    assert started.status_code == 201, started.content
    assert started.json()["organisation_id"] == sakura.pk


def test_the_premium_of_a_policy_is_shown_as_on_its_page(client, application, agency_actor, sakura):
    from sonae.enrolment.services import application_accept

    from .conftest import org

    application_accept(actor=agency_actor, application=application)
    data = deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", application.premium))
    deposit_import(actor=agency_actor, file_name="b.csv", data=data)
    application.refresh_from_db()
    path = f"/api/v1/enrolment/policies/{application.policy.pk}"
    assert client.get(path, headers=bearer(sakura, "viewer")).json()["premium"] == application.premium
    desk = org("desk", "cyber-desk")
    assert client.get(path, headers=bearer(desk)).json()["premium"] is None
    listed = client.get("/api/v1/enrolment/policies", headers=bearer(desk)).json()
    assert listed["items"][0]["premium"] is None
