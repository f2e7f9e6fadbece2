from datetime import date, datetime

import pytest
import time_machine

from sonae.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent, Notification
from sonae.jp.calendar import TOKYO
from sonae.selfcheck import services
from sonae.selfcheck.models import BcpPlan, SelfCheck
from tests.selfcheck.conftest import answers_with, checklist_answers, complete_bcp_rows

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=TOKYO)


def test_submitting_25_answers_stores_score_band_and_part_scores(actor):
    check = services.self_check_submit(
        actor=actor, answers=answers_with(q01="not_implemented", q20="unknown")
    )
    check.refresh_from_db()
    assert (check.score, check.band) == (91, "mostly")
    assert check.part_scores == {"basic": 16, "staff": 52, "organisation": 23}
    assert AuditEvent.objects.filter(action="selfcheck.submitted", target_id=str(check.pk)).exists()


def test_an_incomplete_self_check_writes_nothing(actor):
    answers = answers_with()
    del answers["q25"]
    with pytest.raises(InvalidInput):
        services.self_check_submit(actor=actor, answers=answers)
    assert not SelfCheck.objects.exists()


def test_a_viewer_cannot_submit_a_self_check(make_member):
    from sonae.core.actors import Actor

    viewer = Actor.from_membership(make_member("provider", "viewer"))
    with pytest.raises(PermissionDenied):
        services.self_check_submit(actor=viewer, answers=answers_with())


def test_a_hospital_cannot_submit_a_self_check(hospital_actor):
    with pytest.raises(PermissionDenied):
        services.self_check_submit(actor=hospital_actor, answers=answers_with())


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_counts_yes_and_no(actor):
    checklist = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers(cyber_bcp="2026-12-31")
    )
    assert (checklist.yes_count, checklist.no_count) == (13, 1)
    assert checklist.answers["cyber_bcp"] == {"answer": "no", "target_date": "2026-12-31", "note": ""}


@time_machine.travel(NOW, tick=False)
def test_vendor_checklist_dated_in_the_future_is_refused(actor):
    with pytest.raises(InvalidInput):
        services.vendor_checklist_submit(
            actor=actor, checked_on=date(2026, 8, 21), answers=checklist_answers()
        )


@time_machine.travel(NOW, tick=False)
def test_saved_exposure_estimate_compares_with_the_flyer_plans_when_no_year_is_in_force(actor):
    saved = services.exposure_estimate_save(
        actor=actor, data_items=["name", "address", "test_results"], persons=5000
    )
    assert saved.damages == 165_000_000
    assert saved.programme_year is None
    assert [c["plan"] for c in saved.comparisons] == ["A", "B"]
    assert saved.comparisons[0]["damages_cover_percent"] == 60


@time_machine.travel(NOW, tick=False)
def test_exposure_uses_the_plans_of_the_programme_year_in_force(actor):
    from sonae.programme.models import ProgrammeYear

    year = ProgrammeYear.objects.create(
        code="2025",
        name="2025年度",
        period_start=datetime(2025, 10, 1, 16, tzinfo=TOKYO),
        period_end=datetime(2026, 10, 1, 16, tzinfo=TOKYO),
        terms={"plans": [{"code": "A", "label": "プランA", "liability": {"limit": 200_000_000},
                          "costs": {"limit": 50_000_000}}]},
    )  # fmt: skip
    saved = services.exposure_estimate_save(
        actor=actor, data_items=["name", "address", "test_results"], persons=5000
    )
    assert saved.programme_year == year
    assert saved.comparisons[0]["liability_limit"] == 200_000_000
    assert saved.comparisons[0]["damages_cover_percent"] == 100


def test_bcp_starts_with_the_desk_number(actor, settings):
    settings.SONAE_DESK_PHONE = "0120-987-654"
    plan = services.bcp_start(actor=actor)
    plan = BcpPlan.objects.get(pk=plan.pk)
    assert any(c["category"] == "desk" and c["phone"] == "0120-987-654" for c in plan.contacts)


def test_bcp_start_is_idempotent(actor):
    assert services.bcp_start(actor=actor).pk == services.bcp_start(actor=actor).pk


