from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from sonae.jp.calendar import TOKYO
from sonae.selfcheck import services
from sonae.selfcheck.models import BcpPlan, ExposureEstimate, SelfCheck, VendorChecklist
from tests.selfcheck.conftest import answers_with, checklist_answers, complete_bcp_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def signed_in(client, provider):
    client.force_login(provider.user)
    return client


def test_answering_the_25_questions_shows_score_band_and_advice(signed_in):
    data = answers_with(q01="not_implemented", q11="partial", q24="unknown")
    response = signed_in.post(reverse("selfcheck:check"), data, follow=True)
    assert response.status_code == 200
    check = SelfCheck.objects.get()
    assert check.score == 100 - 4 - 2 - 5
    page = response.content.decode()
    assert "89" in page and "おおむね実施" in page
    assert "OSとソフトウェアの自動更新を有効に" in page  # advice for q01
    assert "まず社内の担当者や保守業者に現状を確かめてください" in page  # q24 unknown


def test_an_unanswered_question_is_shown_again_with_an_error(signed_in):
    data = answers_with()
    del data["q13"]
    response = signed_in.post(reverse("selfcheck:check"), data)
    assert response.status_code == 200
    assert "回答を選んでください" in response.content.decode()
    assert not SelfCheck.objects.exists()


def test_history_draws_an_svg_trend_without_inline_style_or_script(signed_in, actor):
    with time_machine.travel(datetime(2025, 8, 1, 10, tzinfo=TOKYO)):
        services.self_check_submit(actor=actor, answers=answers_with("partial"))
    services.self_check_submit(actor=actor, answers=answers_with())
    page = signed_in.get(reverse("selfcheck:history")).content.decode()
    assert "<svg" in page and "<polyline" in page
    assert "style=" not in page
    assert "<script>" not in page and "<script " not in page.split("</head>")[1]


