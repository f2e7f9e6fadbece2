"""Recommendations and warnings."""

from __future__ import annotations

import re

import pytest

from sonae.duties.rules import RECOMMENDATION_LABELS

from .cases import assess_ok, facts, warning_codes


def recommendations(**overrides) -> list[str]:
    return assess_ok(facts(**overrides))["recommendations"]


def test_ransomware_recommends_police_nco_form_ipa_and_jpcert():
    result = recommendations(cause="ransomware", persons=5)
    assert result == [
        "police",
        "nco_common_form",
        "ipa_report",
        "jpcert_report",
        "prepare_for_erasure_requests",
    ]


@pytest.mark.parametrize("cause", ["unauthorized_access", "malware", "phishing", "web_skimming"])
def test_cyber_causes_recommend_police_ipa_and_jpcert_but_not_the_ransomware_form(cause):
    result = recommendations(cause=cause, encrypted_high_level=True)
    assert result == ["police", "ipa_report", "jpcert_report"]


@pytest.mark.parametrize("cause", ["theft", "insider_theft"])
def test_theft_recommends_the_police_only(cause):
    assert recommendations(cause=cause, encrypted_high_level=True) == ["police"]


def test_small_misdelivery_of_a_controller_has_no_recommendation():
    assert recommendations(data_items=["name", "test_results"], persons=2) == []


def test_every_contractor_is_reminded_of_its_contractual_notice():
    assert recommendations(role="contractor") == ["notify_entrusting_party_by_contract"]


def test_large_reportable_case_recommends_announcement_and_erasure_requests():
    result = recommendations(data_items=["name", "medical_history"], persons=1500, cause="loss")
    assert result == ["prepare_for_erasure_requests", "public_announcement_if_unreachable"]


def test_contractor_does_not_prepare_for_erasure_requests_on_entrusted_data():
    result = recommendations(
        role="contractor", data_items=["name", "medical_history"], persons=1500, cause="loss"
    )
    assert "prepare_for_erasure_requests" not in result
    assert "public_announcement_if_unreachable" in result


def test_web_skimming_of_data_being_acquired_recommends_a_public_announcement():
    result = recommendations(
        cause="web_skimming", data_scope="being_acquired", data_items=["name", "credit_card"]
    )
    assert "public_announcement_if_unreachable" in result


def test_recommendation_codes_come_from_the_contract_vocabulary():
    assert list(RECOMMENDATION_LABELS) == [
        "notify_entrusting_party_by_contract",
        "police",
        "nco_common_form",
        "ipa_report",
        "jpcert_report",
        "prepare_for_erasure_requests",
        "public_announcement_if_unreachable",
    ]


def test_warnings_are_sonae_readings_in_order_with_japanese_messages_naming_them():
    output = assess_ok(
        facts(
            role="contractor",
            discovered_at="2025-12-27T20:00+09:00",
            data_items=[
                "name",
                "diet_order",
                "lifestyle",
                "bank_account",
                "insurance_card_number",
                "my_number",
            ],
            persons=150,
            cause="public_exposure",
        )
    )
    codes = warning_codes(output)
    assert codes == ["R2", "R3", "R4", "R5", "R6", "R9", "R10", "R11", "R13", "R16", "R17"]
    for warning in output["warnings"]:
        assert re.fullmatch(r"R(1[0-7]|[1-9])", warning["code"])
        assert f"Sonae解釈{warning['code']}" in warning["message"]
        assert re.search(r"[ぁ-んァ-ヶ一-龠]", warning["message"])


def test_data_item_warnings_appear_even_when_nothing_is_due():
    output = assess_ok(facts(data_items=["name", "lifestyle"], encrypted_high_level=True))
    assert warning_codes(output) == ["R9"]
