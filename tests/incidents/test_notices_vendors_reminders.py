"""Hospital notices, vendor dispatch, notifications and the due-date reminders."""

import json
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from sonae.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from sonae.incidents.models import Task
from sonae.incidents.services import (
    hospital_notice_acknowledge,
    hospital_notice_create,
    hospital_notice_send,
    hospital_notice_update,
    task_assign,
    task_reminders_send,
    vendor_create,
    vendor_dispatch,
    vendor_update,
)
from tests.incidents.conftest import jst

# --- hospital notices ------------------------------------------------------------------------------------------


def test_notice_letter_is_prefilled_from_the_case(world, report):
    incident = report()
    notice = hospital_notice_create(actor=world.actor("provider"), incident=incident)
    assert notice.hospital == world.hospital.organisation
    assert notice.recipient_name == "みなと総合病院"
    text = notice.letter_text
    for expected in (
        "みなと総合病院 御中",
        incident.reference,
        "ランサムウェア",
        "検査結果",
        "約5,000人",
        "株式会社さくら臨床検査",
    ):
        assert expected in text, expected
    assert notice.state == "draft"


def test_notice_only_for_entrusted_data(world, report):
    with pytest.raises(InvalidInput):
        hospital_notice_create(actor=world.actor("provider"), incident=report(data_owner="own"))


