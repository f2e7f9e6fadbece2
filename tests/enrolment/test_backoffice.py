import json
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from sonae.core.errors import PermissionDenied
from sonae.enrolment.models import ReminderLog
from sonae.enrolment.services import application_accept, deposit_import, reminders_send
from sonae.enrolment.stats import funnel, statistics

from .conftest import jst, member, roster_entry
from .helpers import deposit_csv, drafted, quoted, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(year_2025, sakura, sakura_actor, aoba, aoba_actor, agency_actor, sakura_entry, aoba_entry):
    """sakura: submitted, accepted and paid (policy); aoba: quoted only; one more roster business not quoted."""
    application = submitted(sakura_actor, sakura, year_2025)
    application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
    deposit_import(
        actor=agency_actor,
        file_name="b.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=jst(2025, 9, 11),
    )
    quoted(aoba_actor, aoba, year_2025, annual_sales=250_000_000)
    roster_entry(
        "9" * 13,
        "株式会社ひとり",
        "ヒトリ",
        ("cleaning", date(2025, 2, 1), date(2028, 1, 31)),
        address="北海道札幌市",
    )
    return year_2025


def test_funnel_counts_and_amounts(programme, agency_actor):
    result = funnel(agency_actor, programme, at=jst(2025, 9, 12))
    steps = {s.code: (s.count, s.amount) for s in result.steps}
    assert steps["eligible"] == (3, None)
    assert steps["quoted"] == (2, 112_320 + 53_560)
    assert steps["applied"] == steps["accepted"] == steps["paid"] == steps["policy"] == (1, 112_320)


def test_funnel_lists_overdue_and_at_risk_items(programme, agency_actor):
    at_risk = funnel(agency_actor, programme, at=jst(2025, 9, 12)).at_risk
    assert [(i.kind, i.days_left) for i in at_risk] == [("quote", 4)]
    overdue = funnel(agency_actor, programme, at=jst(2025, 9, 17)).overdue
    assert [i.kind for i in overdue] == ["quote"]


def test_only_the_agency_sees_the_funnel(programme, foundation_actor, sakura_actor):
    for actor in (foundation_actor, sakura_actor):
        with pytest.raises(PermissionDenied):
            funnel(actor, programme, at=jst(2025, 9, 12))


def test_statistics_by_business_and_region_without_amounts(programme, foundation_actor):
    result = statistics(foundation_actor, programme)
    rows = {r.label: (r.certified, r.quoted, r.enrolled) for r in result.by_business}
    assert rows["衛生検査所業務"] == (1, 1, 1)
    assert rows["患者搬送業務"] == (1, 1, 0)
    assert rows["院内清掃業務"] == (1, 0, 0)
    regions = {r.label: r.certified for r in result.by_region}
    assert regions == {"北海道": 1, "関東": 1, "近畿": 1}
    assert (result.total.certified, result.total.enrolled) == (3, 1)
    assert not any(hasattr(r, "amount") or hasattr(r, "premium") for r in result.by_business)


def test_providers_see_no_statistics(programme, sakura_actor):
    with pytest.raises(PermissionDenied):
        statistics(sakura_actor, programme)


@pytest.fixture
def reminder_setup(year_2025, sakura, sakura_actor, aoba, aoba_actor, sakura_entry, aoba_entry):
    drafted(sakura_actor, sakura, year_2025)  # sakura: application still a draft
    return year_2025


def test_reminders_go_7_days_before_to_those_who_have_not_acted(
    reminder_setup, aoba, sakura, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = reminders_send(at=jst(2025, 9, 9, 8))  # 7 days before 9/16
    steps = {(i["organisation"], i["step"]) for i in summary["items"]}
    assert steps == {("sakura-lab", "application"), ("sakura-lab", "payment")}
    assert summary["sent"] == 2
    assert {m.to[0] for m in mail.outbox} == {"staff@sakura-lab.example.jp"}
    assert "2025年9月16日" in mail.outbox[0].body


def test_the_reminders_due_are_found_in_three_queries_however_many_applications(
    reminder_setup, aoba, aoba_actor, django_assert_num_queries
):
    """The quotes, the open applications, their deposits: not one query per application for its payments."""
    from sonae.enrolment.services.reminders import _due

    drafted(aoba_actor, aoba, reminder_setup)  # a second open application, due the same day
    with django_assert_num_queries(3):
        due = _due(reminder_setup, date(2025, 9, 9))
    assert sorted((step, organisation.code) for step, organisation, _deadline, left in due if left == 7) == [
        ("application", "aoba-transport"),
        ("application", "sakura-lab"),
        ("payment", "aoba-transport"),
        ("payment", "sakura-lab"),
    ]


def test_quote_reminders_go_to_eligible_businesses_without_a_quote(year_2025, aoba, aoba_actor, aoba_entry):
    summary = reminders_send(at=jst(2025, 8, 31, 8))  # 1 day before the quote deadline 9/1
    assert [(i["organisation"], i["step"], i["days_before"]) for i in summary["items"]] == [
        ("aoba-transport", "quote", 1)
    ]


def test_reminders_are_not_sent_twice(reminder_setup):
    reminders_send(at=jst(2025, 9, 9, 8))
    again = reminders_send(at=jst(2025, 9, 9, 18))
    assert again["sent"] == 0 and again["skipped"] == 2
    assert ReminderLog.objects.count() == 2


def test_no_reminders_on_other_days(reminder_setup):
    assert reminders_send(at=jst(2025, 9, 10, 8))["sent"] == 0


def test_remind_command_prints_json_and_dry_run_sends_nothing(reminder_setup, capsys):
    call_command("enrolment", "remind", "--at", "2025-09-15T08:00:00+09:00", "--dry-run")
    summary = json.loads(capsys.readouterr().out)
    assert summary["dry_run"] and len(summary["items"]) == 2
    assert mail.outbox == []
    assert ReminderLog.objects.count() == 0


def test_reminder_task_runs_the_same_service(reminder_setup, time_machine):
    from sonae.enrolment.tasks import send_enrolment_reminders

    time_machine.move_to(jst(2025, 9, 15, 8))
    result = send_enrolment_reminders.enqueue()
    assert result.return_value["sent"] == 2


def test_viewer_members_are_not_reminded(reminder_setup, sakura, django_capture_on_commit_callbacks):
    member(sakura, "viewer")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(at=jst(2025, 9, 9, 8))
    assert mail.outbox
    assert all("viewer@" not in m.to[0] for m in mail.outbox)