def test_self_check_pdf_is_a_pdf(signed_in, actor):
    check = services.self_check_submit(actor=actor, answers=answers_with())
    response = signed_in.get(reverse("selfcheck:check_pdf", args=[check.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["selfcheck:check_detail", "selfcheck:check_pdf"])
def test_another_providers_self_check_is_404(client, other_provider, actor, name):
    check = services.self_check_submit(actor=actor, answers=answers_with())
    client.force_login(other_provider.user)
    assert client.get(reverse(name, args=[check.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_another_providers_checklist_and_estimate_are_404(client, other_provider, actor):
    checklist = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers()
    )
    estimate = services.exposure_estimate_save(actor=actor, data_items=["name"], persons=10)
    client.force_login(other_provider.user)
    for name, pk in [
        ("selfcheck:vendor_checklist_detail", checklist.pk),
        ("selfcheck:vendor_checklist_xlsx", checklist.pk),
        ("selfcheck:vendor_checklist_pdf", checklist.pk),
        ("selfcheck:exposure_detail", estimate.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_another_providers_bcp_is_not_shown(client, other_provider, actor):
    plan = services.bcp_start(actor=actor)
    services.bcp_update_section(
        actor=actor, plan=plan, section="contacts", rows=complete_bcp_rows()["contacts"]
    )
    client.force_login(other_provider.user)
    page = client.get(reverse("selfcheck:bcp")).content.decode()
    assert "山田" not in page
    assert client.get(reverse("selfcheck:bcp_pdf")).status_code == 404


@pytest.mark.parametrize(
    "name", ["selfcheck:index", "selfcheck:check", "selfcheck:bcp", "selfcheck:exposure"]
)
def test_other_organisation_kinds_are_refused(client, hospital_user, name):
    client.force_login(hospital_user)
    assert client.get(reverse(name)).status_code == 403


def test_a_viewer_sees_results_but_cannot_answer(client, make_member):
    viewer = make_member("provider", "viewer")
    client.force_login(viewer.user)
    assert client.get(reverse("selfcheck:index")).status_code == 200
    assert client.get(reverse("selfcheck:check")).status_code == 403


def test_pages_need_login(client):
    response = client.get(reverse("selfcheck:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_exposure_for_5000_patients_test_results_is_compared_with_the_plans(signed_in):
    response = signed_in.post(
        reverse("selfcheck:exposure"),
        {
            "data_items": ["name", "address", "test_results"],
            "persons": "5000",
            "response_months": "3",
            "social_responsibility": "1",
            "response_evaluation": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    estimate = ExposureEstimate.objects.get()
    assert estimate.damages == 165_000_000
    page = response.content.decode()
    assert "1億6,500万円" in page
    assert "プランA" in page and "約60%" in page
    assert "プランB" in page


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_no_without_target_date_is_refused_in_the_form(signed_in):
    data = {"checked_on": "2026-08-01"}
    for code, raw in checklist_answers().items():
        data[f"{code}__answer"] = raw["answer"]
    data["cyber_bcp__answer"] = "no"
    response = signed_in.post(reverse("selfcheck:vendor_checklist_new"), data)
    assert response.status_code == 200
    assert "目標日を入力してください" in response.content.decode()
    assert not VendorChecklist.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_exports_to_excel_with_the_no_items_target_date(signed_in, actor):
    from io import BytesIO

    from openpyxl import load_workbook

    checklist = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers(cyber_bcp="2027-03-31")
    )
    response = signed_in.get(reverse("selfcheck:vendor_checklist_xlsx", args=[checklist.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    bcp_row = next(r for r in rows if r[1] == "3-(3)")
    assert bcp_row[3] == "いいえ"
    assert bcp_row[4].date() == date(2027, 3, 31)
    assert rows[1][1] == actor.organisation.name


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_pdf_is_a_pdf(signed_in, actor):
    checklist = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers()
    )
    response = signed_in.get(reverse("selfcheck:vendor_checklist_pdf", args=[checklist.pk]))
    assert response.content.startswith(b"%PDF")


def test_bcp_is_started_with_the_desk_number_and_edited_section_by_section(
    client, provider_admin_membership, settings
):
    settings.SONAE_DESK_PHONE = "0120-555-777"
    client.force_login(provider_admin_membership.user)
    client.post(reverse("selfcheck:bcp_start"))
    page = client.get(reverse("selfcheck:bcp")).content.decode()
    assert "0120-555-777" in page
    assert "速報（3〜5日以内）" in page
    data = {
        "paper_operations-TOTAL_FORMS": "2",
        "paper_operations-INITIAL_FORMS": "0",
        "paper_operations-0-operation": "検査結果の報告",
        "paper_operations-0-fallback": "紙の報告書を届ける",
        "paper_operations-1-operation": "",
        "paper_operations-1-fallback": "",
    }
    response = client.post(reverse("selfcheck:bcp_edit", args=["paper_operations"]), data)
    assert response.status_code == 302
    plan = BcpPlan.objects.get()
    assert plan.paper_operations == [
        {"operation": "検査結果の報告", "fallback": "紙の報告書を届ける", "materials": ""}
    ]


def test_unknown_bcp_section_is_404(client, provider_admin_membership):
    client.force_login(provider_admin_membership.user)
    client.post(reverse("selfcheck:bcp_start"))
    assert client.get(reverse("selfcheck:bcp_edit", args=["secrets"])).status_code == 404


def test_symptom_page_is_public_and_lists_the_eight_symptoms_with_the_desk_phone(client, settings):
    settings.SONAE_DESK_PHONE = "0120-111-222"
    response = client.get(reverse("selfcheck:symptoms"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "こんなときはすぐにご連絡を" in page
    assert page.count('href="tel:0120111222"') == 8
    for title in ("暗号化", "身代金", "漏れている", "指摘", "改ざん", "弱点", "自社の名前", "添付ファイル"):
        assert title in page


def test_symptoms_lead_a_signed_in_provider_to_the_incident_report(signed_in, monkeypatch):
    from sonae.selfcheck import views

    monkeypatch.setattr(
        views, "reverse_or_none", lambda name: "/incidents/report/" if name == "incidents:report" else None
    )
    page = signed_in.get(reverse("selfcheck:symptoms")).content.decode()
    assert 'href="/incidents/report/?symptom=data_encrypted"' in page
    assert page.count("?symptom=") == 8


def test_symptoms_fall_back_to_the_desk_phone_while_the_report_page_does_not_exist(signed_in, monkeypatch):
    from sonae.selfcheck import views

    monkeypatch.setattr(views, "reverse_or_none", lambda name: None)
    page = signed_in.get(reverse("selfcheck:symptoms")).content.decode()
    assert "?symptom=" not in page
    assert page.count("窓口に電話する（") == 8


def test_symptoms_do_not_offer_the_report_to_a_hospital_user(client, hospital_user, monkeypatch):
    from sonae.selfcheck import views

    monkeypatch.setattr(views, "reverse_or_none", lambda name: "/incidents/report/")
    client.force_login(hospital_user)
    assert "?symptom=" not in client.get(reverse("selfcheck:symptoms")).content.decode()


def test_provider_dashboard_shows_the_risk_panel(signed_in, actor):
    services.self_check_submit(actor=actor, answers=answers_with(q03="not_implemented"))
    page = signed_in.get(reverse("core:dashboard")).content.decode()
    assert "96" in page and "おおむね実施" in page
    assert "サイバーBCPをまだ作成していません" in page
    assert reverse("selfcheck:check") in page


def test_hospital_dashboard_has_no_risk_panel(client, hospital_user):
    client.force_login(hospital_user)
    assert "対応が必要なこと" not in client.get(reverse("core:dashboard")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_form_saves_a_no_with_its_target_date(signed_in):
    data = {"checked_on": "2026-08-01"}
    for code, raw in checklist_answers(cyber_bcp="2027-01-31").items():
        data[f"{code}__answer"] = raw["answer"]
        data[f"{code}__target_date"] = raw.get("target_date", "")
    response = signed_in.post(reverse("selfcheck:vendor_checklist_new"), data)
    checklist = VendorChecklist.objects.get()
    assert response["Location"] == reverse("selfcheck:vendor_checklist_detail", args=[checklist.pk])
    assert checklist.answers["cyber_bcp"]["target_date"] == "2027-01-31"
    assert checklist.no_count == 1
