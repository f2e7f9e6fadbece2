"""The events the other apps emit: who receives them, and that payloads hold references and statuses only."""

from __future__ import annotations

import json
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import time_machine

from sonae.core.actors import Actor
from sonae.jp.calendar import TOKYO
from sonae.webhooks.models import Delivery
from tests.factories import enrol_totp, member

PERSONAL = "山田太郎"  # a name typed into free-text fields: must never reach a payload


@pytest.fixture
def orgs(db):
    provider = member("provider", "admin", code="sakura")
    desk = member("desk", "staff", code="desk")
    hospital = member("hospital", "admin", code="minato")
    insurer = member("insurer", "admin", code="insurer")
    enrol_totp(desk.user)
    return SimpleNamespace(provider=provider, desk=desk, hospital=hospital, insurer=insurer)


@pytest.fixture
def listen(orgs):
    """``listen(*names)``: give those organisations an endpoint subscribed to every event."""
    from sonae.webhooks.events import EVENTS
    from sonae.webhooks.services import endpoint_create

    def make(*names):
        for name in names:
            membership = getattr(orgs, name)
            admin = member(membership.organisation.kind, "admin", code=f"{name}-x")
            admin.organisation = membership.organisation
            admin.save(update_fields=["organisation"])
            endpoint_create(
                actor=Actor.from_membership(admin),
                name=f"{name} の連携",
                url="https://hooks.example.jp/" + name,
                event_types=list(EVENTS),
            )

    return make


@pytest.fixture
def incident(orgs):
    from sonae.incidents.services import incident_report

    return incident_report(
        actor=Actor.from_membership(orgs.provider),
        channel="web",
        provider=orgs.provider.organisation,
        symptoms=["ransom_message"],
        title=f"{PERSONAL}さんの検査結果が暗号化された",
        description=f"{PERSONAL}（患者）から連絡",
        data_items=["name", "test_results"],
        persons_estimate=100,
        data_owner="entrusted",
        entrusting_hospital=orgs.hospital.organisation,
    )


def _documents(event_type: str) -> dict[str, dict]:
    """Body of each delivery of ``event_type`` by receiving organisation code."""
    found = {}
    for delivery in Delivery.objects.filter(event_type=event_type).select_related("organisation"):
        assert PERSONAL not in delivery.body
        found[delivery.organisation.code] = json.loads(delivery.body)
    return found


def test_incident_created_goes_to_the_provider_only(orgs, listen):
    from sonae.incidents.services import incident_report

    listen("provider", "hospital", "desk")
    incident = incident_report(
        actor=Actor.from_membership(orgs.provider),
        channel="web",
        provider=orgs.provider.organisation,
        symptoms=["ransom_message"],
        title=f"{PERSONAL}の件",
        data_items=["name"],
        data_owner="entrusted",
        entrusting_hospital=orgs.hospital.organisation,
    )
    documents = _documents("incident.created")
    assert list(documents) == ["sakura"]
    data = documents["sakura"]["data"]
    assert data["incident"]["reference"] == incident.reference
    assert data["incident"]["status"] == "reported"
    assert data["channel"] == "web"


def test_status_changes_by_triage_and_transition_are_emitted(orgs, listen, incident):
    from sonae.incidents.services import incident_transition, incident_triage

    listen("provider")
    desk = Actor.from_membership(orgs.desk)
    incident_triage(actor=desk, incident=incident, symptoms=["ransom_message"])
    incident_transition(actor=desk, incident=incident, to_status="responding")
    moves = [
        (d["data"]["from"], d["data"]["to"])
        for d in (json.loads(x.body) for x in Delivery.objects.filter(event_type="incident.status_changed"))
    ]
    assert sorted(moves) == sorted([("reported", "triaged"), ("triaged", "responding")])


def test_task_assigned_goes_to_the_provider_and_the_owner(orgs, listen, incident):
    from sonae.incidents.services import task_assign

    listen("provider", "desk")
    task = incident.tasks.filter(owner_vendor=None).first()
    task_assign(actor=Actor.from_membership(orgs.desk), task=task, owner_organisation=orgs.desk.organisation)
    documents = _documents("task.assigned")
    assert set(documents) == {"sakura", "desk"}
    assert documents["desk"]["data"]["task"]["id"] == task.pk
    assert documents["desk"]["data"]["task"]["owner_organisation"] == "desk"
    assert "title" not in documents["desk"]["data"]["task"]


