import io

import pytest
from openpyxl import load_workbook

from sonae.core.errors import PermissionDenied
from sonae.core.models import User
from sonae.enrolment.exports import export_workbook
from sonae.enrolment.models import Application, Deposit, Policy, RosterEntry
from sonae.enrolment.services import application_accept, deposit_import
from tests.factories import enrol_totp

from .conftest import jst, member
from .helpers import COMPLETE_FORM, deposit_csv, drafted, quoted, submitted
from .test_roster import BAD_ROWS, GOOD_ROWS, roster_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_time(time_machine):
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)


def login(client, actor):
    if actor.kind in ("agency", "insurer", "desk"):
        enrol_totp(actor.user)
    client.force_login(actor.user)
    return client


QUOTE_POST = {
    "programme_year": "2025",
    "company_name": "株式会社さくら臨床検査",
    "company_kana": "サクラリンショウケンサ",
    "address": "東京都千代田区1-1",
    "business_codes": ["clinical_lab"],
    "annual_sales": "800000000",
    "records_held": "120000",
    "employees": "85",
    "security_score": "75",
    "incidents_5y": "0",
    "plans": ["A", "B"],
}


def test_a_business_not_on_the_roster_sees_the_reason(client, in_time, year_2025, outsider):
    from .conftest import member

    login(client, member(outsider))
    page = client.get("/enrolment/").content.decode()
    assert "認定事業者名簿に登録されていない" in page
    response = client.get("/enrolment/quotes/new/")
    assert "認定事業者名簿に登録されていない" in response.content.decode()


