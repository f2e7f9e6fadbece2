"""Issue 5 "How we will check it", as a new user would, through the pages."""

import io

import pytest

from sonae.core.models import AuditEvent
from sonae.enrolment.models import Application, Policy, RosterEntry
from sonae.enrolment.selectors import policy_in_force
from tests.pdftext import pdf_text

from .conftest import jst, member
from .test_roster import BAD_ROWS, GOOD_ROWS, roster_csv
from .test_views import QUOTE_POST, login

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes):
    f = io.BytesIO(data)
    f.name = name
    return f


def test_from_roster_to_a_policy_in_force_at_16_00(
    client, time_machine, year_2025, sakura, outsider, agency_actor, foundation_actor
):
    sakura_actor = member(sakura)
    # The foundation publishes the roster (CP932 CSV).
    login(client, foundation_actor)
    response = client.post("/enrolment/roster/upload/", {"file": upload("meibo.csv", roster_csv(*GOOD_ROWS))})
    client.post(response.url, {"action": "commit"})
    assert RosterEntry.objects.get(corporate_number=sakura.corporate_number).organisation == sakura
    client.logout()

    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)
    # A business not on the roster is refused with the reason.
    login(client, member(outsider))
    assert "認定事業者名簿に登録されていない" in client.get("/enrolment/quotes/new/").content.decode()
    client.logout()

    # One on the roster gets a quote PDF with the premium of the shipped table.
    login(client, sakura_actor)
    quote_url = client.post("/enrolment/quotes/new/", QUOTE_POST).url
    text = pdf_text(client.get(quote_url + "pdf/").content)
    assert "112,320円" in text and "193,190円" in text

    # It applies (plan A) and submits on time.
    quote_id = int(quote_url.rstrip("/").split("/")[-1])
    client.post(f"/enrolment/quotes/{quote_id}/apply/", {"plan": "A"})
    application = Application.objects.get(quote_id=quote_id)
    client.post(
        f"/enrolment/applications/{application.pk}/edit/",
        {
            "consent": "on",
            "representative_name": "桜井 一郎",
            "representative_title": "代表取締役",
            "payer_kana": "サクラリンショウケンサ",
            "submit": "1",
        },
    )
    client.logout()

    # The agency accepts and uploads the bank's CP932 deposit list; the deposit is matched.
    time_machine.move_to(jst(2025, 9, 10, 10), tick=False)
    login(client, agency_actor)
    client.post(f"/enrolment/applications/{application.pk}/review/", {"decision": "accept"})
    bank = '入金日,振込依頼人名,金額\r\n2025/09/10,ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ,"112,320"\r\n'.encode("cp932")
    client.post("/enrolment/payments/upload/", {"file": upload("nyukin.csv", bank)})
    policy = Policy.objects.get(application=application)

    # The policy is in force from 2025-10-01 16:00:00 JST, not a second before.
    assert policy_in_force(sakura, jst(2025, 10, 1, 15, 59, 59)) is None
    assert policy_in_force(sakura, jst(2025, 10, 1, 16, 0, 0)) == policy
    client.logout()
    login(client, sakura_actor)
    assert "加入者証" in pdf_text(client.get(f"/enrolment/policies/{policy.pk}/certificate/").content)


def test_deadlines_provider_cannot_submit_after_9_16_and_late_acceptance_is_audited(
    client, time_machine, year_2025, sakura, sakura_entry, agency_actor
):
    sakura_actor = member(sakura)
    time_machine.move_to(jst(2025, 8, 20, 10), tick=False)
    login(client, sakura_actor)
    quote_url = client.post("/enrolment/quotes/new/", QUOTE_POST).url
    quote_id = int(quote_url.rstrip("/").split("/")[-1])
    client.post(f"/enrolment/quotes/{quote_id}/apply/", {"plan": "A"})
    application = Application.objects.get(quote_id=quote_id)
    client.post(
        f"/enrolment/applications/{application.pk}/edit/",
        {"consent": "on", "representative_name": "桜井 一郎", "save": "1"},
    )

    time_machine.move_to(jst(2025, 9, 17, 0, 0, 0), tick=False)
    client.post(f"/enrolment/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    client.logout()

    login(client, agency_actor)
    review = f"/enrolment/applications/{application.pk}/review/"
    client.post(review, {"decision": "accept", "reason": ""})
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    client.post(review, {"decision": "accept", "reason": "9/16消印の郵送書類を9/17に受領"})
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    event = AuditEvent.objects.get(action="application.accepted", target_id=str(application.pk))
    assert event.reason == "9/16消印の郵送書類を9/17に受領" and event.data["late"] is True


def test_a_roster_file_with_bad_rows_reports_each_line_and_commits_nothing_unless_asked(
    client, foundation_actor
):
    login(client, foundation_actor)
    response = client.post(
        "/enrolment/roster/upload/", {"file": upload("meibo.csv", roster_csv(*GOOD_ROWS, *BAD_ROWS))}
    )
    page = client.get(response.url).content.decode()
    assert "5行目" in page and "検査用数字" in page  # wrong check digit
    assert "6行目" in page and "11の認定業務" in page  # unknown 業務
    assert "7行目" in page and "存在しない日付" in page  # bad date
    client.post(response.url, {"action": "commit"})
    assert RosterEntry.objects.count() == 0
