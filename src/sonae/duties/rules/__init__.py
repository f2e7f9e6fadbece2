"""The legal duties engine (pure: no Django): what APPI and the My Number Act require after an incident.

Input and output follow ``domain/duties-contract.md`` (version 1); the law and Sonae's readings R1–R17 are in
``domain/law.md``. Modules: ``vocab`` (codes and Japanese labels), ``facts`` (input and validation), ``classify``
(is it a leak at all), ``appi`` and ``my_number`` (the two regimes), ``deadlines`` (business calendar),
``advice`` (recommendations and warnings), ``engine`` (``assess``), ``serialize`` (JSON in and out).

Entry points:
- ``assess_json_payload(payload) -> (output, ok)`` for the CLI and the API (decoded JSON object or array);
- ``parse_facts(obj) -> Facts`` and ``assess(facts) -> Assessment`` for Python callers;
- the vocabularies (``DATA_ITEMS``, ``CAUSES``, ``*_LABELS``) for UIs and the OpenAPI schema.
"""

from .engine import assess
from .facts import Facts, parse_facts
from .results import (
    CONTRACT_VERSION,
    AppiResult,
    Assessment,
    DutyWarning,
    EntrustingPartyDuties,
    MyNumberResult,
)
from .serialize import assess_json_payload, assessment_to_dict, decode_json_document, dumps, error_envelope
from .vocab import (
    APPI_CATEGORY_LABELS,
    CAUSE_LABELS,
    CAUSES,
    DATA_ITEM_CLASS_LABELS,
    DATA_ITEM_LABELS,
    DATA_ITEMS,
    DATA_SCOPE_LABELS,
    EXFILTRATION_LABELS,
    MY_NUMBER_CATEGORY_LABELS,
    RECOMMENDATION_LABELS,
    REPORTING_MODE_LABELS,
    ROLE_LABELS,
    SONAE_READINGS,
    Cause,
    DataItem,
)

__all__ = [
    "APPI_CATEGORY_LABELS",
    "CAUSE_LABELS",
    "CAUSES",
    "CONTRACT_VERSION",
    "DATA_ITEM_CLASS_LABELS",
    "DATA_ITEM_LABELS",
    "DATA_ITEMS",
    "DATA_SCOPE_LABELS",
    "EXFILTRATION_LABELS",
    "MY_NUMBER_CATEGORY_LABELS",
    "RECOMMENDATION_LABELS",
    "REPORTING_MODE_LABELS",
    "ROLE_LABELS",
    "SONAE_READINGS",
    "AppiResult",
    "Assessment",
    "Cause",
    "DataItem",
    "DutyWarning",
    "EntrustingPartyDuties",
    "Facts",
    "MyNumberResult",
    "assess",
    "assess_json_payload",
    "assessment_to_dict",
    "decode_json_document",
    "dumps",
    "error_envelope",
    "parse_facts",
]