def test_provider_gets_a_quote_with_the_premium_and_its_pdf(
    client, in_time, year_2025, sakura_actor, sakura_entry
):
    login(client, sakura_actor)
    response = client.post("/enrolment/quotes/new/", QUOTE_POST)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response.url).content.decode()
    assert "112,320円" in page and "193,190円" in page and "サンプル" in page
    pdf = client.get(response.url + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_quote_form_shows_domain_errors(client, in_time, year_2025, sakura_actor, sakura_entry):
    login(client, sakura_actor)
    response = client.post("/enrolment/quotes/new/", {**QUOTE_POST, "annual_sales": "20000000000"})
    assert response.status_code == 200
    assert "個別のお見積り" in response.content.decode()


def test_another_providers_quote_is_404_and_foundation_gets_403(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry, aoba_actor, foundation_actor
):
    quote = quoted(sakura_actor, sakura, year_2025)
    login(client, aoba_actor)
    assert client.get(f"/enrolment/quotes/{quote.pk}/").status_code == 404
    assert client.get(f"/enrolment/quotes/{quote.pk}/pdf/").status_code == 404
    client.logout()
    login(client, foundation_actor)
    assert client.get("/enrolment/quotes/").status_code == 403
    assert client.get(f"/enrolment/quotes/{quote.pk}/").status_code == 403


def test_apply_fill_and_submit_through_the_pages(
    client, in_time, year_2025, sakura, sakura_actor, sakura_entry
):
    quote = quoted(sakura_actor, sakura, year_2025)
    login(client, sakura_actor)
    response = client.post(f"/enrolment/quotes/{quote.pk}/apply/", {"plan": "A"})
    application = Application.objects.get(quote=quote)
    assert response.url == f"/enrolment/applications/{application.pk}/edit/"
    form = {
        **{k: ("on" if v is True else v) for k, v in COMPLETE_FORM.items() if v is not False},
        "payer_kana": "ｻｸﾗ",
        "submit": "1",
    }
    response = client.post(f"/enrolment/applications/{application.pk}/edit/", form)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert client.get(f"/enrolment/applications/{application.pk}/pdf/")["Content-Type"] == "application/pdf"


def test_after_the_deadline_the_provider_cannot_submit_on_the_page(
    client, time_machine, year_2025, sakura, sakura_actor, sakura_entry
):
    application = drafted(sakura_actor, sakura, year_2025)
    time_machine.move_to(jst(2025, 9, 17, 9), tick=False)
    login(client, sakura_actor)
    response = client.post(f"/enrolment/applications/{application.pk}/submit/", follow=True)
    assert "提出期限（2025年9月16日）を過ぎている" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_agency_late_acceptance_needs_a_reason_on_the_page(
    client, time_machine, year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = drafted(sakura_actor, sakura, year_2025)
    time_machine.move_to(jst(2025, 9, 18, 9), tick=False)
    login(client, agency_actor)
    url = f"/enrolment/applications/{application.pk}/review/"
    response = client.post(url, {"decision": "accept", "reason": ""}, follow=True)
    assert "理由の記入が必要" in response.content.decode()
    client.post(url, {"decision": "accept", "reason": "郵送書類が期限後に到着"})
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED


def test_a_provider_cannot_review(client, in_time, year_2025, sakura, sakura_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 8, 20, 9))
    login(client, sakura_actor)
    assert (
        client.post(f"/enrolment/applications/{application.pk}/review/", {"decision": "accept"}).status_code
        == 403
    )


def test_agency_uploads_a_cp932_deposit_list_and_it_is_matched(
    client, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 8, 20, 9))
    application_accept(actor=agency_actor, application=application, at=jst(2025, 8, 20, 9, 30))
    login(client, agency_actor)
    data = deposit_csv(("2025-08-20", "ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320))
    upload = io.BytesIO(data)
    upload.name = "nyukin.csv"
    response = client.post("/enrolment/payments/upload/", {"file": upload}, follow=True)
    assert "自動消込 1件" in response.content.decode()
    assert Policy.objects.filter(application=application).exists()


def test_a_deposit_list_with_bad_rows_lists_them_and_imports_nothing(
    client, in_time, year_2025, agency_actor
):
    login(client, agency_actor)
    upload = io.BytesIO(deposit_csv(("2025-08-20", "ｻｸﾗ", 1000), ("2025-02-30", "ｻｸﾗ", 1000)))
    upload.name = "nyukin.csv"
    response = client.post("/enrolment/payments/upload/", {"file": upload})
    assert response.status_code == 400
    assert "3行目" in response.content.decode()
    assert Deposit.objects.count() == 0


def test_manual_partial_match_needs_the_confirmation(
    client, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 8, 20, 9))
    deposit_import(actor=agency_actor, file_name="b.csv", data=deposit_csv(("2025-08-20", "ｻｸﾗ", 100000)))
    deposit = Deposit.objects.get()
    login(client, agency_actor)
    prefix = f"d{deposit.pk}"
    url = f"/enrolment/payments/{deposit.pk}/match/"
    response = client.post(
        url, {f"{prefix}-deposit": deposit.pk, f"{prefix}-application": application.pk}, follow=True
    )
    assert "不足" in response.content.decode()
    client.post(
        url,
        {
            f"{prefix}-deposit": deposit.pk,
            f"{prefix}-application": application.pk,
            f"{prefix}-note": "残額請求中",
            f"{prefix}-accept_difference": "on",
        },
    )
    deposit.refresh_from_db()
    assert deposit.match_kind == Deposit.Match.PARTIAL


def test_payments_page_is_agency_only(client, in_time, year_2025, sakura_actor, agency_actor):
    login(client, sakura_actor)
    assert client.get("/enrolment/payments/").status_code == 403
    client.logout()
    login(client, agency_actor)
    assert client.get("/enrolment/payments/").status_code == 200


def test_back_office_pages_refuse_what_the_role_may_not_do(client, in_time, year_2025, agency):
    viewer = member(agency, "viewer")
    login(client, viewer)
    assert client.get("/enrolment/funnel/").status_code == 200  # a viewer reads the back office
    assert client.get("/enrolment/export/").status_code == 403  # but exports need staff
    assert client.post("/enrolment/payments/upload/").status_code == 403
    with pytest.raises(PermissionDenied) as refused:
        export_workbook(viewer)
    assert refused.value.message == "この操作を行う権限がありません。"


def test_a_user_of_no_organisation_is_refused_the_back_office(client, in_time, year_2025):
    stranger = User.objects.create_user(email="stranger@example.jp", password="x" * 12)
    client.force_login(stranger)
    assert client.get("/enrolment/funnel/").status_code == 403
    assert client.get("/enrolment/payments/").status_code == 403


def test_roster_upload_with_bad_rows_shows_every_line_and_commits_nothing_unless_asked(
    client, foundation_actor
):
    login(client, foundation_actor)
    upload = io.BytesIO(roster_csv(*GOOD_ROWS, *BAD_ROWS))
    upload.name = "meibo.csv"
    response = client.post("/enrolment/roster/upload/", {"file": upload})
    page = client.get(response.url).content.decode()
    for line in (5, 6, 7):
        assert f"{line}行目" in page
    client.post(response.url, {"action": "commit"})
    assert RosterEntry.objects.count() == 0
    client.post(response.url, {"action": "commit", "accept_valid_only": "on"})
    assert RosterEntry.objects.count() == 2


def test_providers_cannot_see_the_roster(client, sakura_actor):
    login(client, sakura_actor)
    assert client.get("/enrolment/roster/").status_code == 403


def test_foundation_statistics_show_no_premiums(
    client, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry, foundation_actor
):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 8, 20, 9))
    application_accept(actor=agency_actor, application=application, at=jst(2025, 8, 20, 9, 30))
    deposit_import(
        actor=agency_actor, file_name="b.csv", data=deposit_csv(("2025-08-20", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320))
    )
    login(client, foundation_actor)
    page = client.get("/enrolment/statistics/?year=2025").content.decode()
    assert "衛生検査所業務" in page and "関東" in page
    assert "円" not in page.split("<main", 1)[1]


