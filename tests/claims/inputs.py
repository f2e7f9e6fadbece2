"""Input builders for the claim calculation tests (the contract's worked example and small variations)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

# claims-contract.md v1, "Input" — the worked example, verbatim.
WORKED_EXAMPLE_JSON = """
{
  "terms": {
    "liability": {"limit": 100000000, "deductible": 0,
                  "items": {"damages": {}, "litigation": {"requires_prior_approval": true}, "cooperation": {}}},
    "costs": {"limit": 30000000, "deductible": 100000,
              "items": {
                "investigation": {"sublimit": 30000000, "pay_ratio": 1.0},
                "call_center": {"sublimit": 10000000, "pay_ratio": 0.9},
                "condolence": {"sublimit": 5000000, "pay_ratio": 1.0, "per_individual_cap": 1000,
                               "per_corporation_cap": 50000, "requires_consent": true}
              }}
  },
  "already_paid": {"liability": 0, "costs": 0, "items": {"investigation": 0}},
  "expenses": [
    {"id": "E1", "part": "costs", "item": "investigation", "amount": 3500000},
    {"id": "E2", "part": "costs", "item": "condolence", "amount": 700000,
     "individuals": 600, "corporations": 2, "consent": true},
    {"id": "E3", "part": "liability", "item": "litigation", "amount": 2000000, "prior_approval": false}
  ]
}
"""

# claims-contract.md v1, "Output" — completed from the worked example's prose.
WORKED_EXAMPLE_OUTPUT = {
    "contract_version": 1,
    "expenses": [
        {"id": "E1", "eligible": 3500000, "reasons": []},
        {"id": "E2", "eligible": 700000, "reasons": []},
        {"id": "E3", "eligible": 0, "reasons": ["no_prior_approval"]},
    ],
    "items": {"costs": {"investigation": 3500000, "condolence": 700000}, "liability": {"litigation": 0}},
    "parts": {
        "costs": {"before_deductible": 4200000, "payable": 4100000, "limit_remaining": 25900000},
        "liability": {"before_deductible": 0, "payable": 0, "limit_remaining": 100000000},
    },
    "total_payable": 4100000,
    "reasons": {"costs": ["deductible"], "liability": []},
}


def example_input() -> dict:
    """A fresh copy of the worked example's input, parsed with exact decimals."""
    return json.loads(WORKED_EXAMPLE_JSON, parse_float=Decimal)


def with_expenses(*expenses: dict, already_paid: dict | None = None, terms: dict | None = None) -> dict:
    """The worked example's terms with other expenses (and optionally other earlier payments or terms)."""
    data = example_input()
    data["expenses"] = [copy.deepcopy(e) for e in expenses]
    if already_paid is not None:
        data["already_paid"] = already_paid
    if terms is not None:
        data["terms"] = terms
    return data
