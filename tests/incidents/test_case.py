"""The response case: triage, the status lifecycle, facts, tasks, notes and calls."""

from datetime import date

import pytest
import time_machine

from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.incidents.models import STATUS_TRANSITIONS, Status
from sonae.incidents.services import (
    call_add,
    incident_transition,
    incident_triage,
    incident_update_facts,
    note_add,
    task_assign,
    task_create,
    task_update,
)
from tests.incidents.conftest import jst

# --- transitions -------------------------------------------------------------------------------------------------

LEGAL_PATH = ["triaged", "responding", "recovering", "closed"]


def test_the_desk_moves_a_case_along_the_whole_lifecycle(world, report):
    incident = report()
    for status in LEGAL_PATH:
        incident = incident_transition(actor=world.actor("desk"), incident=incident, to_status=status)
        assert incident.status == status
    assert incident.closed_at is not None
    moves = [e.data for e in AuditEvent.objects.filter(action="incident.status_changed").order_by("id")]
    assert [m["to"] for m in moves] == LEGAL_PATH
    assert incident.timeline.filter(kind="status").count() == 4


ILLEGAL = [
    (current, target)
    for current in Status.values
    for target in Status.values
    if target not in STATUS_TRANSITIONS[current] and target != current
]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_illegal_transitions_raise_and_change_nothing(world, report, current, target):
    from sonae.incidents.models import Incident

    incident = report()
    Incident.objects.filter(pk=incident.pk).update(status=current)
    incident.refresh_from_db()
    with pytest.raises(IllegalTransition):
        incident_transition(actor=world.actor("desk"), incident=incident, to_status=target, reason="理由")
    incident.refresh_from_db()
    assert incident.status == current


def test_closed_and_withdrawn_are_final(world):
    assert STATUS_TRANSITIONS["closed"] == frozenset() and STATUS_TRANSITIONS["withdrawn"] == frozenset()


def test_withdrawal_needs_a_reason(world, report):
    with pytest.raises(InvalidInput) as info:
        incident_transition(actor=world.actor("desk"), incident=report(), to_status="withdrawn")
    assert info.value.field == "reason"


def test_provider_may_withdraw_its_own_report_while_reported(world, report):
    incident = incident_transition(
        actor=world.actor("provider"), incident=report(), to_status="withdrawn", reason="誤報でした"
    )
    assert incident.status == "withdrawn"


def test_provider_may_not_move_a_case_forward(world, report):
    with pytest.raises(PermissionDenied):
        incident_transition(actor=world.actor("provider"), incident=report(), to_status="triaged")


def test_provider_may_not_withdraw_once_the_desk_works_on_it(world, report):
    incident = incident_transition(actor=world.actor("desk"), incident=report(), to_status="triaged")
    with pytest.raises(IllegalTransition):
        incident_transition(
            actor=world.actor("provider"), incident=incident, to_status="withdrawn", reason="x"
        )


def test_other_provider_may_not_withdraw(world, report):
    with pytest.raises(PermissionDenied):
        incident_transition(
            actor=world.actor("provider_b"), incident=report(), to_status="withdrawn", reason="x"
        )


@pytest.mark.parametrize("name", ["agency", "insurer", "hospital", "foundation"])
def test_only_the_desk_transitions(world, report, name):
    with pytest.raises(PermissionDenied):
        incident_transition(actor=world.actor(name), incident=report(), to_status="triaged")


def test_desk_transition_notifies_the_provider(world, report):
    incident = incident_transition(actor=world.actor("desk"), incident=report(), to_status="triaged")
    assert world.user("provider").notifications.filter(title__contains="トリアージ済み").exists()
    assert incident.first_responded_at is not None


# --- triage and facts --------------------------------------------------------------------------------------------


