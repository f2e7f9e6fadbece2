"""Assessment versions, the case's duties and tasks, done-marks (services of the legal duties app)."""

from __future__ import annotations

from datetime import date

import pytest

from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from tests.duties.conftest import FAX, LOST_BAG, jst

pytestmark = pytest.mark.django_db


def _items(incident) -> dict:
    from sonae.duties.models import DutyItem

    return {item.kind: item for item in DutyItem.objects.filter(incident=incident).select_related("task")}


def test_first_assessment_is_version_one_with_the_contract_result(incident, assess_case):
    from sonae.duties.rules import assess_json_payload

    assessment = assess_case(incident)
    expected, ok = assess_json_payload(dict(LOST_BAG))
    assert ok
    assert assessment.version == 1
    assert assessment.status == "current"
    assert assessment.result == expected
    assert assessment.facts["discovered_at"] == "2026-03-10T18:00:00+09:00"
    assert assessment.facts["exfiltration_evidence"] == "unknown"  # stored complete, defaults filled in


def test_each_change_of_facts_makes_a_new_version_and_supersedes_the_previous(incident, assess_case):
    first = assess_case(incident)
    second = assess_case(incident, {**LOST_BAG, "persons": 35})
    third = assess_case(incident, {**LOST_BAG, "persons": 35, "cause": "theft"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert [first.status, second.status, third.status] == ["superseded", "superseded", "current"]
    assert first.facts["persons"] == 30 and second.facts["persons"] == 35  # old versions never change


def test_unchanged_facts_make_no_new_version(incident, assess_case):
    from sonae.duties.models import DutyAssessment

    first = assess_case(incident)
    again = assess_case(incident, {**LOST_BAG, "joint_report": False})  # the default, spelled out
    assert again.pk == first.pk
    assert DutyAssessment.objects.filter(incident=incident).count() == 1


def test_a_new_entrusting_party_alone_makes_a_new_version(world, incident, assess_case):
    first = assess_case(incident)
    second = assess_case(incident, entrusting_hospital=None, entrusting_party_name="さくら台クリニック")
    assert second.version == first.version + 1
    assert second.entrusting_party_display == "さくら台クリニック"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"data_items": ["name", "blood_type"]}, "data_items", "使用できないコード「blood_type」"),
        ({"persons": -1}, "persons", "0以上の整数"),
        ({"discovered_at": None}, "discovered_at", "必須"),
        ({"discovered_at": "2026-03-10T18:00"}, "discovered_at", "時差"),
    ],
)
def test_invalid_facts_are_refused_in_japanese_naming_the_field(incident, assess_case, change, field, words):
    from sonae.duties.models import DutyAssessment

    with pytest.raises(InvalidInput) as caught:
        assess_case(incident, {**LOST_BAG, **change})
    assert caught.value.field == field
    assert words in caught.value.message
    assert not DutyAssessment.objects.filter(incident=incident).exists()


def test_due_dates_become_one_task_per_duty_on_the_case(world, incident, assess_case):
    assess_case(incident)
    items = _items(incident)
    assert {k for k, i in items.items() if i.required} == {
        "ppc_preliminary",
        "ppc_final",
        "entrusting_party_notice",
        "individual_notice",
    }
    tasks = {kind: (item.task.title, item.task.due_date) for kind, item in items.items()}
    assert tasks["ppc_preliminary"] == ("個人情報保護委員会への速報（法的対応）", date(2026, 3, 14))
    assert tasks["ppc_final"] == ("個人情報保護委員会への確報（法的対応）", date(2026, 4, 8))
    assert tasks["entrusting_party_notice"] == ("委託元への通知（法的対応）", date(2026, 3, 14))
    assert tasks["individual_notice"] == ("本人への通知（法的対応）", None)
    for item in items.values():
        assert item.task.owner_organisation == world.provider.organisation
        assert item.task.phase == "authorities"
        assert item.task.incident == incident


def test_a_new_discovery_date_moves_the_task_due_dates_without_new_tasks(incident, assess_case):
    from sonae.incidents.models import Task

    assess_case(incident)
    before = Task.objects.filter(incident=incident).count()
    assess_case(incident, {**LOST_BAG, "discovered_at": "2026-03-09T09:00:00+09:00"})
    items = _items(incident)
    assert items["ppc_preliminary"].task.due_date == date(2026, 3, 13)
    assert items["ppc_final"].task.due_date == date(2026, 4, 7)
    assert "2026年4月7日（火）" in items["ppc_final"].task.description
    assert Task.objects.filter(incident=incident).count() == before


def test_a_duty_no_longer_required_has_its_task_cancelled_and_reopened_when_required_again(
    incident, assess_case
):
    assess_case(incident)
    assess_case(incident, {**LOST_BAG, "recipient_confirmed_deleted_unread": True, "cause": "misdelivery"})
    items = _items(incident)
    assert not items["ppc_final"].required
    assert items["ppc_final"].task.status == "cancelled"
    assess_case(incident)
    items = _items(incident)
    assert items["ppc_final"].required
    assert items["ppc_final"].task.status == "open"


