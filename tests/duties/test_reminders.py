"""Reminders of legal-duty dates: one business day before and on the day, each once."""

from __future__ import annotations

from datetime import date

import pytest

from tests.duties.conftest import LOST_BAG, jst

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    from sonae.core.models import Notification

    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


@pytest.mark.parametrize(
    ("due", "before"),
    [
        (date(2026, 3, 14), date(2026, 3, 13)),  # Saturday target: reminded on Friday
        (date(2026, 3, 16), date(2026, 3, 13)),  # Monday: the Friday before
        (date(2026, 5, 7), date(2026, 5, 1)),  # after Golden Week (5/2–5/6 closed, 5/6 substitute holiday)
        (date(2027, 1, 4), date(2026, 12, 28)),  # after the year-end closure 12/29–1/3
    ],
)
def test_the_day_before_is_the_previous_business_day(due, before):
    from sonae.duties.reminders import reminder_days

    assert reminder_days(due) == (before, due)


def test_reminders_go_one_business_day_before_and_on_the_day_once_each(world, incident, assess_case, clock):
    from sonae.duties.reminders import duty_reminders_send

    assess_case(incident)  # 速報 target and hospital notice target: Saturday 2026-03-14
    staff = world.user("provider")
    clock.move_to(jst(2026, 3, 12, 9, 0))
    assert duty_reminders_send(now=jst(2026, 3, 12, 9, 0)) == 0
    clock.move_to(jst(2026, 3, 13, 9, 0))
    assert duty_reminders_send(now=jst(2026, 3, 13, 9, 0)) == 2
    assert duty_reminders_send(now=jst(2026, 3, 13, 15, 0)) == 0
    titles = _titles(staff)
    assert "法的対応の目安が近づいています（2026年3月14日（土））: 個人情報保護委員会への速報" in titles
    assert "法的対応の目安が近づいています（2026年3月14日（土））: 委託元への通知" in titles
    clock.move_to(jst(2026, 3, 14, 8, 0))
    assert duty_reminders_send(now=jst(2026, 3, 14, 8, 0)) == 2
    assert duty_reminders_send(now=jst(2026, 3, 14, 12, 0)) == 0
    assert "本日が法的対応の目安です: 委託元への通知" in _titles(staff)


def test_a_done_duty_is_not_reminded(world, incident, assess_case, clock):
    from sonae.duties.models import DutyItem
    from sonae.duties.reminders import duty_reminders_send
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    clock.move_to(jst(2026, 3, 13, 9, 0))
    item = DutyItem.objects.get(incident=incident, kind="ppc_preliminary")
    duty_mark_done(actor=world.actor("provider"), item=item, done_at=jst(2026, 3, 13, 8, 30))
    assert duty_reminders_send(now=jst(2026, 3, 13, 9, 0)) == 1  # the hospital notice only


def test_a_final_deadline_is_reminded_as_a_deadline(world, incident, assess_case, clock):
    from sonae.duties.reminders import duty_reminders_send

    assess_case(incident, {**LOST_BAG, "entrusting_party_notified_at": None})
    clock.move_to(jst(2026, 4, 7, 9, 0))  # 確報 due Wednesday 2026-04-08
    assert duty_reminders_send(now=jst(2026, 4, 7, 9, 0)) == 1
    assert "法的対応の期限が近づいています（2026年4月8日（水））: 個人情報保護委員会への確報" in _titles(
        world.user("provider")
    )


def test_the_desks_task_reminder_does_not_repeat_the_day_before_reminder(world, incident, assess_case, clock):
    from sonae.duties.models import DutyItem
    from sonae.duties.reminders import duty_reminders_send
    from sonae.incidents.services import task_reminders_send

    assess_case(incident)
    clock.move_to(jst(2026, 3, 13, 9, 0))
    duty_reminders_send(now=jst(2026, 3, 13, 9, 0))
    task_reminders_send(now=jst(2026, 3, 13, 9, 30))
    titles = _titles(world.user("provider"))
    assert not any("タスクの期限が近づいています" in t and "法的対応" in t for t in titles)
    task = DutyItem.objects.get(incident=incident, kind="ppc_preliminary").task
    assert task.reminded_for == date(2026, 3, 14)


def test_the_background_task_sends_the_due_reminders(world, incident, assess_case, clock):
    from sonae.duties.tasks import send_duty_reminders

    assess_case(incident)
    clock.move_to(jst(2026, 3, 14, 9, 0))
    result = send_duty_reminders.enqueue()
    assert result.return_value == 2


def test_remind_command_prints_the_number_sent(capsys):
    from django.core.management import call_command

    call_command("duties", "remind")
    import json

    assert json.loads(capsys.readouterr().out) == {"reminded": 0}


def test_assess_without_a_file_exits_2_with_the_envelope(capsys):
    import json

    from django.core.management import call_command

    with pytest.raises(SystemExit) as exit_info:
        call_command("duties", "assess")
    assert exit_info.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]["field"] == "file"