def test_desk_triage_confirms_and_counts_as_first_response(world, report):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=False):
        incident = report()
    with time_machine.travel(jst(2025, 10, 1, 10, 20), tick=False):
        incident = incident_triage(actor=world.actor("desk"), incident=incident, symptoms=["ransom_message"])
    assert incident.status == "triaged"
    assert incident.first_responded_at == jst(2025, 10, 1, 10, 20)
    assert incident.timeline.filter(kind="triage").count() == 2


def test_triage_overrides_are_kept(world, report):
    incident = incident_triage(
        actor=world.actor("desk"), incident=report(), symptoms=["ransom_message"], severity=3, cause="malware"
    )
    assert (incident.severity, incident.cause) == (3, "malware")


def test_triage_to_another_category_adds_that_playbook(world, report):
    incident = report(symptoms=["other"], data_owner="own", data_items=[], persons_estimate=None)
    before = incident.tasks.count()
    incident = incident_triage(
        actor=world.actor("desk"),
        incident=incident,
        symptoms=["misdelivery"],
        data_items=["name", "diet_order"],
        persons_estimate=2,
    )
    assert incident.category == "misdelivery" and incident.playbook.code == "misdelivery"
    titles = set(incident.tasks.values_list("title", flat=True))
    assert "誤送付先への連絡と回収・削除の依頼" in titles
    assert incident.tasks.count() > before


def test_triage_is_for_the_desk(world, report):
    with pytest.raises(PermissionDenied):
        incident_triage(actor=world.actor("provider"), incident=report(), symptoms=["other"])


def test_triage_refuses_unknown_category(world, report):
    with pytest.raises(InvalidInput) as info:
        incident_triage(actor=world.actor("desk"), incident=report(), symptoms=["other"], category="meteor")
    assert info.value.field == "category"


def test_facts_update_adds_steps_that_now_apply_and_recomputes_severity(world, report):
    incident = report(symptoms=["lost_or_stolen"], data_owner="unknown", data_items=[], persons_estimate=None)
    assert incident.severity == 3
    incident = incident_update_facts(
        actor=world.actor("provider"),
        incident=incident,
        data_items=["name", "ward", "hospital_visit"],
        persons_estimate=30,
        data_owner="entrusted",
        entrusting_hospital=world.hospital_b.organisation,
    )
    assert incident.severity == 2
    titles = set(incident.tasks.values_list("title", flat=True))
    assert {"委託元（医療機関）への報告", "本人へのお詫び状の送付"} <= titles
    event = incident.timeline.filter(kind="facts").get()
    assert "対象人数" in event.text
    assert world.user("desk").notifications.filter(title__contains="事実が更新").exists()


def test_facts_of_a_closed_case_cannot_change(world, report):
    incident = incident_transition(
        actor=world.actor("provider"), incident=report(), to_status="withdrawn", reason="誤報"
    )
    with pytest.raises(IllegalTransition):
        incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=3)


def test_cause_is_set_by_the_desk_only(world, report):
    with pytest.raises(PermissionDenied):
        incident_update_facts(actor=world.actor("provider"), incident=report(), cause="theft")
    incident = incident_update_facts(actor=world.actor("desk"), incident=report(), cause="theft")
    assert incident.cause == "theft"


def test_viewers_cannot_update_facts(world, report, make_member):
    from sonae.core.actors import Actor

    viewer = make_member("provider", "viewer")
    viewer.organisation = world.provider.organisation
    viewer.save()
    with pytest.raises(PermissionDenied):
        incident_update_facts(actor=Actor.from_membership(viewer), incident=report(), persons_estimate=1)


# --- tasks -------------------------------------------------------------------------------------------------------


