"""Drafts of the reports and notices a case needs, in Japanese, prefilled from the case and its latest assessment.

Kinds: the PPC report (速報 and 確報: Enforcement Rules art. 8, its nine items), the notice to the entrusting party
(art. 9), the notice to individuals (art. 10: its five contents), the My Number Act report (速報 and 確報), and the
public announcement that replaces individual notices when individuals cannot be reached (APPI art. 26(2) proviso).
What the case does not know yet is written 「調査中」; what only the business can fill in (address, representative,
contact) is 「（記入してください）」. The user edits every part in a form before downloading (PDF or DOCX).

A ``Draft`` is plain data: header lines, a table of short fields, and numbered sections of free text.
"""

from __future__ import annotations

from .base import (
    DRAFT_KINDS,
    ENTRUSTING_PARTY_NOTICE,
    FILE_STEMS,
    FILL,
    INDIVIDUAL_NOTICE,
    MY_NUMBER_FINAL,
    MY_NUMBER_PRELIMINARY,
    PPC_FINAL,
    PPC_PRELIMINARY,
    PUBLIC_ANNOUNCEMENT,
    UNKNOWN,
    CaseData,
    Draft,
    DraftField,
    DraftSection,
)
from .letters import entrusting_party_notice, individual_notice, public_announcement
from .reports import report

__all__ = [
    "DRAFT_KINDS",
    "FILE_STEMS",
    "FILL",
    "UNKNOWN",
    "CaseData",
    "Draft",
    "DraftField",
    "DraftSection",
    "available_kinds",
    "build_draft",
]


def available_kinds(result: dict, facts: dict) -> list[str]:
    """The drafts a case needs (in ``DRAFT_KINDS`` order): PPC reports and notices when the situation is
    reportable, the entrusting party's notice for every contractor (contracts require it), the My Number report
    when it is due."""
    appi, mn = result["appi"], result["my_number"]
    wanted = set()
    if appi["reportable_situation"]:
        wanted |= {PPC_PRELIMINARY, PPC_FINAL}
    if facts.get("role") == "contractor":
        wanted.add(ENTRUSTING_PARTY_NOTICE)
    if appi["reportable_situation"] or mn["report_required"]:
        wanted |= {INDIVIDUAL_NOTICE, PUBLIC_ANNOUNCEMENT}
    if mn["report_required"]:
        wanted |= {MY_NUMBER_PRELIMINARY, MY_NUMBER_FINAL}
    return [kind for kind in DRAFT_KINDS if kind in wanted]


def build_draft(kind: str, case: CaseData) -> Draft:
    """The prefilled draft of ``kind`` for the case."""
    builders = {
        PPC_PRELIMINARY: lambda: report(case, final=False, regime="appi", kind=kind),
        PPC_FINAL: lambda: report(case, final=True, regime="appi", kind=kind),
        MY_NUMBER_PRELIMINARY: lambda: report(case, final=False, regime="my_number", kind=kind),
        MY_NUMBER_FINAL: lambda: report(case, final=True, regime="my_number", kind=kind),
        ENTRUSTING_PARTY_NOTICE: lambda: entrusting_party_notice(case),
        INDIVIDUAL_NOTICE: lambda: individual_notice(case),
        PUBLIC_ANNOUNCEMENT: lambda: public_announcement(case),
    }
    return builders[kind]()
