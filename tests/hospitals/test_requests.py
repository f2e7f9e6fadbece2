"""The yearly checklist request (one click, every contractor) and its weekly reminders (command and task)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import Notification
from sonae.hospitals import services
from sonae.hospitals.models import ChecklistRequestRecipient

pytestmark = pytest.mark.django_db

DUE = date(2026, 11, 30)


def _send(world, who="hospital"):
    return services.checklist_request_send(actor=world.actor(who), due_date=DUE, message="")


def test_one_click_asks_every_accepted_contractor(world, link_for, django_capture_on_commit_callbacks):
    link_for()
    link_for(provider="provider_b", codes=["patient_transport"])
    link_for(provider="provider_b", hospital="hospital_b")
    with django_capture_on_commit_callbacks(execute=True):
        request = _send(world)
    assert request.fiscal_year == 2026 and request.recipients.count() == 2
    assert "事業者確認用" in request.message
    for provider in ("provider", "provider_b"):
        assert Notification.objects.filter(user=world.user(provider), title__contains="更新依頼").exists()
    assert world.user("provider").email in {m.to[0] for m in mail.outbox}


def test_pending_links_are_not_asked(world, link_for):
    link_for()
    link_for(provider="provider_b", accept=False)
    assert _send(world).recipients.count() == 1


def test_one_request_per_fiscal_year(world, link_for):
    link_for()
    _send(world)
    with pytest.raises(InvalidInput):
        _send(world)


def test_no_request_without_contractors(world):
    with pytest.raises(InvalidInput):
        _send(world)


def test_only_hospital_staff_send_requests(world, link_for):
    link_for()
    for who in ("hospital_viewer", "provider"):
        with pytest.raises(PermissionDenied):
            _send(world, who)


def test_the_button_sends_the_request(world, link_for, client_for):
    link_for()
    response = client_for("hospital").post(
        "/hospitals/checklist-request/", {"due_date": "2026-11-30", "message": "今年度もお願いします。"}
    )
    assert response.status_code == 302
    assert ChecklistRequestRecipient.objects.get().request.message == "今年度もお願いします。"


def _remind(**kwargs) -> dict:
    out = StringIO()
    call_command("hospitals", "remind", stdout=out, **kwargs)
    return json.loads(out.getvalue())


def test_no_reminder_within_the_first_week(world, link_for, _now):
    link_for()
    _send(world)
    _now.shift(timedelta(days=6))
    assert _remind()["sent"] == 0


def test_a_contractor_that_has_not_answered_is_reminded_weekly(
    world, link_for, _now, django_capture_on_commit_callbacks
):
    link_for()
    _send(world)
    _now.shift(timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        summary = _remind()
    assert summary["sent"] == 1 and summary["items"][0]["reminder"] == 1
    assert _remind()["sent"] == 0  # the same week: nothing twice
    _now.shift(timedelta(days=7))
    assert _remind()["sent"] == 1
    assert ChecklistRequestRecipient.objects.get().reminder_count == 2
    assert Notification.objects.filter(user=world.user("provider"), title__contains="【再送】").count() == 2


def test_reminders_after_the_due_date_say_it_has_passed(world, link_for, _now):
    link_for()
    _send(world)
    _now.shift(timedelta(days=60))
    _remind()
    assert Notification.objects.filter(user=world.user("provider"), title__contains="【期限超過】").exists()


def test_an_answer_shared_with_the_hospital_stops_the_reminders(world, link_for, security_records, _now):
    link_for(shared={"checklist": True})
    _send(world)
    _now.shift(timedelta(days=1))
    security_records(world.org("provider"))
    _now.shift(timedelta(days=7))
    summary = _remind()
    assert summary["sent"] == 0 and summary["completed"] == 1
    assert ChecklistRequestRecipient.objects.get().completed_at is not None


def test_an_answer_not_shared_with_the_hospital_does_not_count(world, link_for, security_records, _now):
    link_for()
    _send(world)
    _now.shift(timedelta(days=1))
    security_records(world.org("provider"))
    _now.shift(timedelta(days=7))
    assert _remind()["sent"] == 1


def test_a_dry_run_sends_and_records_nothing(world, link_for, _now):
    link_for()
    _send(world)
    _now.shift(timedelta(days=8))
    summary = _remind(dry_run=True)
    assert summary["dry_run"] and summary["sent"] == 1
    assert ChecklistRequestRecipient.objects.get().reminder_count == 0


def test_the_command_accepts_an_instant(world, link_for):
    link_for()
    _send(world)
    assert _remind(at="2026-10-20T09:00:00+09:00")["date"] == "2026-10-20"


def test_the_task_runs_the_reminders(world, link_for, _now):
    from sonae.hospitals.tasks import send_checklist_reminders

    link_for()
    _send(world)
    _now.shift(timedelta(days=7))
    result = send_checklist_reminders.enqueue()
    assert result.return_value["sent"] == 1
