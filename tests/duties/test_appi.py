"""APPI: the four situations of Enforcement Rules art. 7, their exceptions, and Sonae readings R9–R14, R17."""

from __future__ import annotations

import pytest

from sonae.duties.rules import CAUSES, DATA_ITEMS

from .cases import assess_ok, facts, warning_codes, warning_text

SENSITIVE_ITEMS = sorted(code for code, item in DATA_ITEMS.items() if item.item_class == "sensitive")
UNAUTHORIZED_CAUSES = sorted(code for code, cause in CAUSES.items() if cause.unauthorized_purpose)
OTHER_CAUSES = sorted(code for code, cause in CAUSES.items() if not cause.unauthorized_purpose)


def categories(**overrides) -> list[str]:
    return assess_ok(facts(**overrides))["appi"]["categories"]


@pytest.mark.parametrize("item", SENSITIVE_ITEMS)
def test_each_sensitive_item_makes_one_person_reportable(item):
    assert categories(data_items=["name", item], persons=1) == ["sensitive"]


@pytest.mark.parametrize("item", ["credit_card", "bank_account_pin", "payment_credentials"])
def test_financial_items_give_the_financial_category(item):
    assert categories(data_items=["name", item], persons=1) == ["financial"]


def test_bank_account_number_alone_is_not_financial_r17():
    output = assess_ok(facts(data_items=["name", "bank_account"], persons=5))
    assert output["appi"]["categories"] == []
    assert "R17" in warning_codes(output)


def test_login_credentials_of_other_services_are_not_financial_r17():
    output = assess_ok(facts(data_items=["email", "login_credentials"], persons=5))
    assert output["appi"]["categories"] == []
    assert "R17" in warning_codes(output)


@pytest.mark.parametrize(("override", "expected"), [(True, ["financial"]), (False, [])])
def test_financial_damage_risk_override_wins_over_the_items(override, expected):
    items = ["name", "bank_account"] if override else ["name", "credit_card"]
    assert categories(data_items=items, financial_damage_risk=override) == expected


@pytest.mark.parametrize("cause", UNAUTHORIZED_CAUSES)
def test_attack_and_theft_causes_give_unauthorized_purpose(cause):
    assert categories(cause=cause) == ["unauthorized_purpose"]


@pytest.mark.parametrize("cause", OTHER_CAUSES)
def test_mistakes_and_failures_do_not_give_unauthorized_purpose(cause):
    assert categories(cause=cause) == []


@pytest.mark.parametrize(
    ("cause", "override", "expected"), [("loss", True, ["unauthorized_purpose"]), ("theft", False, [])]
)
def test_unauthorized_purpose_override_wins_over_the_cause(cause, override, expected):
    assert categories(cause=cause, unauthorized_purpose=override) == expected


@pytest.mark.parametrize(("persons", "expected"), [(1000, []), (1001, ["over_1000"])])
def test_over_1000_means_more_than_1000(persons, expected):
    assert categories(persons=persons) == expected


def test_self_reported_lifestyle_is_not_sensitive_and_needs_review_r9():
    output = assess_ok(facts(data_items=["name", "lifestyle"], persons=3))
    assert output["appi"]["categories"] == []
    assert "要確認" in warning_text(output, "R9")


def test_lifestyle_from_a_health_check_is_sensitive_r9():
    output = assess_ok(facts(data_items=["name", "lifestyle_medical"], persons=3))
    assert output["appi"]["categories"] == ["sensitive"]
    assert "Sonae reading R9" in output["appi"]["basis"]
    assert "R9" in warning_codes(output)


@pytest.mark.parametrize("item", ["hospital_visit", "ward", "diet_order"])
def test_facts_revealing_medical_care_are_sensitive_r10(item):
    output = assess_ok(facts(data_items=["name", item], persons=1))
    assert output["appi"]["categories"] == ["sensitive"]
    assert "Sonae reading R10" in output["appi"]["basis"]
    assert "R10" in warning_codes(output)


@pytest.mark.parametrize("item", ["insurance_card_number", "my_number", "pension_number", "license_number"])
def test_identifier_codes_alone_are_neither_sensitive_nor_financial_r11(item):
    assert categories(data_items=["name", item], persons=5) == []


def test_insurance_card_number_warns_r11():
    output = assess_ok(facts(data_items=["name", "insurance_card_number"]))
    assert "R11" in warning_codes(output)


def test_high_level_encryption_with_the_key_safe_lifts_every_situation():
    output = assess_ok(
        facts(
            data_items=["name", "medical_history", "credit_card"],
            persons=5000,
            cause="theft",
            encrypted_high_level=True,
        )
    )
    assert output["appi"]["reportable_situation"] is False
    assert output["appi"]["categories"] == []
    assert output["appi"]["basis"] == ["APPI art. 26(1)", "Enforcement Rules art. 7(i)"]


def test_high_level_encryption_with_the_key_compromised_stays_reportable():
    output = assess_ok(
        facts(
            data_items=["name", "medical_history"],
            cause="loss",
            encrypted_high_level=True,
            key_compromised=True,
        )
    )
    assert output["appi"]["categories"] == ["sensitive"]
    assert output["appi"]["ppc_report_required"] is True


