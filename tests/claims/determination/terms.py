"""Helpers of the determination tests: the shipped year files' terms, policy periods and inputs (no database)."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from sonae.claims.determination import Cause, Declarations, DeterminationInput, PolicyPeriod
from sonae.jp.calendar import TOKYO
from sonae.programme.terms import ProgrammeTerms, parse_terms

DATA = Path(__file__).resolve().parents[3] / "src" / "sonae" / "programme" / "data"


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


@lru_cache(maxsize=4)
def year_terms(code: str = "2025") -> ProgrammeTerms:
    return parse_terms(yaml.safe_load((DATA / f"{code}.yaml").read_text(encoding="utf-8")))


@lru_cache(maxsize=16)
def policy_terms(plan: str = "A", code: str = "2025", riders=()):
    terms = year_terms(code)
    return terms.cover.policy_terms(plan, terms.plan(plan).coverage, riders=riders, version=terms.version)


def year_period(code: str = "2025", key: str = "") -> PolicyPeriod:
    terms = year_terms(code)
    return PolicyPeriod(terms.period_start, terms.period_end, key or f"P-{code}")


def make_input(
    *,
    plan: str = "A",
    discovered_at: datetime | None = None,
    category: str | None = "ransomware",
    cause: str | None = None,
    data_at_risk: bool = False,
    facts: dict | None = None,
    known_circumstances: bool = False,
    past_incidents: bool = False,
    period: PolicyPeriod | None = None,
    riders=(),
    assumed: bool = False,
) -> DeterminationInput:
    return DeterminationInput(
        terms=policy_terms(plan, riders=tuple(riders)),
        period=period or year_period(),
        discovered_at=discovered_at if discovered_at is not None else jst(2025, 11, 10, 9, 0),
        cause=Cause(category=category, cause=cause, personal_data_at_risk=data_at_risk),
        facts=facts or {},
        declarations=Declarations(known_circumstances=known_circumstances, past_incidents=past_incidents),
        discovered_at_assumed=assumed,
    )
