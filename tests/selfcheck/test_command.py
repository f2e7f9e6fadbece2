import json
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from sonae.core.models import Notification
from sonae.jp.calendar import TOKYO
from sonae.selfcheck import services
from sonae.selfcheck.tasks import send_bcp_review_reminders
from tests.selfcheck.conftest import complete_bcp_rows

pytestmark = pytest.mark.django_db


def _adopted(admin_actor):
    with time_machine.travel(datetime(2025, 9, 1, 10, tzinfo=TOKYO), tick=False):
        plan = services.bcp_start(actor=admin_actor)
        for section, rows in complete_bcp_rows().items():
            services.bcp_update_section(actor=admin_actor, plan=plan, section=section, rows=rows)
        return services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")


def _run(*args) -> dict:
    out = StringIO()
    call_command("selfcheck", *args, stdout=out)
    return json.loads(out.getvalue())


def test_remind_prints_the_organisations_reminded_as_json(admin_actor):
    _adopted(admin_actor)
    result = _run("remind", "--date", "2026-08-20")
    assert result == {
        "reminded": [
            {"organisation": "prov-sakura", "due": "2026-09-01", "state": "due_soon", "notified": 1}
        ],
        "count": 1,
    }
    assert _run("remind", "--date", "2026-08-21") == {"reminded": [], "count": 0}


def test_remind_with_a_bad_date_exits_2_with_the_error_envelope(admin_actor):
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("selfcheck", "remind", "--date", "2026/08/20", stdout=out)
    assert exc.value.code == 2
    assert json.loads(out.getvalue())["error"]["code"] == "invalid_input"


def test_the_task_sends_the_reminders(admin_actor):
    _adopted(admin_actor)
    with time_machine.travel(datetime(2026, 9, 5, 10, tzinfo=TOKYO), tick=False):
        result = send_bcp_review_reminders.enqueue()
    assert result.return_value == 1
    assert Notification.objects.filter(user=admin_actor.user, title__contains="期限を過ぎています").exists()
