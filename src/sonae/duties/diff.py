"""What changed between two assessment versions: facts and result fields, in Japanese labels.

Pure (no Django). Facts are compared field by field (the stored facts are complete, so a missing key never hides
a change); the result is flattened to dotted paths (``appi.final_report_due``) and compared the same way.
Warnings are compared by their codes (R5, R6 …): their wording carries dates already shown elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import FACT_LABELS, RESULT_LABELS, format_value

# Extra facts kept next to the contract's input on an assessment (who the entrusting party is).
CONTEXT_LABELS = {"entrusting_party": "委託元"}


@dataclass(frozen=True)
class DiffRow:
    """One field that differs: its Japanese label and both values as users read them."""

    section: str  # "facts" or "result"
    field: str
    label: str
    before: str
    after: str


def _flatten(value: dict, prefix: str = "") -> dict:
    flat = {}
    for key, inner in value.items():
        path = f"{prefix}{key}"
        if isinstance(inner, dict):
            flat.update(_flatten(inner, path + "."))
        elif inner is None and path == "appi.entrusting_party":
            # A null block: its fields are all "none" (so a later block shows each field as added).
            for field in RESULT_LABELS:
                if field.startswith(path + "."):
                    flat[field] = None
        else:
            flat[path] = inner
    return flat


def _comparable(field: str, value):
    if field == "warnings":
        return [w["code"] for w in value or []]
    return value


def diff_facts(before: dict, after: dict) -> list[DiffRow]:
    """The input fields whose values differ (the contract's input order)."""
    rows = []
    for field, label in FACT_LABELS.items():
        a, b = before.get(field), after.get(field)
        if a != b:
            rows.append(DiffRow("facts", field, label, format_value(field, a), format_value(field, b)))
    return rows


def diff_results(before: dict, after: dict) -> list[DiffRow]:
    """The output fields whose values differ (reading order of ``RESULT_LABELS``)."""
    flat_a, flat_b = _flatten(before), _flatten(after)
    rows = []
    for field, label in RESULT_LABELS.items():
        a, b = _comparable(field, flat_a.get(field)), _comparable(field, flat_b.get(field))
        if a != b:
            rows.append(
                DiffRow(
                    "result",
                    field,
                    label,
                    format_value(field, flat_a.get(field)),
                    format_value(field, flat_b.get(field)),
                )
            )
    return rows


def diff_context(before: str, after: str) -> list[DiffRow]:
    """The entrusting party's name, when it changed."""
    if before == after:
        return []
    return [
        DiffRow("facts", "entrusting_party", CONTEXT_LABELS["entrusting_party"], before or "—", after or "—")
    ]
