"""The JSON face of the calculation, shared by ``sonae claims calculate`` and ``POST /api/v1/claims/calculate``."""

from __future__ import annotations

from typing import Any

from sonae.core.errors import InvalidInput

from .engine import calculate
from .parse import loads, parse_claim_input


def error_payload(error: InvalidInput) -> dict:
    """The contract's error object, keys in the contract's order (code, field, message)."""
    return {"error": {"code": error.code, "field": error.field, "message": error.message}}


def calculate_json_payload(obj: Any) -> tuple[dict, bool]:
    """Run the calculation on the contract's input and return ``(output, ok)``.

    ``obj`` is the input already parsed from JSON (a dict), or the raw JSON text / bytes, which is then parsed with
    exact decimals. On success ``output`` is the contract's result object and ``ok`` is True; on bad input it is
    ``{"error": {"code": "invalid_input", "field", "message"}}`` and ``ok`` is False (the CLI exits 2, the API
    answers 400).
    """
    try:
        if isinstance(obj, (str, bytes)):
            obj = loads(obj)
        claim = parse_claim_input(obj)
    except InvalidInput as error:
        return error_payload(error), False
    return calculate(claim.terms, claim.already_paid, claim.expenses).to_dict(), True
