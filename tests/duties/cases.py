"""Helpers for the duties tests: build contract inputs and run them through the public entry point."""

from __future__ import annotations

from typing import Any

from sonae.duties.rules import assess_json_payload

BASE_FACTS: dict[str, Any] = {
    "discovered_at": "2025-10-06T10:00+09:00",  # a Monday, business hours
    "role": "controller",
    "data_items": ["name", "address"],
    "persons": 10,
    "cause": "misdelivery",
}


def facts(**overrides: Any) -> dict[str, Any]:
    """A valid contract input: ``BASE_FACTS`` with ``overrides`` (a value of ``...`` removes the field)."""
    data = dict(BASE_FACTS)
    for key, value in overrides.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def assess_ok(obj: dict[str, Any]) -> dict[str, Any]:
    """The contract output for a valid input (fails the test when the input was refused)."""
    output, ok = assess_json_payload(obj)
    assert ok, output
    return output


def assess_error(obj: Any) -> dict[str, Any]:
    """The ``error`` object for an invalid input (fails the test when it was accepted)."""
    output, ok = assess_json_payload(obj)
    assert not ok, output
    return output["error"]


def warning_codes(output: dict[str, Any]) -> list[str]:
    return [w["code"] for w in output["warnings"]]


def warning_text(output: dict[str, Any], code: str) -> str:
    return next(w["message"] for w in output["warnings"] if w["code"] == code)