def test_task_assignment_emails_the_owner_after_commit(
    world, report, mailoutbox, django_capture_on_commit_callbacks
):
    incident = report()
    task = incident.tasks.first()
    with django_capture_on_commit_callbacks(execute=True):
        task_assign(
            actor=world.actor("desk"),
            task=task,
            owner_organisation=world.provider.organisation,
            owner_user=world.user("provider"),
        )
    mails = [m for m in mailoutbox if m.to == [world.user("provider").email]]
    assert len(mails) == 1 and task.title in mails[0].subject
    assert world.user("provider").notifications.filter(title__contains=task.title).exists()
    assert incident.timeline.filter(kind="task", text__contains="担当").exists()


def test_task_owner_must_belong_to_the_case(world, report):
    task = report().tasks.first()
    with pytest.raises(InvalidInput):
        task_assign(actor=world.actor("desk"), task=task, owner_organisation=world.provider_b.organisation)
    with pytest.raises(InvalidInput):
        task_assign(
            actor=world.actor("desk"),
            task=task,
            owner_organisation=world.provider.organisation,
            owner_user=world.user("desk"),
        )


def test_task_create_and_complete(world, report):
    incident = report()
    task = task_create(
        actor=world.actor("provider"),
        incident=incident,
        title="取引先への説明",
        due_date=date(2025, 10, 3),
        coverage_item="legal_advice",
    )
    task = task_update(actor=world.actor("provider"), task=task, status="done")
    assert task.completed_at is not None
    assert incident.timeline.filter(kind="task", text__contains="完了").exists()


def test_task_refuses_unknown_coverage_item(world, report):
    with pytest.raises(InvalidInput) as info:
        task_create(actor=world.actor("provider"), incident=report(), title="x", coverage_item="lunch")
    assert info.value.field == "coverage_item"


@pytest.mark.parametrize("name", ["provider_b", "agency", "insurer", "hospital"])
def test_others_cannot_create_tasks(world, report, name):
    with pytest.raises(PermissionDenied):
        task_create(actor=world.actor(name), incident=report(), title="x")


# --- notes and calls ---------------------------------------------------------------------------------------------


def test_notes_and_decisions_go_on_the_timeline(world, report):
    incident = report()
    note_add(actor=world.actor("provider"), incident=incident, text="サーバー室を施錠した")
    note_add(actor=world.actor("desk"), incident=incident, text="公表は見送る", kind="decision")
    assert list(incident.timeline.filter(kind__in=["note", "decision"]).values_list("kind", flat=True)) == [
        "note",
        "decision",
    ]


def test_empty_note_is_refused(world, report):
    with pytest.raises(InvalidInput):
        note_add(actor=world.actor("provider"), incident=report(), text="  ")


def test_a_desk_call_is_the_first_response(world, report):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=False):
        incident = report()
    with time_machine.travel(jst(2025, 10, 1, 10, 45), tick=False):
        call_add(
            actor=world.actor("desk"),
            incident=incident,
            direction="out",
            counterpart="情報システム課",
            summary="状況確認",
        )
    incident.refresh_from_db()
    assert incident.first_responded_at == jst(2025, 10, 1, 10, 45)
    assert incident.timeline.filter(kind="call", text__contains="発信").exists()


def test_a_provider_call_is_not_a_first_response(world, report):
    incident = report()
    call_add(
        actor=world.actor("provider"), incident=incident, direction="in", counterpart="デスク", summary="連絡"
    )
    incident.refresh_from_db()
    assert incident.first_responded_at is None


def test_timeline_is_chronological(world, report):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=False):
        incident = report()
    with time_machine.travel(jst(2025, 10, 1, 12, 0), tick=False):
        call_add(
            actor=world.actor("desk"),
            incident=incident,
            direction="out",
            counterpart="担当者",
            summary="折り返し",
            called_at=jst(2025, 10, 1, 11, 0),
        )
        note_add(actor=world.actor("provider"), incident=incident, text="メモ")
    ats = list(incident.timeline.order_by("at", "id").values_list("at", flat=True))
    assert ats == sorted(ats)
    assert list(incident.timeline.order_by("at", "id").values_list("kind", flat=True))[-2:] == [
        "call",
        "note",
    ]