def test_notice_acknowledged_goes_to_the_provider_and_the_hospital(orgs, listen, incident):
    from sonae.incidents.services import (
        hospital_notice_acknowledge,
        hospital_notice_create,
        hospital_notice_send,
    )

    provider = Actor.from_membership(orgs.provider)
    notice = hospital_notice_create(actor=provider, incident=incident)
    notice = hospital_notice_send(actor=provider, notice=notice)
    listen("provider", "hospital", "insurer")
    hospital_notice_acknowledge(actor=Actor.from_membership(orgs.hospital), notice=notice)
    documents = _documents("notice.acknowledged")
    assert set(documents) == {"sakura", "minato"}
    assert documents["minato"]["data"]["notice"] == {
        "id": notice.pk,
        "hospital": "minato",
        "sent_at": documents["minato"]["data"]["notice"]["sent_at"],
        "acknowledged_at": documents["minato"]["data"]["notice"]["acknowledged_at"],
    }


def test_claim_status_changed_goes_to_the_provider_and_the_insurer(orgs, listen, incident):
    from sonae.webhooks.emitters import claim_status_changed

    listen("provider", "insurer", "hospital")
    claim = SimpleNamespace(number="CLM-2025-00001", status="submitted", incident=incident)
    claim_status_changed(claim, from_status="draft")
    claim_status_changed(claim, from_status="submitted")  # no change: nothing
    documents = _documents("claim.status_changed")
    assert set(documents) == {"sakura", "insurer"}
    assert documents["insurer"]["data"]["claim"] == {
        "number": "CLM-2025-00001",
        "from": "draft",
        "to": "submitted",
    }


def _duty(incident, due: date):
    from sonae.duties.models import DutyAssessment, DutyItem

    assessment = DutyAssessment.objects.create(incident=incident, version=1, facts={}, result={})
    return DutyItem.objects.create(
        incident=incident, kind="ppc_preliminary", assessment=assessment, due_date=due, due_type="target"
    )


def test_duty_due_today_is_emitted_by_the_reminder_run(orgs, listen, incident):
    from sonae.duties.reminders import duty_reminders_send

    listen("provider")
    item = _duty(incident, date(2026, 3, 16))
    now = datetime(2026, 3, 16, 9, 0, tzinfo=TOKYO)
    with time_machine.travel(now, tick=False):
        assert duty_reminders_send(now=now) == 1
    data = _documents("duty.due_soon")["sakura"]["data"]
    assert data["duty"] == {
        "id": item.pk,
        "kind": "ppc_preliminary",
        "due_date": "2026-03-16",
        "due_type": "target",
    }
    assert data["reminder"] == "on_day"


def test_duty_overdue_is_emitted_once_per_due_date(orgs, listen, incident):
    from sonae.webhooks.emitters import duties_overdue_sweep

    listen("provider")
    item = _duty(incident, date(2026, 3, 16))
    assert duties_overdue_sweep(now=datetime(2026, 3, 16, 23, 0, tzinfo=TOKYO)) == 0  # due today: not yet
    after = datetime(2026, 3, 17, 9, 0, tzinfo=TOKYO)
    assert duties_overdue_sweep(now=after) == 1
    duties_overdue_sweep(now=after)
    assert Delivery.objects.filter(event_type="duty.overdue").count() == 1
    item.due_date = date(2026, 3, 18)  # a new date is a new deadline to miss
    item.save(update_fields=["due_date"])
    duties_overdue_sweep(now=datetime(2026, 3, 19, 9, 0, tzinfo=TOKYO))
    assert Delivery.objects.filter(event_type="duty.overdue").count() == 2


def test_sweep_command_prints_json(db, capsys):
    from django.core.management import call_command

    call_command("webhooks", "sweep")
    assert json.loads(capsys.readouterr().out) == {"requeued": 0, "overdue_checked": 0, "pruned": 0}
