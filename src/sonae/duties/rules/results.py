"""The engine's output as plain dataclasses (mirrors the contract's output; ``serialize`` turns it into JSON)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

CONTRACT_VERSION = 1


@dataclass(frozen=True)
class EntrustingPartyDuties:
    """The entrusting party's own duties, counted from the day it received the contractor's notice (R7)."""

    knowing_date: date
    preliminary_report_target: date
    final_report_due: date
    final_period_days: int
    individual_notice_required: bool


@dataclass(frozen=True)
class AppiResult:
    """APPI art. 26 duties of the assessed business."""

    reportable_situation: bool
    categories: tuple[str, ...]
    ppc_report_required: bool
    reporting_mode: str
    preliminary_report_target: date | None
    final_report_due: date | None
    final_report_due_reading_b: date | None
    final_period_days: int | None
    individual_notice_required: bool
    entrusting_party_notice_required: bool
    entrusting_party_notice_target: date | None
    entrusting_party: EntrustingPartyDuties | None
    basis: tuple[str, ...]


@dataclass(frozen=True)
class MyNumberResult:
    """My Number Act art. 29-4 duties of the assessed business."""

    applicable: bool
    report_required: bool
    categories: tuple[str, ...]
    preliminary_report_target: date | None
    final_report_due: date | None
    final_period_days: int | None
    individual_notice_required: bool
    basis: tuple[str, ...]


@dataclass(frozen=True)
class DutyWarning:
    """An open point (Sonae reading R1–R17) that matters in this case, explained in Japanese."""

    code: str
    message: str


@dataclass(frozen=True)
class Assessment:
    """Everything the engine says about one incident."""

    knowing_date: date
    appi: AppiResult
    my_number: MyNumberResult
    recommendations: tuple[str, ...] = ()
    warnings: tuple[DutyWarning, ...] = ()
    contract_version: int = field(default=CONTRACT_VERSION)


# Basis strings are listed statute first, then rules, guidance and Sonae readings, each in numeric order.
_SOURCE_ORDER = (
    "APPI",
    "Enforcement Rules",
    "My Number Act",
    "My Number Rule",
    "PPC guidelines",
    "PPC Q&A",
    "PPC My Number Q&A",
    "Sonae reading",
)


def _natural(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _basis_key(text: str) -> tuple:
    rank = next((i for i, prefix in enumerate(_SOURCE_ORDER) if text.startswith(prefix)), len(_SOURCE_ORDER))
    return (rank, _natural(text))


def sorted_basis(items) -> tuple[str, ...]:
    """The distinct basis strings in a stable, readable order (statute, rules, guidance, readings R1…R17)."""
    return tuple(sorted(set(items), key=_basis_key))
