"""My Number Act art. 29-4 (law.md §6; Sonae readings R13, R16)."""

from __future__ import annotations

import pytest

from .cases import assess_ok, facts, warning_codes, warning_text

PAYROLL = ["name", "my_number", "salary"]


def my_number(**overrides) -> dict:
    base = {"data_items": PAYROLL, "cause": "misdelivery_email", "discovered_at": "2026-06-01T10:00+09:00"}
    return assess_ok(facts(**{**base, **overrides}))["my_number"]


@pytest.mark.parametrize(("persons", "expected"), [(100, []), (101, ["over_100"])])
def test_over_100_means_more_than_100(persons, expected):
    assert my_number(persons=persons)["categories"] == expected


def test_my_number_persons_defaults_to_persons():
    assert my_number(persons=150)["categories"] == ["over_100"]


def test_my_number_persons_counts_only_those_whose_number_leaked():
    result = my_number(persons=500, my_number_persons=50)
    assert result["applicable"] is True
    assert result["report_required"] is False
    assert result["basis"] == ["My Number Act art. 29-4(1)", "My Number Rule art. 2"]


def test_my_number_persons_without_the_item_still_applies_the_act():
    result = my_number(data_items=["name", "salary"], persons=200, my_number_persons=150)
    assert result["applicable"] is True
    assert result["categories"] == ["over_100"]


def test_public_exposure_is_viewable_by_unspecified_many_by_default():
    result = my_number(persons=3, cause="public_exposure")
    assert result["categories"] == ["viewable_by_unspecified_many"]
    assert result["report_required"] is True
    assert result["final_period_days"] == 30


def test_publicly_viewable_flag_applies_to_other_causes():
    assert my_number(persons=3, cause="misconfiguration", publicly_viewable=True)["categories"] == [
        "viewable_by_unspecified_many"
    ]


def test_publicly_viewable_false_overrides_the_public_exposure_default():
    assert my_number(persons=3, cause="public_exposure", publicly_viewable=False)["categories"] == []


def test_public_exposure_with_my_number_warns_r13_for_both_regimes():
    output = assess_ok(facts(data_items=PAYROLL, persons=3, cause="public_exposure"))
    assert output["appi"]["categories"] == []
    assert "不特定多数" in warning_text(output, "R13")


def test_unauthorized_purpose_gives_sixty_days():
    result = my_number(persons=3, cause="theft")
    assert result["categories"] == ["unauthorized_purpose"]
    assert result["final_period_days"] == 60
    assert result["final_report_due"] == "2026-07-30"


def test_my_number_final_due_rolls_like_appi_r16():
    # 2026-08-24 + 29 = 09-22 (国民の休日) → 09-24.
    result = my_number(persons=200, discovered_at="2026-08-24T10:00+09:00")
    assert result["preliminary_report_target"] == "2026-08-28"
    assert result["final_report_due"] == "2026-09-24"


def test_my_number_report_warns_r16():
    output = assess_ok(facts(data_items=PAYROLL, persons=200, cause="misdelivery_email"))
    assert "R16" in warning_codes(output)
    assert "Sonae reading R16" in output["my_number"]["basis"]


def test_both_regimes_warn_that_one_filing_may_not_cover_both():
    output = assess_ok(
        facts(data_items=["name", "my_number", "disability"], persons=200, cause="misdelivery_email")
    )
    assert output["appi"]["ppc_report_required"] is True
    assert output["my_number"]["report_required"] is True
    assert "個人情報保護法の報告も必要" in warning_text(output, "R16")


def test_high_level_encryption_lifts_the_my_number_report_too():
    result = my_number(persons=500, encrypted_high_level=True)
    assert result["applicable"] is True
    assert result["report_required"] is False
    assert result["categories"] == []
    assert "PPC My Number Q&A 17-14" in result["basis"]


def test_misdelivery_retrieved_unread_lifts_the_my_number_report():
    assert my_number(persons=500, recipient_confirmed_deleted_unread=True)["report_required"] is False


def test_without_my_number_the_act_does_not_apply():
    result = my_number(data_items=["name", "salary"], persons=5000)
    assert result == {
        "applicable": False,
        "report_required": False,
        "categories": [],
        "preliminary_report_target": None,
        "final_report_due": None,
        "final_period_days": None,
        "individual_notice_required": False,
        "basis": [],
    }


def test_contractor_release_is_not_applied_to_the_my_number_report():
    output = assess_ok(
        facts(
            role="contractor",
            data_items=["name", "my_number", "medical_history"],
            persons=300,
            cause="loss",
            discovered_at="2026-06-01T10:00+09:00",
            entrusting_party_notified_at="2026-06-02T10:00+09:00",
        )
    )
    assert output["appi"]["reporting_mode"] == "via_entrusting_party"
    assert output["my_number"]["report_required"] is True
    assert output["my_number"]["individual_notice_required"] is True
    assert "免除" in warning_text(output, "R16")


def test_my_number_being_acquired_falls_only_under_unauthorized_purpose():
    result = my_number(persons=500, cause="web_skimming", data_scope="being_acquired")
    assert result["categories"] == ["unauthorized_purpose"]