def test_sending_notifies_the_hospital_with_the_pdf(
    world, report, mailoutbox, django_capture_on_commit_callbacks
):
    notice = hospital_notice_create(actor=world.actor("provider"), incident=report())
    with django_capture_on_commit_callbacks(execute=True):
        notice = hospital_notice_send(actor=world.actor("desk"), notice=notice)
    assert notice.sent_at is not None
    mails = [m for m in mailoutbox if m.to == [world.user("hospital").email]]
    assert len(mails) == 1
    filename, content, mimetype = mails[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert world.user("hospital").notifications.exists()
    assert not world.user("hospital_b").notifications.exists()


def test_a_sent_notice_is_not_edited_or_sent_twice(world, report):
    notice = hospital_notice_create(actor=world.actor("provider"), incident=report())
    notice = hospital_notice_send(actor=world.actor("provider"), notice=notice)
    with pytest.raises(IllegalTransition):
        hospital_notice_update(actor=world.actor("provider"), notice=notice, subject="x", letter_text="y")
    with pytest.raises(IllegalTransition):
        hospital_notice_send(actor=world.actor("provider"), notice=notice)


def test_unregistered_hospital_gets_the_pdf_not_an_in_app_notice(world, report):
    incident = report(entrusting_hospital=None, entrusting_party_name="ひまわりクリニック")
    notice = hospital_notice_create(actor=world.actor("provider"), incident=incident)
    assert notice.recipient_name == "ひまわりクリニック"
    with pytest.raises(InvalidInput):
        hospital_notice_send(actor=world.actor("provider"), notice=notice)


def test_acknowledgement_is_recorded_and_the_provider_told(world, report):
    incident = report()
    notice = hospital_notice_send(
        actor=world.actor("provider"),
        notice=hospital_notice_create(actor=world.actor("provider"), incident=incident),
    )
    with time_machine.travel(jst(2030, 1, 7, 10, 15), tick=False):
        notice = hospital_notice_acknowledge(actor=world.actor("hospital"), notice=notice)
    assert notice.acknowledged_at == jst(2030, 1, 7, 10, 15)
    assert notice.acknowledged_by == world.user("hospital")
    assert incident.timeline.filter(kind="notice", text__contains="受領を確認").exists()
    assert world.user("provider").notifications.filter(title__contains="受領を確認").exists()
    with pytest.raises(IllegalTransition):
        hospital_notice_acknowledge(actor=world.actor("hospital"), notice=notice)


def test_only_the_addressed_hospital_acknowledges(world, report):
    notice = hospital_notice_send(
        actor=world.actor("provider"),
        notice=hospital_notice_create(actor=world.actor("provider"), incident=report()),
    )
    with pytest.raises(NotFound):
        hospital_notice_acknowledge(actor=world.actor("hospital_b"), notice=notice)
    for name in ("provider", "desk", "agency"):
        with pytest.raises(PermissionDenied):
            hospital_notice_acknowledge(actor=world.actor(name), notice=notice)


def test_a_draft_cannot_be_acknowledged(world, report):
    notice = hospital_notice_create(actor=world.actor("provider"), incident=report())
    with pytest.raises(NotFound):
        hospital_notice_acknowledge(actor=world.actor("hospital"), notice=notice)


def test_other_provider_cannot_prepare_notices(world, report):
    with pytest.raises(PermissionDenied):
        hospital_notice_create(actor=world.actor("provider_b"), incident=report())


# --- vendors -----------------------------------------------------------------------------------------------------


@pytest.fixture
def forensics(world):
    return vendor_create(
        actor=world.actor("desk"), name="東京フォレンジック", categories=["forensics", "data_recovery"]
    )


def test_dispatch_creates_a_vendor_task_visible_to_the_provider(world, report, forensics):
    incident = report()
    dispatch = vendor_dispatch(
        actor=world.actor("desk"),
        incident=incident,
        vendor=forensics,
        category="forensics",
        due_date=date(2030, 1, 10),
    )
    task = dispatch.task
    assert (task.owner_vendor, task.coverage_item, task.phase) == (
        forensics,
        "investigation",
        "investigation",
    )
    from sonae.incidents.selectors import tasks_for

    assert task in tasks_for(world.actor("provider"), incident)
    assert world.user("provider").notifications.filter(title__contains="ベンダー").exists()
    incident.refresh_from_db()
    assert incident.first_responded_at is not None


def test_dispatch_outside_the_vendors_fields_is_refused(world, report, forensics):
    with pytest.raises(InvalidInput) as info:
        vendor_dispatch(actor=world.actor("desk"), incident=report(), vendor=forensics, category="legal")
    assert info.value.field == "category"


def test_inactive_vendor_cannot_be_dispatched(world, report, forensics):
    vendor_update(actor=world.actor("desk"), vendor=forensics, is_active=False)
    with pytest.raises(InvalidInput):
        vendor_dispatch(actor=world.actor("desk"), incident=report(), vendor=forensics, category="forensics")


@pytest.mark.parametrize("name", ["provider", "agency", "insurer"])
def test_only_the_desk_dispatches_and_manages_vendors(world, report, forensics, name):
    with pytest.raises(PermissionDenied):
        vendor_dispatch(actor=world.actor(name), incident=report(), vendor=forensics, category="forensics")
    with pytest.raises(PermissionDenied):
        vendor_create(actor=world.actor(name), name="x", categories=["legal"])


def test_vendor_needs_a_known_category(world):
    with pytest.raises(InvalidInput) as info:
        vendor_create(actor=world.actor("desk"), name="x", categories=["catering"])
    assert info.value.field == "categories"


def test_vendor_task_owner_cannot_be_reassigned(world, report, forensics):
    dispatch = vendor_dispatch(
        actor=world.actor("desk"), incident=report(), vendor=forensics, category="forensics"
    )
    with pytest.raises(PermissionDenied):
        task_assign(actor=world.actor("desk"), task=dispatch.task, owner_organisation=world.desk.organisation)


# --- reminders ---------------------------------------------------------------------------------------------------


def _owned_task(world, report, due: date) -> Task:
    task = report().tasks.first()
    Task.objects.filter(pk=task.pk).update(
        due_date=due, owner_organisation=world.provider.organisation, owner_user=world.user("provider")
    )
    task.refresh_from_db()
    return task


def test_reminder_goes_out_one_business_day_before_due(
    world, report, mailoutbox, django_capture_on_commit_callbacks
):
    task = _owned_task(world, report, date(2025, 9, 16))  # Tuesday; Monday 9/15 is a holiday
    Task.objects.exclude(pk=task.pk).delete()
    with time_machine.travel(jst(2025, 9, 11, 9, 0), tick=False):  # Thursday: too early
        assert task_reminders_send(now=jst(2025, 9, 11, 9, 0)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert task_reminders_send(now=jst(2025, 9, 12, 9, 0)) == 1  # Friday, the business day before
    assert [m.to for m in mailoutbox] == [[world.user("provider").email]]
    assert "期限" in mailoutbox[0].subject


def test_each_due_date_is_reminded_once(world, report):
    task = _owned_task(world, report, date(2025, 10, 2))
    Task.objects.exclude(pk=task.pk).delete()
    assert task_reminders_send(now=jst(2025, 10, 1, 9, 0)) == 1
    assert task_reminders_send(now=jst(2025, 10, 1, 15, 0)) == 0
    Task.objects.filter(pk=task.pk).update(due_date=date(2025, 10, 7))
    assert task_reminders_send(now=jst(2025, 10, 6, 9, 0)) == 1


def test_done_and_past_tasks_are_not_reminded(world, report):
    done = _owned_task(world, report, date(2025, 10, 2))
    Task.objects.filter(pk=done.pk).update(status="done")
    past = _owned_task(world, report, date(2025, 9, 30))
    Task.objects.exclude(pk__in=[done.pk, past.pk]).delete()
    assert task_reminders_send(now=jst(2025, 10, 1, 9, 0)) == 0


def test_task_without_a_person_reminds_its_organisations_staff(world, report):
    task = report().tasks.first()
    Task.objects.exclude(pk=task.pk).delete()
    Task.objects.filter(pk=task.pk).update(
        due_date=date(2025, 10, 2), owner_organisation=world.desk.organisation
    )
    assert task_reminders_send(now=jst(2025, 10, 1, 9, 0)) == 1
    assert world.user("desk").notifications.filter(title__contains="期限").exists()


def test_remind_command_prints_json(world, report):
    task = _owned_task(world, report, date(2025, 10, 2))
    Task.objects.exclude(pk=task.pk).delete()
    out = StringIO()
    with time_machine.travel(jst(2025, 10, 1, 9, 0), tick=False):
        call_command("incidents", "remind", stdout=out)
    assert json.loads(out.getvalue()) == {"reminded": 1}


def test_reminder_task_runs_on_the_task_backend(world, report):
    from sonae.incidents.tasks import send_task_reminders

    task = _owned_task(world, report, date(2025, 10, 2))
    Task.objects.exclude(pk=task.pk).delete()
    with time_machine.travel(jst(2025, 10, 1, 9, 0), tick=False):
        result = send_task_reminders.enqueue()
    assert result.return_value == 1
