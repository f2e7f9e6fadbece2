import pytest
import time_machine
from django.urls import reverse

from sonae.incidents.models import Incident
from sonae.incidents.services import hospital_notice_create, hospital_notice_send, incident_report
from tests.incidents.conftest import jst

FRIDAY_EVENING = jst(2025, 9, 12, 18, 30)


def _phone_incident(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        return incident_report(
            actor=world.actor("desk"),
            channel="phone",
            provider=world.provider.organisation,
            symptoms=["ransom_message"],
            caller_name="田中 一郎",
            caller_phone="0312345678",
            called_at=FRIDAY_EVENING,
            data_items=["name", "test_results"],
            persons_estimate=5000,
            data_owner="entrusted",
            entrusting_hospital=world.hospital.organisation,
        )


# --- the provider's web report --------------------------------------------------------------------------------


def test_web_report_on_friday_evening_shows_tuesday_handling_and_first_actions(world, client_for):
    client = client_for("provider")
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        response = client.post(
            reverse("incidents:report"),
            {
                "symptoms": ["ransom_message"],
                "data_items": ["name", "test_results"],
                "persons_estimate": "5000",
                "data_owner": "entrusted",
                "entrusting_hospital": world.hospital.organisation.pk,
            },
        )
        assert response.status_code == 302
        page = client.get(response["Location"])
    html = page.content.decode()
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incidents:reported", args=[incident.reference])
    assert incident.reference in html
    assert "2025年9月16日（火） 9:00" in html  # handling starts; Monday 9/15 is 敬老の日
    assert "2025年9月16日（火） 10:00" in html  # first response due
    assert "身代金は支払わず" in html and "電源は切らず" in html
    assert "フォレンジック調査の手配と原因調査" in html  # seeded tasks listed
    assert incident.timeline.count() == 3


def test_web_report_without_symptoms_shows_a_japanese_error(world, client_for):
    response = client_for("provider").post(reverse("incidents:report"), {"data_owner": "unknown"})
    assert response.status_code == 400
    assert "症状を1つ以上選んでください" in response.content.decode()
    assert not Incident.objects.exists()


def test_entrusted_without_a_hospital_is_shown_on_the_field(world, client_for):
    response = client_for("provider").post(
        reverse("incidents:report"), {"symptoms": ["other"], "data_owner": "entrusted"}
    )
    assert response.status_code == 400
    assert "委託元の医療機関を選ぶか" in response.content.decode()


@pytest.mark.parametrize("name", ["desk", "agency", "insurer", "hospital", "foundation"])
def test_only_providers_get_the_report_form(world, client_for, name):
    assert client_for(name).get(reverse("incidents:report")).status_code == 403


# --- scoping of the case pages ---------------------------------------------------------------------------------

CASE_PAGES = [
    ("detail", []),
    ("reported", []),
    ("tasks", []),
    ("timeline", []),
    ("timeline_pdf", []),
    ("evidence", []),
    ("case_vendors", []),
    ("notices", []),
    ("facts", []),
]


@pytest.mark.parametrize("name", ["provider_b", "hospital", "hospital_b", "foundation"])
@pytest.mark.parametrize(("page", "extra"), CASE_PAGES)
def test_other_organisations_get_404_on_every_case_page(world, report, client_for, name, page, extra):
    incident = report()
    response = client_for(name).get(reverse(f"incidents:{page}", args=[incident.reference, *extra]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["provider_b", "hospital_b"])
def test_posts_to_another_organisations_case_are_404(world, report, client_for, name):
    incident = report()
    client = client_for(name)
    for page, data in [
        ("note_add", {"kind": "note", "text": "x"}),
        ("transition", {"to_status": "withdrawn", "reason": "x"}),
        ("notice_create", {}),
        ("evidence_upload", {}),
    ]:
        response = client.post(reverse(f"incidents:{page}", args=[incident.reference]), data)
        assert response.status_code == 404, page
    assert incident.timeline.filter(kind="note").count() == 0


@pytest.mark.parametrize("name", ["provider", "desk", "agency", "insurer"])
def test_case_viewers_open_the_case(world, report, client_for, name):
    incident = report()
    assert client_for(name).get(reverse("incidents:detail", args=[incident.reference])).status_code == 200


def test_provider_b_lists_none_of_provider_a(world, report, client_for):
    incident = report()
    html = client_for("provider_b").get(reverse("incidents:list")).content.decode()
    assert incident.reference not in html


@pytest.mark.parametrize("name", ["hospital", "foundation"])
def test_hospital_and_foundation_have_no_case_list(world, client_for, name):
    assert client_for(name).get(reverse("incidents:list")).status_code == 403


@pytest.mark.parametrize("name", ["agency", "insurer"])
def test_agency_and_insurer_see_the_summary_without_caller_details(world, client_for, name):
    incident = _phone_incident(world)
    client = client_for(name)
    for page in ("detail", "timeline", "tasks"):
        html = client.get(reverse(f"incidents:{page}", args=[incident.reference])).content.decode()
        assert incident.reference in html
        assert "田中" not in html and "0312345678" not in html and "03-1234-5678" not in html, page


@pytest.mark.parametrize("name", ["agency", "insurer"])
def test_agency_and_insurer_cannot_open_evidence(world, client_for, name):
    incident = _phone_incident(world)
    assert client_for(name).get(reverse("incidents:evidence", args=[incident.reference])).status_code == 404


@pytest.mark.parametrize("name", ["desk", "provider"])
def test_desk_and_provider_see_the_caller(world, client_for, name):
    incident = _phone_incident(world)
    html = client_for(name).get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert "田中 一郎" in html and "03-1234-5678" in html
    assert "約5,000人" in html


def test_agency_timeline_pdf_is_a_pdf_without_caller(world, client_for):
    incident = _phone_incident(world)
    response = client_for("agency").get(reverse("incidents:timeline_pdf", args=[incident.reference]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- the desk ----------------------------------------------------------------------------------------------------


def test_queue_lists_overdue_cases_first_in_red(world, client_for):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=False):
        late = incident_report(
            actor=world.actor("provider"),
            channel="web",
            provider=world.provider.organisation,
            symptoms=["other"],
        )
    with time_machine.travel(jst(2025, 10, 1, 11, 30), tick=False):
        fresh = incident_report(
            actor=world.actor("provider"),
            channel="web",
            provider=world.provider.organisation,
            symptoms=["other"],
        )
        html = client_for("desk").get(reverse("incidents:queue")).content.decode()
    assert html.index(late.reference) < html.index(fresh.reference)
    assert f'class="queue-overdue" data-reference="{late.reference}"' in html
    assert f'class="" data-reference="{fresh.reference}"' in html
    assert "期限超過" in html


def test_queue_partial_for_htmx_refresh(world, report, client_for):
    incident = report()
    response = client_for("desk").get(reverse("incidents:queue"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert incident.reference in html and "<html" not in html


@pytest.mark.parametrize("name", ["provider", "agency", "hospital"])
def test_queue_and_intake_are_for_the_desk_only(world, client_for, name):
    client = client_for(name)
    assert client.get(reverse("incidents:queue")).status_code == 403
    assert client.get(reverse("incidents:intake")).status_code == 403


def test_provider_search_finds_by_kana_in_hiragana(world, client_for):
    response = client_for("desk").get(reverse("incidents:provider_search"), {"q": "さくら"})
    assert "株式会社さくら臨床検査" in response.content.decode()
    assert "あおば" not in response.content.decode()


def test_provider_search_finds_by_code(world, client_for):
    html = client_for("desk").get(reverse("incidents:provider_search"), {"q": "aoba"}).content.decode()
    assert "あおば患者搬送株式会社" in html


def test_phone_intake_creates_the_case_with_the_caller(world, client_for):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        response = client_for("desk").post(
            reverse("incidents:intake"),
            {
                "q": "サクラ",
                "provider": world.provider.organisation.pk,
                "caller_name": "田中 一郎",
                "caller_phone": "090-1234-5678",
                "called_at": "2025-09-12T18:20",
                "symptoms": ["lost_or_stolen"],
                "data_owner": "unknown",
            },
        )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.channel, incident.caller_name, incident.caller_phone) == (
        "phone",
        "田中 一郎",
        "09012345678",
    )
    assert incident.received_at == jst(2025, 9, 12, 18, 20)
    assert incident.handling_starts_at == jst(2025, 9, 16, 9, 0)


def test_phone_intake_without_provider_keeps_the_search_results(world, client_for):
    response = client_for("desk").post(
        reverse("incidents:intake"),
        {"q": "さくら", "caller_name": "田中", "caller_phone": "0312345678", "called_at": "2025-09-12T18:20"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "事業者を検索して選んでください" in html
    assert "株式会社さくら臨床検査" in html
    assert 'value="田中"' in html


def test_desk_triage_page_records_the_triage(world, report, client_for):
    incident = report()
    response = client_for("desk").post(
        reverse("incidents:triage", args=[incident.reference]),
        {
            "symptoms": ["ransom_message"],
            "severity": "2",
            "data_owner": "entrusted",
            "entrusting_hospital": world.hospital.organisation.pk,
            "data_items": ["name"],
            "note": "感染端末は1台",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.severity) == ("triaged", 2)


def test_provider_cannot_open_the_triage_page(world, report, client_for):
    incident = report()
    assert (
        client_for("provider").get(reverse("incidents:triage", args=[incident.reference])).status_code == 403
    )


def test_desk_vendor_directory_and_dispatch(world, report, client_for):
    client = client_for("desk")
    response = client.post(
        reverse("incidents:vendors"),
        {"name": "東京フォレンジック", "categories": ["forensics"], "is_active": "on"},
    )
    assert response.status_code == 302
    incident = report()
    from sonae.incidents.models import Vendor

    vendor = Vendor.objects.get()
    response = client.post(
        reverse("incidents:dispatch", args=[incident.reference]),
        {"vendor": vendor.pk, "category": "forensics", "scope": "感染端末の解析"},
    )
    assert response.status_code == 302
    html = client_for("provider").get(reverse("incidents:tasks", args=[incident.reference])).content.decode()
    assert "東京フォレンジック" in html


@pytest.mark.parametrize("name", ["provider", "agency", "hospital"])
def test_vendor_directory_is_for_the_desk(world, client_for, name):
    assert client_for(name).get(reverse("incidents:vendors")).status_code == 403


# --- hospital notices -----------------------------------------------------------------------------------------


def _sent_notice(world, report):
    incident = report()
    notice = hospital_notice_create(actor=world.actor("provider"), incident=incident)
    return incident, hospital_notice_send(actor=world.actor("provider"), notice=notice)


def test_hospital_sees_and_acknowledges_its_notice(world, report, client_for):
    incident, notice = _sent_notice(world, report)
    client = client_for("hospital")
    assert notice.subject in client.get(reverse("incidents:hospital_notices")).content.decode()
    page = client.get(reverse("incidents:hospital_notice", args=[notice.pk])).content.decode()
    assert "個人情報の漏えい等のおそれに関するご報告" in page
    response = client.post(reverse("incidents:hospital_notice_ack", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    case_html = (
        client_for("provider").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    )
    assert "受領確認" in case_html


def test_other_hospital_gets_404_on_the_notice(world, report, client_for):
    _incident, notice = _sent_notice(world, report)
    client = client_for("hospital_b")
    assert notice.subject not in client.get(reverse("incidents:hospital_notices")).content.decode()
    for page in ("hospital_notice", "hospital_notice_pdf"):
        assert client.get(reverse(f"incidents:{page}", args=[notice.pk])).status_code == 404
    assert client.post(reverse("incidents:hospital_notice_ack", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_hospital_does_not_see_drafts(world, report, client_for):
    incident = report()
    notice = hospital_notice_create(actor=world.actor("provider"), incident=incident)
    assert (
        client_for("hospital").get(reverse("incidents:hospital_notice", args=[notice.pk])).status_code == 404
    )


def test_notice_pdf_downloads(world, report, client_for):
    incident, notice = _sent_notice(world, report)
    response = client_for("hospital").get(reverse("incidents:hospital_notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = client_for("provider").get(
        reverse("incidents:notice_pdf", args=[incident.reference, notice.pk])
    )
    assert response.status_code == 200


def test_case_tabs_include_the_extra_slot(world, report, client_for, settings):
    incident = report()
    html = client_for("provider").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    for label in ("概要", "タスク", "タイムライン", "証拠", "ベンダー", "委託元への通知"):
        assert label in html


def test_provider_search_finds_by_policy_number_through_enrolment(world, client_for, monkeypatch):
    from sonae.enrolment import selectors as enrolment_selectors

    aoba = world.provider_b.organisation.pk
    monkeypatch.setattr(
        enrolment_selectors,
        "provider_ids_by_policy_number",
        lambda text: [aoba] if text == "CY-2025-0042" else [],
    )
    html = (
        client_for("desk").get(reverse("incidents:provider_search"), {"q": "CY-2025-0042"}).content.decode()
    )
    assert "あおば患者搬送株式会社" in html and "さくら" not in html


def _reports_at(world, times):
    cases = []
    for at in times:
        with time_machine.travel(at, tick=False):
            cases.append(
                incident_report(
                    actor=world.actor("provider"),
                    channel="web",
                    provider=world.provider.organisation,
                    symptoms=["other"],
                )
            )
    return cases


def test_queue_puts_answered_cases_after_those_awaiting_a_first_response(world, client_for):
    from sonae.incidents.models import Incident

    first, second = _reports_at(world, [jst(2025, 10, 1, 10, 0), jst(2025, 10, 1, 10, 30)])
    Incident.objects.filter(pk=first.pk).update(first_responded_at=jst(2025, 10, 1, 10, 5))
    with time_machine.travel(jst(2025, 10, 1, 12, 0), tick=False):
        html = client_for("desk").get(reverse("incidents:queue")).content.decode()
    assert html.index(second.reference) < html.index(first.reference)
    assert "期限超過 1件" in html  # only the unanswered one is overdue


def test_queue_is_paged_and_reads_a_fixed_number_of_queries(world, client_for, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sonae.incidents.views import intake

    monkeypatch.setattr(intake, "QUEUE_PAGE_SIZE", 2)
    cases = _reports_at(world, [jst(2025, 10, 1, 10, m) for m in range(0, 25, 5)])
    client = client_for("desk")
    client.get(reverse("incidents:queue"))  # session and caches warm
    with time_machine.travel(jst(2025, 10, 1, 10, 30), tick=False):
        with CaptureQueriesContext(connection) as first_page:
            html = client.get(reverse("incidents:queue")).content.decode()
        page3 = client.get(reverse("incidents:queue") + "?page=3").content.decode()
    assert cases[0].reference in html and cases[1].reference in html and cases[2].reference not in html
    assert "1 / 3" in html and "対応中 5件" in html
    assert cases[4].reference in page3 and cases[0].reference not in page3
    monkeypatch.setattr(intake, "QUEUE_PAGE_SIZE", 4)
    with time_machine.travel(jst(2025, 10, 1, 10, 30), tick=False):
        with CaptureQueriesContext(connection) as bigger_page:
            client.get(reverse("incidents:queue"))
    assert len(bigger_page.captured_queries) == len(first_page.captured_queries)  # no query per row