def test_bcp_contacts_are_encrypted_at_rest(actor):
    from django.db import connection

    plan = services.bcp_start(actor=actor)
    rows = complete_bcp_rows()
    services.bcp_update_section(actor=actor, plan=plan, section="contacts", rows=rows["contacts"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT contacts FROM selfcheck_bcpplan WHERE id = %s", [plan.pk])
        raw = bytes(cursor.fetchone()[0])
    assert "山田".encode() not in raw and b"090-1111-2222" not in raw
    assert BcpPlan.objects.get(pk=plan.pk).contacts[0]["name"] == "山田 太郎"


def test_bcp_section_drops_empty_rows_and_rejects_unknown_contact_category(actor):
    plan = services.bcp_start(actor=actor)
    services.bcp_update_section(
        actor=actor, plan=plan, section="paper_operations",
        rows=[{"operation": "搬送予約", "fallback": "紙の台帳"}, {"operation": "", "fallback": ""}],
    )  # fmt: skip
    assert BcpPlan.objects.get(pk=plan.pk).paper_operations == [
        {"operation": "搬送予約", "fallback": "紙の台帳", "materials": ""}
    ]
    with pytest.raises(InvalidInput):
        services.bcp_update_section(
            actor=actor, plan=plan, section="contacts", rows=[{"category": "x", "name": "a"}]
        )


def test_another_organisations_plan_cannot_be_edited(actor, other_actor):
    plan = services.bcp_start(actor=other_actor)
    with pytest.raises(NotFound):
        services.bcp_update_section(actor=actor, plan=plan, section="systems", rows=[{"name": "x"}])


def _fill(actor, plan):
    for section, rows in complete_bcp_rows().items():
        services.bcp_update_section(actor=actor, plan=plan, section=section, rows=rows)


def test_an_incomplete_plan_cannot_be_adopted(admin_actor):
    plan = services.bcp_start(actor=admin_actor)
    with pytest.raises(InvalidInput) as exc:
        services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")
    assert "社内の責任者" in exc.value.message


@time_machine.travel(NOW, tick=False)
def test_adopting_a_complete_plan_sets_the_review_date(admin_actor):
    plan = services.bcp_start(actor=admin_actor)
    _fill(admin_actor, plan)
    plan = services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")
    assert plan.status == "adopted"
    assert plan.reviewed_on == date(2026, 8, 20)
    assert plan.next_review_due == date(2027, 8, 20)


def test_staff_cannot_adopt_the_plan(actor):
    plan = services.bcp_start(actor=actor)
    _fill(actor, plan)
    with pytest.raises(PermissionDenied):
        services.bcp_transition(actor=actor, plan=plan, to="adopted")


def test_a_draft_cannot_be_reopened(admin_actor):
    plan = services.bcp_start(actor=admin_actor)
    with pytest.raises(IllegalTransition):
        services.bcp_transition(actor=admin_actor, plan=plan, to="draft")


def _adopted_plan(admin_actor, on: datetime):
    with time_machine.travel(on, tick=False):
        plan = services.bcp_start(actor=admin_actor)
        _fill(admin_actor, plan)
        return services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")


def test_review_reminder_notifies_the_admins_once_per_period(admin_actor):
    _adopted_plan(admin_actor, datetime(2025, 9, 1, 10, tzinfo=TOKYO))
    assert services.bcp_review_reminders(today=date(2026, 7, 1)) == []
    first = services.bcp_review_reminders(today=date(2026, 8, 15))
    assert first == [{"organisation": "prov-sakura", "due": "2026-09-01", "state": "due_soon", "notified": 1}]
    assert Notification.objects.filter(user=admin_actor.user, title__contains="見直し").count() == 1
    assert services.bcp_review_reminders(today=date(2026, 9, 10)) == []


def test_marking_reviewed_starts_a_new_yearly_period(admin_actor):
    plan = _adopted_plan(admin_actor, datetime(2025, 9, 1, 10, tzinfo=TOKYO))
    services.bcp_review_reminders(today=date(2026, 9, 10))
    with time_machine.travel(datetime(2026, 9, 12, 10, tzinfo=TOKYO), tick=False):
        plan = services.bcp_mark_reviewed(actor=admin_actor, plan=plan)
    assert plan.next_review_due == date(2027, 9, 12)
    assert services.bcp_review_reminders(today=date(2027, 8, 20))[0]["due"] == "2027-09-12"