def test_marking_the_entrusting_party_notice_done_releases_the_contractor(
    world, incident, assess_case, clock
):
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    clock.move_to(jst(2026, 3, 12, 11, 0))
    item = _items(incident)["entrusting_party_notice"]
    duty_mark_done(actor=world.actor("provider"), item=item, done_at=jst(2026, 3, 12, 10, 0))
    latest = incident.duty_assessments.order_by("-version").first()
    assert latest.version == 2
    assert latest.facts["entrusting_party_notified_at"] == "2026-03-12T10:00:00+09:00"
    assert latest.result["appi"]["reporting_mode"] == "via_entrusting_party"
    items = _items(incident)
    assert items["entrusting_party_notice"].task.status == "done"
    assert items["ppc_preliminary"].task.status == "cancelled"
    assert items["individual_notice"].task.status == "cancelled"
    # The hospital's own dates, counted from the day it received the notice (R7), for information only.
    assert items["entrusting_party_preliminary"].due_date == date(2026, 3, 16)
    assert items["entrusting_party_final"].due_date == date(2026, 4, 10)
    assert items["entrusting_party_final"].task is None


def test_a_notice_time_in_the_facts_marks_the_notice_done(world, incident, assess_case):
    assess_case(incident, {**LOST_BAG, "entrusting_party_notified_at": "2026-03-11T09:30:00+09:00"})
    item = _items(incident)["entrusting_party_notice"]
    assert item.done_at == jst(2026, 3, 11, 9, 30)
    assert item.task is None


def test_mark_done_records_the_reception_number_and_closes_the_task(world, incident, assess_case, clock):
    from sonae.duties.services import duty_mark_done
    from sonae.incidents.models import TimelineEvent

    assess_case(incident)
    clock.move_to(jst(2026, 3, 13, 15, 0))
    item = duty_mark_done(
        actor=world.actor("provider"),
        item=_items(incident)["ppc_preliminary"],
        done_at=jst(2026, 3, 13, 14, 0),
        reference=" PPC-2026-0001234 ",
    )
    assert item.reference_number == "PPC-2026-0001234"
    assert item.done_by == world.user("provider")
    assert _items(incident)["ppc_preliminary"].task.status == "done"
    texts = list(TimelineEvent.objects.filter(incident=incident).values_list("text", flat=True))
    assert any("2026年3月13日 14:00に実施" in t and "PPC-2026-0001234" in t for t in texts)
    # A new version keeps the done-mark.
    assess_case(incident, {**LOST_BAG, "persons": 31})
    assert _items(incident)["ppc_preliminary"].reference_number == "PPC-2026-0001234"
    assert _items(incident)["ppc_preliminary"].task.status == "done"


@pytest.mark.parametrize(
    ("done_at", "words"),
    [
        (jst(2026, 3, 12, 9, 0), "未来"),
        (jst(2026, 3, 10, 17, 0), "発覚日時"),
        (None, "入力"),
    ],
)
def test_mark_done_refuses_times_that_cannot_be(world, incident, assess_case, done_at, words):
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    with pytest.raises(InvalidInput) as caught:
        duty_mark_done(
            actor=world.actor("provider"), item=_items(incident)["ppc_preliminary"], done_at=done_at
        )
    assert caught.value.field == "done_at"
    assert words in caught.value.message


def test_withdrawing_a_done_mark_reopens_the_task(world, incident, assess_case):
    from sonae.duties.services import duty_mark_done, duty_mark_undone

    assess_case(incident)
    item = duty_mark_done(
        actor=world.actor("provider"),
        item=_items(incident)["individual_notice"],
        done_at=jst(2026, 3, 11, 9, 0),
    )
    duty_mark_undone(actor=world.actor("provider"), item=item)
    item = _items(incident)["individual_notice"]
    assert item.done_at is None and item.reference_number == ""
    assert item.task.status == "open"
    with pytest.raises(IllegalTransition):
        duty_mark_undone(actor=world.actor("provider"), item=item)


def test_the_entrusting_partys_duties_cannot_be_marked_done(world, incident, assess_case):
    from sonae.duties.services import duty_mark_done

    assess_case(incident, {**LOST_BAG, "entrusting_party_notified_at": "2026-03-11T09:30:00+09:00"})
    with pytest.raises(InvalidInput):
        duty_mark_done(
            actor=world.actor("provider"),
            item=_items(incident)["entrusting_party_final"],
            done_at=jst(2026, 3, 11, 9, 45),
        )


