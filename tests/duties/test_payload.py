"""``assess_json_payload`` and the JSON helpers shared by the CLI and the API."""

from __future__ import annotations

import pytest

from sonae.core.errors import InvalidInput
from sonae.duties.rules import assess_json_payload, decode_json_document, dumps

from .cases import facts

OUTPUT_KEYS = ["contract_version", "knowing_date", "appi", "my_number", "recommendations", "warnings"]
APPI_KEYS = [
    "reportable_situation",
    "categories",
    "ppc_report_required",
    "reporting_mode",
    "preliminary_report_target",
    "final_report_due",
    "final_report_due_reading_b",
    "final_period_days",
    "individual_notice_required",
    "entrusting_party_notice_required",
    "entrusting_party_notice_target",
    "entrusting_party",
    "basis",
]
MY_NUMBER_KEYS = [
    "applicable",
    "report_required",
    "categories",
    "preliminary_report_target",
    "final_report_due",
    "final_period_days",
    "individual_notice_required",
    "basis",
]


def test_output_has_exactly_the_contract_keys_in_order():
    output, ok = assess_json_payload(facts())
    assert ok
    assert list(output) == OUTPUT_KEYS
    assert list(output["appi"]) == APPI_KEYS
    assert list(output["my_number"]) == MY_NUMBER_KEYS


def test_array_is_answered_in_order_with_errors_in_place():
    payload = [facts(persons=1), facts(persons=-1), facts(data_items=["name", "ward"])]
    output, ok = assess_json_payload(payload)
    assert ok is False
    assert len(output) == 3
    assert output[0]["appi"]["reportable_situation"] is False
    assert output[1] == {
        "error": {"code": "invalid_input", "field": "persons", "message": output[1]["error"]["message"]}
    }
    assert output[2]["appi"]["categories"] == ["sensitive"]


def test_array_of_valid_inputs_is_ok():
    output, ok = assess_json_payload([facts(), facts()])
    assert ok is True
    assert [item["knowing_date"] for item in output] == ["2025-10-06", "2025-10-06"]


def test_empty_array_gives_empty_array():
    assert assess_json_payload([]) == ([], True)


@pytest.mark.parametrize("payload", ["text", 42, None])
def test_top_level_scalar_is_an_error_envelope(payload):
    output, ok = assess_json_payload(payload)
    assert ok is False
    assert output["error"]["field"] == "input"


def test_dumps_keeps_japanese_as_is():
    output, _ = assess_json_payload(facts(data_items=["name", "ward"]))
    text = dumps(output)
    assert "要配慮個人情報" in text
    assert "\\u" not in text


def test_decode_json_document_accepts_a_byte_order_mark():
    assert decode_json_document("\ufeff{}".encode()) == {}


@pytest.mark.parametrize("data", [b"{", b"\xff\xfe{}", "not json", b"[" * 100_000])
def test_decode_json_document_refuses_what_is_not_json(data):
    with pytest.raises(InvalidInput) as raised:
        decode_json_document(data)
    assert raised.value.field == "input"
    assert raised.value.code == "invalid_input"
