from datetime import date, datetime

import pytest
import time_machine

from sonae.core.errors import NotFound
from sonae.jp.calendar import TOKYO
from sonae.selfcheck import selectors, services
from tests.selfcheck.conftest import answers_with, checklist_answers, complete_bcp_rows

pytestmark = pytest.mark.django_db


def test_latest_score_is_none_without_checks(actor):
    assert selectors.latest_score(actor.organisation) is None


def test_latest_score_returns_the_newest_check(actor):
    with time_machine.travel(datetime(2025, 8, 1, 10, tzinfo=TOKYO), tick=False):
        services.self_check_submit(actor=actor, answers=answers_with("partial"))
    with time_machine.travel(datetime(2026, 8, 1, 10, tzinfo=TOKYO), tick=False):
        services.self_check_submit(actor=actor, answers=answers_with(q01="partial"))
    score, band, taken_at = selectors.latest_score(actor.organisation)
    assert (score, band) == (98, "mostly")
    assert taken_at == datetime(2026, 8, 1, 10, tzinfo=TOKYO)


def test_self_checks_are_scoped_to_the_organisation(actor, other_actor):
    mine = services.self_check_submit(actor=actor, answers=answers_with())
    services.self_check_submit(actor=other_actor, answers=answers_with())
    assert list(selectors.self_checks_for(actor)) == [mine]
    with pytest.raises(NotFound):
        selectors.self_check_get(other_actor, mine.pk)


def test_a_hospital_sees_no_self_checks(actor, hospital_actor):
    services.self_check_submit(actor=actor, answers=answers_with())
    assert not selectors.self_checks_for(hospital_actor).exists()
    assert selectors.risk_panel(hospital_actor) is None


@time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=TOKYO), tick=False)
def test_latest_vendor_checklist_is_the_most_recently_checked(actor):
    services.vendor_checklist_submit(actor=actor, checked_on=date(2026, 4, 1), answers=checklist_answers())
    newest = services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 8, 1), answers=checklist_answers()
    )
    assert selectors.latest_vendor_checklist(actor.organisation) == newest


def test_risk_panel_of_a_new_provider_lists_what_to_do_first(actor):
    panel = selectors.risk_panel(actor, today=date(2026, 8, 20))
    assert panel.score is None and panel.estimate is None
    assert panel.bcp_status == "none"
    assert len(panel.open_items) == 2


@time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=TOKYO), tick=False)
def test_risk_panel_shows_score_estimate_bcp_and_overdue_items(actor, admin_actor):
    services.self_check_submit(actor=actor, answers=answers_with(q02="not_implemented"))
    services.exposure_estimate_save(actor=actor, data_items=["name", "address", "test_results"], persons=5000)
    services.vendor_checklist_submit(
        actor=actor, checked_on=date(2026, 4, 1), answers=checklist_answers(cyber_bcp="2026-06-30")
    )
    plan = services.bcp_start(actor=admin_actor)
    for section, rows in complete_bcp_rows().items():
        services.bcp_update_section(actor=admin_actor, plan=plan, section=section, rows=rows)
    services.bcp_transition(actor=admin_actor, plan=plan, to="adopted")
    panel = selectors.risk_panel(actor)
    assert (panel.score.score, panel.score.band.code) == (96, "mostly")
    assert panel.estimate.damages == 165_000_000
    assert panel.bcp_status == "adopted" and panel.bcp_next_review == date(2027, 8, 20)
    assert any("基本的な対策" in item for item in panel.open_items)
    assert any("目標日を過ぎた" in item for item in panel.open_items)


def test_history_chart_has_one_point_per_check(actor):
    for year in (2024, 2025, 2026):
        with time_machine.travel(datetime(year, 8, 1, 10, tzinfo=TOKYO), tick=False):
            services.self_check_submit(actor=actor, answers=answers_with())
    chart = selectors.history_chart(actor)
    assert [p.label for p in chart.points] == ["2024/8/1", "2025/8/1", "2026/8/1"]