def test_agency_funnel_and_export(
    client, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    quoted(sakura_actor, sakura, year_2025)
    login(client, agency_actor)
    page = client.get("/enrolment/funnel/?year=2025").content.decode()
    assert "見積済" in page and "112,320円" in page
    response = client.get("/enrolment/export/?year=2025&kind=quotes")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(response.content))["見積"]["A2"].value == "Q-2025-00001"


def test_certificate_is_the_holders_only(
    client, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry, aoba_actor
):
    application = submitted(sakura_actor, sakura, year_2025, at=jst(2025, 8, 20, 9))
    application_accept(actor=agency_actor, application=application, at=jst(2025, 8, 20, 9, 30))
    deposit_import(
        actor=agency_actor, file_name="b.csv", data=deposit_csv(("2025-08-20", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320))
    )
    policy = Policy.objects.get()
    login(client, sakura_actor)
    assert client.get(f"/enrolment/policies/{policy.pk}/certificate/")["Content-Type"] == "application/pdf"
    client.logout()
    login(client, aoba_actor)
    assert client.get(f"/enrolment/policies/{policy.pk}/").status_code == 404
    assert client.get(f"/enrolment/policies/{policy.pk}/certificate/").status_code == 404


def test_dashboard_panels_render_for_their_kinds(
    rf, in_time, year_2025, sakura, sakura_actor, agency_actor, sakura_entry
):
    from django.template.loader import render_to_string

    quoted(sakura_actor, sakura, year_2025)
    request = rf.get("/")
    request.actor = sakura_actor
    provider = render_to_string("enrolment/_provider_panel.html", {"request": request})
    assert "見積から加入依頼書へ進んでください" in provider
    assert render_to_string("enrolment/_agency_panel.html", {"request": request}).strip() == ""
    request.actor = agency_actor
    agency = render_to_string("enrolment/_agency_panel.html", {"request": request})
    assert "期限超過 0件・期限間近 0件" in agency and "確認待ちの加入依頼 0件" in agency
    assert render_to_string("enrolment/_provider_panel.html", {"request": request}).strip() == ""
