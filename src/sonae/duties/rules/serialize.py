"""JSON in and out, exactly as duties-contract.md says; shared by the CLI and the API.

``assess_json_payload(payload)`` takes the decoded JSON (an object, or an array of objects) and returns
``(output, ok)``: the assessment dict (or a list of them, an ``{"error": ...}`` envelope in the place of each invalid
element) and whether every element was valid. Callers print ``output`` with ``ensure_ascii=False`` and exit with
status 2 (or answer HTTP 400) when ``ok`` is false.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sonae.core.errors import InvalidInput

from .engine import assess
from .facts import parse_facts
from .results import AppiResult, Assessment, EntrustingPartyDuties, MyNumberResult


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entrusting_party_to_dict(duties: EntrustingPartyDuties | None) -> dict | None:
    if duties is None:
        return None
    return {
        "knowing_date": _day(duties.knowing_date),
        "preliminary_report_target": _day(duties.preliminary_report_target),
        "final_report_due": _day(duties.final_report_due),
        "final_period_days": duties.final_period_days,
        "individual_notice_required": duties.individual_notice_required,
    }


def _appi_to_dict(appi: AppiResult) -> dict:
    return {
        "reportable_situation": appi.reportable_situation,
        "categories": list(appi.categories),
        "ppc_report_required": appi.ppc_report_required,
        "reporting_mode": appi.reporting_mode,
        "preliminary_report_target": _day(appi.preliminary_report_target),
        "final_report_due": _day(appi.final_report_due),
        "final_report_due_reading_b": _day(appi.final_report_due_reading_b),
        "final_period_days": appi.final_period_days,
        "individual_notice_required": appi.individual_notice_required,
        "entrusting_party_notice_required": appi.entrusting_party_notice_required,
        "entrusting_party_notice_target": _day(appi.entrusting_party_notice_target),
        "entrusting_party": _entrusting_party_to_dict(appi.entrusting_party),
        "basis": list(appi.basis),
    }


def _my_number_to_dict(result: MyNumberResult) -> dict:
    return {
        "applicable": result.applicable,
        "report_required": result.report_required,
        "categories": list(result.categories),
        "preliminary_report_target": _day(result.preliminary_report_target),
        "final_report_due": _day(result.final_report_due),
        "final_period_days": result.final_period_days,
        "individual_notice_required": result.individual_notice_required,
        "basis": list(result.basis),
    }


def assessment_to_dict(assessment: Assessment) -> dict:
    """The contract's output object for one assessment (keys in the contract's order, dates as YYYY-MM-DD)."""
    return {
        "contract_version": assessment.contract_version,
        "knowing_date": _day(assessment.knowing_date),
        "appi": _appi_to_dict(assessment.appi),
        "my_number": _my_number_to_dict(assessment.my_number),
        "recommendations": list(assessment.recommendations),
        "warnings": [{"code": w.code, "message": w.message} for w in assessment.warnings],
    }


def error_envelope(error: InvalidInput) -> dict:
    """``{"error": {"code", "field", "message"}}`` for one invalid input."""
    return {"error": {"code": error.code, "field": error.field, "message": error.message}}


def _assess_one(element: Any) -> tuple[dict, bool]:
    try:
        facts = parse_facts(element)
    except InvalidInput as error:
        return error_envelope(error), False
    return assessment_to_dict(assess(facts)), True


def assess_json_payload(payload: Any) -> tuple[dict | list, bool]:
    """Assess a decoded JSON payload: one object, or an array answered element by element in the same order."""
    if isinstance(payload, list):
        answers = [_assess_one(element) for element in payload]
        return [output for output, _ in answers], all(ok for _, ok in answers)
    return _assess_one(payload)


def decode_json_document(data: bytes | str) -> Any:
    """Decode a JSON document (UTF-8, a BOM tolerated); raises ``InvalidInput`` (field ``input``) when it is not."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(
                "入力がUTF-8のテキストではありません。UTF-8のJSONを指定してください。", field="input"
            ) from None
    try:
        return json.loads(data.removeprefix("\ufeff"))
    except RecursionError:
        raise InvalidInput("入力のJSONの入れ子が深すぎます。", field="input") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"入力をJSONとして読み取れません（{exc.lineno}行目 {exc.colno}文字目）。"
            "事案の事実のJSONオブジェクト、またはその配列を指定してください。",
            field="input",
        ) from None


def dumps(output: dict | list) -> str:
    """The output as JSON text (Japanese kept as is)."""
    return json.dumps(output, ensure_ascii=False, indent=2)
