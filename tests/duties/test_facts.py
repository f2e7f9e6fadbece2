"""Input validation: every bad input names its field and explains in Japanese, listing valid values."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sonae.core.errors import InvalidInput
from sonae.duties.rules import parse_facts

from .cases import assess_error, assess_ok, facts

REQUIRED = ["discovered_at", "role", "data_items", "persons", "cause"]


@pytest.mark.parametrize("field", REQUIRED)
def test_missing_required_field_is_named(field):
    error = assess_error(facts(**{field: ...}))
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert "必須" in error["message"]


@pytest.mark.parametrize("field", REQUIRED)
def test_null_required_field_is_refused(field):
    assert assess_error(facts(**{field: None}))["field"] == field


def test_unknown_data_item_code_lists_the_valid_codes_with_labels():
    error = assess_error(facts(data_items=["name", "blood_type"]))
    assert error["field"] == "data_items"
    assert "blood_type" in error["message"]
    assert "name（氏名）" in error["message"]
    assert "lifestyle_medical（生活習慣（健診・保健指導等の記録））" in error["message"]


def test_unknown_cause_lists_the_valid_causes():
    error = assess_error(facts(cause="earthquake"))
    assert error["field"] == "cause"
    assert "ransomware（ランサムウェア）" in error["message"]


def test_unknown_role_lists_the_roles():
    error = assess_error(facts(role="hospital"))
    assert error["field"] == "role"
    assert "controller" in error["message"] and "contractor" in error["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("exfiltration_evidence", "maybe"), ("data_scope", "all")],
)
def test_unknown_enumeration_value_lists_the_valid_values(field, value):
    error = assess_error(facts(**{field: value}))
    assert error["field"] == field
    assert "使用できる値" in error["message"]


@pytest.mark.parametrize("value", [-1, "30", 30.0, 30.5, True, None])
def test_persons_must_be_a_non_negative_json_integer(value):
    assert assess_error(facts(persons=value))["field"] == "persons"


@pytest.mark.parametrize("value", [-1, "3", 2.0, False])
def test_my_number_persons_must_be_a_non_negative_integer_or_null(value):
    assert assess_error(facts(my_number_persons=value))["field"] == "my_number_persons"


def test_zero_persons_is_valid():
    assert assess_ok(facts(persons=0))["knowing_date"] == "2025-10-06"


@pytest.mark.parametrize(
    "value",
    [
        "2025-10-06",
        "2025-10-06T10:00",
        "2025-10-06T10:00:00.000",
        "yesterday",
        "",
        1759712400,
        ["2025-10-06"],
    ],
)
def test_discovered_at_must_be_an_instant_with_an_offset(value):
    error = assess_error(facts(discovered_at=value))
    assert error["field"] == "discovered_at"
    assert "時差" in error["message"]


def test_notified_at_without_offset_is_refused():
    error = assess_error(facts(role="contractor", entrusting_party_notified_at="2025-10-07T10:00"))
    assert error["field"] == "entrusting_party_notified_at"


def test_notified_before_discovery_is_refused():
    error = assess_error(facts(role="contractor", entrusting_party_notified_at="2025-10-05T10:00+09:00"))
    assert error["field"] == "entrusting_party_notified_at"


@pytest.mark.parametrize(
    "value", ["2025-10-06T01:00:00Z", "2025-10-06T10:00:00+09:00", "2025-10-05T20:00-05:00"]
)
def test_any_offset_notation_is_accepted(value):
    assert assess_ok(facts(discovered_at=value))["knowing_date"] == "2025-10-06"


def test_instant_outside_supported_years_is_refused():
    assert assess_error(facts(discovered_at="1999-12-31T10:00+09:00"))["field"] == "discovered_at"


@pytest.mark.parametrize(
    "field",
    [
        "joint_report",
        "encrypted_high_level",
        "key_compromised",
        "backup_intact",
        "recipient_confirmed_deleted_unread",
    ],
)
def test_boolean_flags_must_be_json_booleans(field):
    error = assess_error(facts(**{field: "yes"}))
    assert error["field"] == field
    assert "true" in error["message"]


@pytest.mark.parametrize("field", ["unauthorized_purpose", "financial_damage_risk", "publicly_viewable"])
def test_nullable_overrides_must_be_booleans_or_null(field):
    assert assess_error(facts(**{field: 1}))["field"] == field
    assess_ok(facts(**{field: None}))


@pytest.mark.parametrize("value", ["name", [], {"name": True}, [1]])
def test_data_items_must_be_a_non_empty_list_of_codes(value):
    assert assess_error(facts(data_items=value))["field"] == "data_items"


def test_unknown_fields_are_ignored():
    assert assess_ok(facts(hospital_name="第一病院", notes={"a": 1}))["knowing_date"] == "2025-10-06"


def test_null_for_a_defaulted_field_means_the_default():
    parsed = parse_facts(
        facts(joint_report=None, exfiltration_evidence=None, data_scope=None, backup_intact=None)
    )
    assert parsed.joint_report is False
    assert parsed.exfiltration_evidence == "unknown"
    assert parsed.data_scope == "held"
    assert parsed.backup_intact is False


def test_repeated_data_items_are_counted_once():
    assert parse_facts(facts(data_items=["name", "name", "ward"])).data_items == ("name", "ward")


@pytest.mark.parametrize("value", ["text", 3, None, True])
def test_an_element_that_is_not_an_object_is_refused(value):
    with pytest.raises(InvalidInput) as raised:
        parse_facts(value)
    assert raised.value.field == "input"


def test_parse_facts_keeps_the_instants_aware():
    parsed = parse_facts(facts(discovered_at="2025-10-06T01:00:00Z"))
    assert parsed.discovered_at == datetime(2025, 10, 6, 10, 0, tzinfo=timezone(timedelta(hours=9)))