def test_key_compromised_without_encryption_changes_nothing():
    assert categories(data_items=["name", "medical_history"], key_compromised=True) == ["sensitive"]


@pytest.mark.parametrize("cause", ["system_failure", "operational_error"])
def test_intact_backup_lifts_a_loss_or_damage_inside_the_business(cause):
    output = assess_ok(
        facts(data_items=["name", "medical_history"], persons=2000, cause=cause, backup_intact=True)
    )
    assert output["appi"]["reportable_situation"] is False
    assert "PPC guidelines (general) 3-5-1" in output["appi"]["basis"]


@pytest.mark.parametrize("cause", ["system_failure", "operational_error"])
def test_loss_or_damage_without_backup_is_reportable(cause):
    assert categories(data_items=["name", "medical_history"], cause=cause) == ["sensitive"]


def test_intact_backup_does_not_lift_a_bag_lost_outside_which_is_a_leak_risk():
    assert categories(data_items=["name", "medical_history"], cause="loss", backup_intact=True) == [
        "sensitive"
    ]


def test_intact_backup_does_not_lift_a_damage_with_confirmed_exfiltration():
    result = categories(
        data_items=["name", "medical_history"],
        cause="system_failure",
        backup_intact=True,
        exfiltration_evidence="confirmed",
    )
    assert result == ["sensitive"]


def test_ransomware_restored_from_backup_without_exfiltration_found_warns_r12():
    output = assess_ok(
        facts(
            data_items=["name", "medication"],
            cause="ransomware",
            backup_intact=True,
            exfiltration_evidence="none_found",
        )
    )
    assert output["appi"]["categories"] == ["sensitive", "unauthorized_purpose"]
    assert "Sonae reading R12" in output["appi"]["basis"]
    assert "R12" in warning_codes(output)


def test_ransomware_with_confirmed_exfiltration_needs_no_r12_warning():
    output = assess_ok(facts(cause="ransomware", exfiltration_evidence="confirmed"))
    assert output["appi"]["categories"] == ["unauthorized_purpose"]
    assert "R12" not in warning_codes(output)


@pytest.mark.parametrize("cause", ["misdelivery", "misdelivery_email"])
def test_misdelivery_retrieved_unread_is_not_a_leak(cause):
    output = assess_ok(
        facts(data_items=["name", "test_results"], cause=cause, recipient_confirmed_deleted_unread=True)
    )
    assert output["appi"]["reportable_situation"] is False
    assert "PPC Q&A 6-1" in output["appi"]["basis"]


def test_misdelivery_not_confirmed_unread_stays_reportable():
    assert categories(data_items=["name", "test_results"], recipient_confirmed_deleted_unread=False) == [
        "sensitive"
    ]


def test_confirmed_unread_does_not_lift_a_lost_bag():
    result = categories(
        data_items=["name", "test_results"], cause="loss", recipient_confirmed_deleted_unread=True
    )
    assert result == ["sensitive"]


def test_data_being_acquired_falls_only_under_unauthorized_purpose_r14():
    output = assess_ok(
        facts(
            data_items=["name", "credit_card", "medical_history"],
            persons=5000,
            cause="web_skimming",
            data_scope="being_acquired",
        )
    )
    assert output["appi"]["categories"] == ["unauthorized_purpose"]
    assert output["appi"]["final_period_days"] == 60
    assert "Sonae reading R14" in output["appi"]["basis"]
    assert "R14" in warning_codes(output)


def test_data_being_acquired_without_unauthorized_purpose_is_not_reportable_r14():
    output = assess_ok(
        facts(
            data_items=["name", "medical_history"],
            persons=5000,
            cause="misconfiguration",
            data_scope="being_acquired",
        )
    )
    assert output["appi"]["reportable_situation"] is False


def test_public_exposure_is_not_unauthorized_purpose_by_itself_r13():
    output = assess_ok(facts(data_items=["name", "medical_history"], cause="public_exposure"))
    assert output["appi"]["categories"] == ["sensitive"]
    assert output["appi"]["final_period_days"] == 30
    assert "R13" in warning_codes(output)


def test_controller_reports_itself_and_notifies_individuals():
    appi = assess_ok(facts(data_items=["name", "allergy"]))["appi"]
    assert appi["reporting_mode"] == "own"
    assert appi["ppc_report_required"] is True
    assert appi["individual_notice_required"] is True
    assert appi["entrusting_party_notice_required"] is False


def test_basis_lists_every_category_rule():
    appi = assess_ok(facts(data_items=["medication", "credit_card"], cause="phishing", persons=1500))["appi"]
    for rule in ("(i)", "(ii)", "(iii)", "(iv)"):
        assert f"Enforcement Rules art. 7{rule}" in appi["basis"]


def test_not_reportable_case_still_names_its_basis():
    appi = assess_ok(facts(data_items=["name", "address", "phone"], persons=800, cause="misdelivery_email"))[
        "appi"
    ]
    assert appi["basis"] == ["APPI art. 26(1)", "Enforcement Rules art. 7"]
