"""The legal duties engine: facts in, duties out (law.md; contract in duties-contract.md)."""

from __future__ import annotations

from sonae.jp.calendar import tokyo_date

from .advice import recommendations, warnings
from .appi import assess_appi
from .facts import Facts
from .my_number import assess_my_number
from .results import Assessment


def assess(facts: Facts) -> Assessment:
    """Assess one incident: APPI art. 26 and My Number Act art. 29-4 duties, dates, advice and warnings.

    Pure and deterministic: the result depends only on ``facts`` (never on today's date).
    """
    appi = assess_appi(facts)
    my_number = assess_my_number(facts)
    return Assessment(
        knowing_date=tokyo_date(facts.discovered_at),  # Sonae reading R4
        appi=appi,
        my_number=my_number,
        recommendations=recommendations(facts, appi, my_number),
        warnings=warnings(facts, appi, my_number),
    )
