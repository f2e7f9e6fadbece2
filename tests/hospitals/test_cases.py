"""Incidents seen from the hospital: the notice, the shared facts, the hospital's own duties (R7, R8), drafts, the
joint-report flag, acknowledgement, and the questions and answers between hospital and contractor."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail

from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent, Notification
from sonae.hospitals import selectors, services
from sonae.hospitals.models import CaseMessage
from sonae.incidents.models import TimelineEvent
from tests.hospitals.conftest import jst
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- own duties -----------------------------------------------------------------------------------------------------


def test_the_hospitals_clock_starts_on_the_day_it_received_the_notice(world, notified_case):
    notice = notified_case()  # ransomware discovered 2026-10-05, notice sent 2026-10-06
    duties = selectors.case_view(world.actor("hospital"), notice).duties
    assert duties.reportable and duties.knowing_date == date(2026, 10, 6)  # R7, not the contractor's 10-05
    assert duties.preliminary_report_target == date(2026, 10, 10)  # R3: +4 days, never rolled
    assert duties.final_report_due == date(2026, 12, 4)  # 60 days (unauthorized purpose), day 1 = 10-06
    assert duties.individual_notice_required


def test_a_joint_report_runs_on_the_contractors_clock(world, notified_case):
    notice = notified_case()
    services.joint_report_set(
        actor=world.actor("hospital"), incident=notice.incident, hospital=world.org("hospital"), enabled=True
    )
    duties = selectors.case_view(world.actor("hospital"), notice).duties
    assert duties.joint
    assert duties.joint_preliminary_target == date(2026, 10, 9)  # R8: contractor knew 10-05
    assert duties.joint_final_due == date(2026, 12, 3)
    assert duties.individual_notice_required  # R8: the entrusting party notifies individuals


def test_a_situation_that_is_not_reportable_gives_no_dates(world, notified_case):
    notice = notified_case(symptoms=["misdelivery"], data_items=["name"], persons_estimate=3, title="誤送付")
    duties = selectors.case_view(world.actor("hospital"), notice).duties
    assert duties.available and not duties.reportable
    assert duties.preliminary_report_target is None and duties.final_report_due is None


def test_missing_facts_are_explained_instead_of_guessed(world, notified_case):
    notice = notified_case(persons_estimate=None)
    duties = selectors.case_view(world.actor("hospital"), notice).duties
    assert not duties.available and "persons" in duties.message


def test_a_later_notice_does_not_restart_the_hospitals_clock(world, notified_case, _now):
    from sonae.incidents import services as incident_services

    first = notified_case()
    _now.move_to(jst(2026, 10, 9, 10))
    second = incident_services.hospital_notice_create(
        actor=world.actor("provider"), incident=first.incident, hospital=world.org("hospital")
    )
    second = incident_services.hospital_notice_send(actor=world.actor("provider"), notice=second)
    assert selectors.case_view(world.actor("hospital"), second).duties.knowing_date == date(2026, 10, 6)


def test_the_notice_page_shows_facts_without_personal_data(world, notified_case, client_for):
    notice = notified_case(
        caller_name="通報 花子", caller_phone="03-1111-2222", called_at=jst(2026, 10, 6, 9)
    )
    page = _text(client_for("hospital").get(f"/hospitals/notices/{notice.pk}/"))
    assert "約5,000人" in page and "検査結果" in page and "ランサムウェア" in page
    assert "通報 花子" not in page and "03-1111-2222" not in page and "0311112222" not in page
    assert "2026年10月10日" in page and "2026年12月4日" in page


def test_the_inbox_lists_each_notice_with_the_hospitals_own_dates(world, notified_case, client_for):
    notice = notified_case()
    page = _text(client_for("hospital").get("/hospitals/notices/"))
    row = re.search(rf'<tr data-notice="{notice.incident.reference}">(.*?)</tr>', page).group(1)
    assert "2026年10月10日" in row and "2026年12月4日" in row and "未確認" in row


# --- acknowledgement -------------------------------------------------------------------------------------------------


def test_acknowledging_uses_the_incidents_flow_and_tells_the_provider(world, notified_case, client_for):
    notice = notified_case()
    response = client_for("hospital").post(f"/hospitals/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 302 and response["Location"] == f"/hospitals/notices/{notice.pk}/"
    notice.refresh_from_db()
    assert notice.acknowledged_by == world.user("hospital")
    assert TimelineEvent.objects.filter(incident=notice.incident, text__contains="受領を確認").exists()
    assert Notification.objects.filter(user=world.user("provider"), title__contains="受領を確認").exists()


def test_acknowledging_twice_shows_a_message(world, notified_case, client_for):
    notice = notified_case()
    client = client_for("hospital")
    client.post(f"/hospitals/notices/{notice.pk}/acknowledge/")
    page = _text(client.post(f"/hospitals/notices/{notice.pk}/acknowledge/", follow=True))
    assert "受領確認済み" in page


def test_a_hospital_viewer_cannot_acknowledge(world, notified_case, client_for):
    notice = notified_case()
    assert (
        client_for("hospital_viewer").post(f"/hospitals/notices/{notice.pk}/acknowledge/").status_code == 403
    )
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


@pytest.mark.parametrize(
    "path",
    ["", "questions/", "drafts/ppc/", "drafts/ppc/pdf/", "drafts/patients/"],
)
def test_another_hospitals_notice_is_404(world, notified_case, client_for, path):
    notice = notified_case(hospital="hospital_b")
    assert client_for("hospital").get(f"/hospitals/notices/{notice.pk}/{path}").status_code == 404


@pytest.mark.parametrize("path", ["acknowledge/", "joint/", "questions/"])
def test_another_hospital_cannot_write_on_the_notice(world, notified_case, client_for, path):
    notice = notified_case(hospital="hospital_b")
    data = {"enabled": "1", "subject": "件名", "body": "本文"}
    assert client_for("hospital").post(f"/hospitals/notices/{notice.pk}/{path}", data).status_code == 404


def test_a_draft_notice_is_not_visible_to_the_hospital(world, client_for, report_draft):
    assert client_for("hospital").get(f"/hospitals/notices/{report_draft.pk}/").status_code == 404


@pytest.fixture
def report_draft(world):
    from sonae.incidents import services as incident_services

    incident = incident_services.incident_report(
        actor=world.actor("provider"),
        channel="web",
        provider=world.org("provider"),
        symptoms=["ransom_message"],
        data_items=["name"],
        persons_estimate=10,
        data_owner="entrusted",
        entrusting_hospital=world.org("hospital"),
    )
    return incident_services.hospital_notice_create(actor=world.actor("provider"), incident=incident)


# --- drafts ------------------------------------------------------------------------------------------------------


def test_the_ppc_draft_is_prefilled_from_the_contractors_information(
    world, notified_case, link_for, client_for
):
    link_for()
    notice = notified_case()
    page = _text(client_for("hospital").get(f"/hospitals/notices/{notice.pk}/drafts/ppc/"))
    for expected in (
        "みなと総合病院",
        "株式会社さくら臨床検査",
        "衛生検査所業務",
        "氏名、検査結果",
        "約5,000人",
        "ランサムウェア",
        "2026年10月6日",
        "速報の目安 2026年10月10日",
    ):
        assert expected in page


def test_the_patient_notice_draft_names_the_hospital_and_the_items(world, notified_case, client_for):
    notice = notified_case()
    page = _text(client_for("hospital").get(f"/hospitals/notices/{notice.pk}/drafts/patients/"))
    assert "患者の皆様へ" in page and "みなと総合病院" in page and "氏名、検査結果" in page


@pytest.mark.parametrize(
    ("kind", "words"),
    [("ppc", ["報告者", "みなと総合病院"]), ("patients", ["お問い合わせ先", "みなと総合病院"])],
)
def test_draft_pdfs_are_generated_and_audited(world, notified_case, client_for, kind, words):
    notice = notified_case()
    response = client_for("hospital").get(f"/hospitals/notices/{notice.pk}/drafts/{kind}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert all(word in text for word in words)
    event = AuditEvent.objects.get(action="hospitals.draft_generated")
    assert event.data == {"incident": notice.incident.reference, "kind": kind}


def test_an_unknown_draft_kind_is_404(world, notified_case, client_for):
    notice = notified_case()
    assert client_for("hospital").get(f"/hospitals/notices/{notice.pk}/drafts/press/").status_code == 404


def test_a_hospital_viewer_may_read_a_draft_but_not_download_it(world, notified_case, client_for):
    notice = notified_case()
    client = client_for("hospital_viewer")
    assert client.get(f"/hospitals/notices/{notice.pk}/drafts/ppc/").status_code == 200
    assert client.get(f"/hospitals/notices/{notice.pk}/drafts/ppc/pdf/").status_code == 403


# --- joint report ------------------------------------------------------------------------------------------------


def test_the_joint_flag_set_by_the_hospital_is_seen_by_the_provider(world, notified_case, client_for):
    notice = notified_case()
    client_for("hospital").post(f"/hospitals/notices/{notice.pk}/joint/", {"enabled": "1"})
    page = _text(client_for("provider").get(f"/hospitals/cases/{notice.incident.reference}/"))
    assert "<strong>連名で報告する</strong>" in page
    assert "みなと総合病院 が設定" in page
    assert TimelineEvent.objects.filter(incident=notice.incident, text__contains="連名").exists()
    assert Notification.objects.filter(user=world.user("provider"), title__contains="連名報告").exists()


def test_the_provider_can_withdraw_the_joint_flag(world, notified_case, client_for):
    notice = notified_case()
    hospital = world.org("hospital")
    services.joint_report_set(
        actor=world.actor("hospital"), incident=notice.incident, hospital=hospital, enabled=True
    )
    response = client_for("provider").post(
        f"/hospitals/cases/{notice.incident.reference}/joint/{hospital.pk}/", {"enabled": "0"}
    )
    assert response.status_code == 302
    assert selectors.joint_report_for(notice.incident, hospital).enabled is False


def test_the_joint_flag_cannot_be_set_for_a_hospital_that_was_not_notified(world, notified_case, client_for):
    notice = notified_case()
    other = world.org("hospital_b")
    response = client_for("provider").post(
        f"/hospitals/cases/{notice.incident.reference}/joint/{other.pk}/", {"enabled": "1"}
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.joint_report_set(
            actor=world.actor("hospital_b"), incident=notice.incident, hospital=other, enabled=True
        )


# --- questions and answers ---------------------------------------------------------------------------------------


def test_a_question_and_its_answer_are_seen_by_both_sides(
    world, notified_case, client_for, django_capture_on_commit_callbacks
):
    notice = notified_case()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("hospital").post(
            f"/hospitals/notices/{notice.pk}/questions/",
            {"subject": "再開の見込み", "body": "患者Aさんの結果は？"},
        )
    assert response.status_code == 302
    thread = CaseMessage.objects.get(parent__isnull=True)
    assert Notification.objects.filter(
        user=world.user("provider"), title__contains="質問が届きました"
    ).exists()
    assert all("患者Aさん" not in m.body for m in mail.outbox)  # the text stays in Sonae
    provider = client_for("provider")
    assert "患者Aさんの結果は？" in _text(provider.get(f"/hospitals/cases/{notice.incident.reference}/"))
    provider.post(
        f"/hospitals/cases/{notice.incident.reference}/questions/{thread.pk}/answer/",
        {"hospital": world.org("hospital").pk, "body": "明日ご報告します。"},
    )
    page = _text(client_for("hospital").get(f"/hospitals/notices/{notice.pk}/questions/"))
    assert "患者Aさんの結果は？" in page and "明日ご報告します。" in page


def test_posts_are_audited_without_their_text(world, notified_case):
    notice = notified_case()
    thread = services.question_post(
        actor=world.actor("hospital"),
        incident=notice.incident,
        hospital=world.org("hospital"),
        subject="件名",
        body="秘密の本文",
    )
    event = AuditEvent.objects.get(action="hospitals.question_posted")
    assert event.target_id == str(thread.pk) and "秘密の本文" not in str(event.data)


def test_message_text_is_encrypted_at_rest(world, notified_case):
    notice = notified_case()
    services.question_post(
        actor=world.actor("hospital"),
        incident=notice.incident,
        hospital=world.org("hospital"),
        subject="件名",
        body="秘密の本文",
    )
    raw = CaseMessage.objects.values_list("body", flat=True).get()
    assert "秘密の本文".encode() not in bytes(raw)


def test_one_hospitals_conversation_is_not_shown_to_another(world, notified_case, client_for):
    mine = notified_case()
    theirs = notified_case(hospital="hospital_b")
    services.question_post(
        actor=world.actor("hospital_b"),
        incident=theirs.incident,
        hospital=world.org("hospital_b"),
        subject="かわせの質問",
        body="本文",
    )
    assert "かわせの質問" not in _text(client_for("hospital").get(f"/hospitals/notices/{mine.pk}/questions/"))
    thread = CaseMessage.objects.get()
    response = client_for("hospital").post(
        f"/hospitals/notices/{mine.pk}/questions/{thread.pk}/answer/", {"body": "x"}
    )
    assert response.status_code == 404


def test_another_provider_cannot_open_the_case_conversation(world, notified_case, client_for):
    notice = notified_case()
    assert client_for("provider_b").get(f"/hospitals/cases/{notice.incident.reference}/").status_code == 404
    with pytest.raises(NotFound):
        services.question_post(
            actor=world.actor("provider_b"),
            incident=notice.incident,
            hospital=world.org("hospital"),
            subject="s",
            body="b",
        )


@pytest.mark.parametrize("who", ["hospital", "desk", "agency"])
def test_the_provider_case_page_is_not_for_other_kinds(world, notified_case, client_for, who):
    notice = notified_case()
    assert client_for(who).get(f"/hospitals/cases/{notice.incident.reference}/").status_code in (403, 404)


def test_a_hospital_that_was_not_notified_cannot_ask(world, notified_case):
    notice = notified_case()
    with pytest.raises(NotFound):
        services.question_post(
            actor=world.actor("hospital_b"),
            incident=notice.incident,
            hospital=world.org("hospital_b"),
            subject="s",
            body="b",
        )


def test_viewers_read_but_do_not_post(world, notified_case, client_for):
    notice = notified_case()
    client = client_for("hospital_viewer")
    assert client.get(f"/hospitals/notices/{notice.pk}/questions/").status_code == 200
    assert (
        client.post(f"/hospitals/notices/{notice.pk}/questions/", {"subject": "s", "body": "b"}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.question_post(
            actor=world.actor("hospital_viewer"),
            incident=notice.incident,
            hospital=world.org("hospital"),
            subject="s",
            body="b",
        )


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "本文", "subject"), ("件名", "  ", "body"), ("件名", "x" * 5001, "body")],
)
def test_questions_need_a_subject_and_a_body(world, notified_case, subject, body, field):
    notice = notified_case()
    with pytest.raises(InvalidInput) as exc:
        services.question_post(
            actor=world.actor("hospital"),
            incident=notice.incident,
            hospital=world.org("hospital"),
            subject=subject,
            body=body,
        )
    assert exc.value.field == field


def test_an_answer_cannot_answer_an_answer(world, notified_case):
    notice = notified_case()
    thread = services.question_post(
        actor=world.actor("hospital"),
        incident=notice.incident,
        hospital=world.org("hospital"),
        subject="s",
        body="b",
    )
    answer = services.answer_post(actor=world.actor("provider"), thread=thread, body="a")
    with pytest.raises(InvalidInput):
        services.answer_post(actor=world.actor("hospital"), thread=answer, body="c")
