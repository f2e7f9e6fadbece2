"""The six worked examples of duties-contract.md, and law.md's examples."""

from __future__ import annotations

import pytest

from .cases import assess_ok, facts

NO_MY_NUMBER = {
    "applicable": False,
    "report_required": False,
    "categories": [],
    "preliminary_report_target": None,
    "final_report_due": None,
    "final_period_days": None,
    "individual_notice_required": False,
    "basis": [],
}

EXAMPLE_1_OUTPUT = {
    "contract_version": 1,
    "knowing_date": "2025-10-06",
    "appi": {
        "reportable_situation": True,
        "categories": ["sensitive"],
        "ppc_report_required": True,
        "reporting_mode": "own",
        "preliminary_report_target": "2025-10-10",
        "final_report_due": "2025-11-04",
        "final_report_due_reading_b": "2025-11-05",
        "final_period_days": 30,
        "individual_notice_required": True,
        "entrusting_party_notice_required": False,
        "entrusting_party_notice_target": None,
        "entrusting_party": None,
        "basis": [
            "APPI art. 26(1)",
            "Enforcement Rules art. 7(i)",
            "Enforcement Rules art. 8(2)",
            "Sonae reading R1",
            "Sonae reading R2",
            "Sonae reading R3",
        ],
    },
    "my_number": NO_MY_NUMBER,
    "recommendations": [],
    "warnings": [],
}


def test_example_1_misdelivered_fax_gives_exactly_the_contract_output():
    output = assess_ok(
        facts(
            discovered_at="2025-10-06T10:00+09:00",
            data_items=["name", "test_results"],
            persons=2,
            cause="misdelivery",
        )
    )
    assert output == EXAMPLE_1_OUTPUT


EXAMPLES = {
    "2 ransomware 5000 persons": (
        facts(
            discovered_at="2025-12-20T09:00+09:00",
            data_items=["name", "address", "medication"],
            persons=5000,
            cause="ransomware",
        ),
        {
            "knowing_date": "2025-12-20",
            "categories": ["over_1000", "sensitive", "unauthorized_purpose"],
            "ppc_report_required": True,
            "reporting_mode": "own",
            "preliminary_report_target": "2025-12-24",
            "final_report_due": "2026-02-17",
            "final_period_days": 60,
            "individual_notice_required": True,
        },
    ),
    "3 contractor loses a bag of meal orders": (
        facts(
            role="contractor",
            discovered_at="2026-03-10T18:00+09:00",
            data_items=["name", "ward", "diet_order"],
            persons=30,
            cause="loss",
            entrusting_party_notified_at="2026-03-12T10:00+09:00",
        ),
        {
            "knowing_date": "2026-03-10",
            "categories": ["sensitive"],
            "ppc_report_required": False,
            "reporting_mode": "via_entrusting_party",
            "preliminary_report_target": None,
            "final_report_due": None,
            "final_period_days": None,
            "individual_notice_required": False,
            "entrusting_party_notice_required": True,
            "entrusting_party_notice_target": "2026-03-14",
            "entrusting_party": {
                "knowing_date": "2026-03-12",
                "preliminary_report_target": "2026-03-16",
                "final_report_due": "2026-04-10",
                "final_period_days": 30,
                "individual_notice_required": True,
            },
        },
    ),
    "4 e-mail to the wrong recipient, ordinary data": (
        facts(data_items=["name", "address", "phone"], persons=800, cause="misdelivery_email"),
        {
            "reportable_situation": False,
            "categories": [],
            "ppc_report_required": False,
            "reporting_mode": "none",
            "preliminary_report_target": None,
            "final_report_due": None,
            "final_report_due_reading_b": None,
            "final_period_days": None,
            "individual_notice_required": False,
            "entrusting_party_notice_required": False,
            "entrusting_party_notice_target": None,
            "entrusting_party": None,
        },
    ),
    "5 encrypted USB stick, key kept apart": (
        facts(
            data_items=["name", "medical_history"],
            persons=3000,
            cause="loss",
            encrypted_high_level=True,
            key_compromised=False,
        ),
        {
            "reportable_situation": False,
            "categories": [],
            "ppc_report_required": False,
            "reporting_mode": "none",
        },
    ),
}


@pytest.mark.parametrize("case", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_contract_worked_example_appi(case):
    obj, expected = case
    output = assess_ok(obj)
    appi = dict(output["appi"], knowing_date=output["knowing_date"])
    assert {key: appi[key] for key in expected} == expected


def test_example_6_payroll_file_is_a_my_number_case_only():
    output = assess_ok(
        facts(
            discovered_at="2026-06-01T10:00+09:00",
            data_items=["name", "my_number", "salary"],
            persons=120,
            cause="misdelivery_email",
        )
    )
    assert output["appi"]["reportable_situation"] is False
    assert output["appi"]["ppc_report_required"] is False
    assert output["appi"]["individual_notice_required"] is False
    my_number = output["my_number"]
    assert my_number["applicable"] is True
    assert my_number["categories"] == ["over_100"]
    assert my_number["report_required"] is True
    assert my_number["preliminary_report_target"] == "2026-06-05"
    assert my_number["final_report_due"] == "2026-06-30"
    assert my_number["final_period_days"] == 30
    assert my_number["individual_notice_required"] is True


def test_law_example_disability_data_is_appi_item_1_even_for_40_people_with_my_number():
    # law.md §6: a My Number leak with disability data falls under APPI item 1 as well.
    output = assess_ok(
        facts(data_items=["name", "my_number", "disability"], persons=40, cause="misdelivery_email")
    )
    assert output["appi"]["categories"] == ["sensitive"]
    assert output["appi"]["ppc_report_required"] is True
    assert output["my_number"]["applicable"] is True
    assert output["my_number"]["report_required"] is False


def test_law_example_inpatient_list_without_diagnosis_is_sensitive():
    # law.md §1.5: the fact of being admitted is itself sensitive (PPC Q&A 1-28; Sonae reading R10).
    output = assess_ok(facts(data_items=["name", "ward"], persons=1))
    assert output["appi"]["categories"] == ["sensitive"]


def test_law_example_ransomware_restored_without_exfiltration_is_still_reportable():
    # Sonae reading R12.
    output = assess_ok(
        facts(
            data_items=["name", "address"],
            persons=50,
            cause="ransomware",
            exfiltration_evidence="none_found",
            backup_intact=True,
        )
    )
    assert output["appi"]["categories"] == ["unauthorized_purpose"]
    assert output["appi"]["final_period_days"] == 60
