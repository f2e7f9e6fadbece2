"""The contractor route (委託先): notice to the entrusting party, release, late notice, joint report (R5–R8)."""

from __future__ import annotations

import pytest

from .cases import assess_ok, facts, warning_codes, warning_text

DISCOVERED = "2026-03-10T18:00+09:00"  # knowing 2026-03-10 (Tue); notice target 2026-03-14 (Sat)
MEALS = ["name", "ward", "diet_order"]


def contractor(**overrides) -> dict:
    base = {
        "role": "contractor",
        "discovered_at": DISCOVERED,
        "data_items": MEALS,
        "persons": 30,
        "cause": "loss",
    }
    return assess_ok(facts(**{**base, **overrides}))


@pytest.mark.parametrize(
    "notified_at",
    [
        "2026-03-12T10:00+09:00",
        "2026-03-14T23:59+09:00",  # on the target day itself
        "2026-03-14T14:59:00Z",  # 23:59 in Tokyo on the target day
    ],
)
def test_notice_by_the_target_date_releases_the_contractor(notified_at):
    appi = contractor(entrusting_party_notified_at=notified_at)["appi"]
    assert appi["reporting_mode"] == "via_entrusting_party"
    assert appi["ppc_report_required"] is False
    assert appi["individual_notice_required"] is False
    assert appi["preliminary_report_target"] is None
    assert appi["final_report_due"] is None
    assert appi["final_report_due_reading_b"] is None
    assert appi["final_period_days"] is None
    assert appi["entrusting_party_notice_required"] is True
    assert appi["entrusting_party_notice_target"] == "2026-03-14"


def test_notice_just_after_the_target_day_in_tokyo_is_late():
    # 15:00 UTC on 03-14 is 00:00 on 03-15 in Tokyo.
    output = contractor(entrusting_party_notified_at="2026-03-14T15:00:00Z")
    appi = output["appi"]
    assert appi["reporting_mode"] == "own"
    assert appi["entrusting_party"]["knowing_date"] == "2026-03-15"


def test_late_notice_keeps_the_contractors_own_duties_and_advises_joint_report_r5():
    output = contractor(entrusting_party_notified_at="2026-03-20T10:00+09:00")
    appi = output["appi"]
    assert appi["reporting_mode"] == "own"
    assert appi["ppc_report_required"] is True
    assert appi["individual_notice_required"] is True
    assert appi["preliminary_report_target"] == "2026-03-14"
    assert appi["final_report_due"] == "2026-04-08"
    assert appi["final_report_due_reading_b"] == "2026-04-09"
    assert appi["entrusting_party_notice_target"] == "2026-03-14"
    assert "連名" in warning_text(output, "R5")


def test_late_notice_still_starts_the_entrusting_partys_clock_r7():
    appi = contractor(entrusting_party_notified_at="2026-03-20T10:00+09:00")["appi"]
    assert appi["entrusting_party"] == {
        "knowing_date": "2026-03-20",
        "preliminary_report_target": "2026-03-24",
        "final_report_due": "2026-04-20",  # 04-18 is a Saturday
        "final_period_days": 30,
        "individual_notice_required": True,
    }


def test_contractor_that_has_not_notified_owes_its_own_report_r6():
    output = contractor()
    appi = output["appi"]
    assert appi["reporting_mode"] == "own"
    assert appi["ppc_report_required"] is True
    assert appi["individual_notice_required"] is True
    assert appi["entrusting_party"] is None
    assert appi["entrusting_party_notice_target"] == "2026-03-14"
    assert "Sonae reading R6" in appi["basis"]
    assert "2026年3月14日" in warning_text(output, "R6")


def test_joint_report_runs_on_the_contractors_clock_and_leaves_individual_notice_to_the_entrusting_party_r8():
    output = contractor(joint_report=True, entrusting_party_notified_at="2026-03-12T10:00+09:00")
    appi = output["appi"]
    assert appi["reporting_mode"] == "joint"
    assert appi["ppc_report_required"] is True
    assert appi["preliminary_report_target"] == "2026-03-14"
    assert appi["final_report_due"] == "2026-04-08"
    assert appi["individual_notice_required"] is False
    assert appi["entrusting_party"]["knowing_date"] == "2026-03-12"
    assert appi["entrusting_party"]["individual_notice_required"] is True
    assert "Sonae reading R8" in appi["basis"]
    assert "R8" in warning_codes(output)


def test_joint_report_before_notifying_has_no_entrusting_party_dates():
    appi = contractor(joint_report=True)["appi"]
    assert appi["reporting_mode"] == "joint"
    assert appi["entrusting_party"] is None
    assert appi["entrusting_party_notice_required"] is True


def test_entrusting_partys_clock_starts_on_the_notice_day_and_rolls_over_year_end_r7():
    output = contractor(
        discovered_at="2025-12-24T10:00+09:00", entrusting_party_notified_at="2025-12-26T09:00+09:00"
    )
    party = output["appi"]["entrusting_party"]
    assert party["knowing_date"] == "2025-12-26"
    assert party["preliminary_report_target"] == "2025-12-30"
    assert party["final_report_due"] == "2026-01-26"  # 01-24 is a Saturday
    assert "R7" in warning_codes(output)
    assert "委託元の報告" in warning_text(output, "R2")


def test_entrusting_party_gets_sixty_days_for_an_unauthorized_purpose():
    party = contractor(cause="theft", entrusting_party_notified_at="2026-03-11T10:00+09:00")["appi"][
        "entrusting_party"
    ]
    assert party["final_period_days"] == 60
    assert party["final_report_due"] == "2026-05-11"  # 03-11 + 59 = 05-09, a Saturday


def test_contractor_without_a_reportable_situation_owes_nothing_by_law():
    output = contractor(data_items=["name", "address"], entrusting_party_notified_at="2026-03-12T10:00+09:00")
    appi = output["appi"]
    assert appi["reportable_situation"] is False
    assert appi["reporting_mode"] == "none"
    assert appi["entrusting_party_notice_required"] is False
    assert appi["entrusting_party_notice_target"] is None
    assert appi["entrusting_party"] is None
    assert output["recommendations"] == ["notify_entrusting_party_by_contract"]


def test_controller_ignores_contractor_only_fields():
    appi = assess_ok(
        facts(
            data_items=["name", "ward"],
            entrusting_party_notified_at="2025-10-07T10:00+09:00",
            joint_report=True,
        )
    )["appi"]
    assert appi["reporting_mode"] == "own"
    assert appi["entrusting_party"] is None
    assert appi["individual_notice_required"] is True


def test_timely_notice_warns_r5_and_r7_with_the_dates():
    output = contractor(entrusting_party_notified_at="2026-03-12T10:00+09:00")
    assert {"R5", "R7"} <= set(warning_codes(output))
    assert "2026年4月10日" in warning_text(output, "R7")