@pytest.mark.parametrize("who", ["agency", "insurer", "provider_b", "provider_viewer", "hospital"])
def test_only_the_cases_provider_staff_and_the_desk_may_assess(world, incident, assess_case, who):
    with pytest.raises(PermissionDenied):
        assess_case(incident, actor=who)


def test_the_desk_may_assess_any_case(world, incident, assess_case):
    assert assess_case(incident, actor="desk").created_by == world.user("desk")


@pytest.mark.parametrize("who", ["agency", "provider_b", "provider_viewer"])
def test_only_the_cases_provider_staff_and_the_desk_may_mark_done(world, incident, assess_case, who):
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    with pytest.raises(PermissionDenied):
        duty_mark_done(
            actor=world.actor(who), item=_items(incident)["ppc_preliminary"], done_at=jst(2026, 3, 11, 9)
        )


def test_an_assessment_is_audited_and_written_on_the_timeline(incident, assess_case):
    from sonae.core.models import AuditEvent
    from sonae.incidents.models import TimelineEvent

    assess_case(incident)
    second = assess_case(incident, {**LOST_BAG, "persons": 35})
    audit = AuditEvent.objects.filter(action="duties.assessment_created").order_by("id").last()
    assert audit.target_id == str(second.pk)
    assert audit.data["version"] == 2
    assert "persons" in audit.data["changed"]
    event = TimelineEvent.objects.filter(incident=incident, data__version=2).get()
    assert "法的対応を判定しました（第2版）" in event.text
    assert "委託元への通知：2026年3月14日までに" in event.text


def test_the_latest_version_can_be_confirmed_but_an_old_one_cannot(world, incident, assess_case):
    from sonae.duties.services import assessment_transition

    first = assess_case(incident)
    confirmed = assessment_transition(actor=world.actor("desk"), assessment=first, to_status="confirmed")
    assert confirmed.status == "confirmed" and confirmed.status_changed_by == world.user("desk")
    assess_case(incident, {**LOST_BAG, "persons": 35})
    first.refresh_from_db()
    assert first.status == "superseded"
    with pytest.raises(IllegalTransition):
        assessment_transition(actor=world.actor("desk"), assessment=first, to_status="confirmed")


def test_facts_are_prefilled_from_the_incident(world, incident):
    from sonae.duties.prefill import facts_from_incident
    from sonae.incidents.services import hospital_notice_create, hospital_notice_send

    facts = facts_from_incident(incident)
    assert facts["role"] == "contractor"
    assert facts["data_items"] == ["name", "ward", "diet_order"]
    assert facts["persons"] == 30
    assert facts["cause"] == "loss"  # the triage's suggestion for a lost bag
    assert facts["discovered_at"] == "2026-03-10T18:00:00+09:00"
    assert facts["entrusting_party_notified_at"] is None
    notice = hospital_notice_create(actor=world.actor("provider"), incident=incident)
    hospital_notice_send(actor=world.actor("provider"), notice=notice)
    assert facts_from_incident(incident)["entrusting_party_notified_at"] == "2026-03-11T10:00:00+09:00"


def test_a_controllers_own_data_is_prefilled_as_controller(world, clock):
    from sonae.duties.prefill import facts_from_incident
    from sonae.incidents.services import incident_report

    incident = incident_report(
        actor=world.actor("provider"),
        channel="web",
        provider=world.provider.organisation,
        symptoms=["misdelivery"],
        data_items=["name", "test_results"],
        persons_estimate=2,
        data_owner="own",
        discovered_at=jst(2026, 3, 11, 9, 0),
    )
    facts = facts_from_incident(incident)
    assert facts["role"] == "controller"
    assert facts["cause"] == "misdelivery"


def test_fax_example_gives_the_contracts_dates(world, incident, assess_case):
    assessment = assess_case(incident, FAX)
    assert assessment.result["appi"]["preliminary_report_target"] == "2025-10-10"
    assert assessment.result["appi"]["final_report_due"] == "2025-11-04"
    assert _items(incident)["ppc_final"].task.due_date == date(2025, 11, 4)


def test_refreshing_takes_what_the_incident_now_records(world, incident, assess_case):
    from sonae.duties.services import assessment_refresh
    from sonae.incidents.services import incident_update_facts

    assess_case(incident)
    assert assessment_refresh(actor=world.actor("provider"), incident=incident).version == 1  # nothing new
    incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=1500)
    incident.refresh_from_db()
    refreshed = assessment_refresh(actor=world.actor("provider"), incident=incident)
    assert refreshed.version == 2
    assert refreshed.facts["persons"] == 1500
    assert refreshed.facts["cause"] == "loss"  # kept from the assessment
    assert "over_1000" in refreshed.result["appi"]["categories"]
    assert refreshed.note == "案件の事実の更新を反映"


def test_refreshing_a_case_without_assessment_does_nothing(world, incident):
    from sonae.duties.services import assessment_refresh

    assert assessment_refresh(actor=world.actor("provider"), incident=incident) is None
