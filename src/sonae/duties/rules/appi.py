"""APPI art. 26: the reportable situations of Enforcement Rules art. 7 and who reports by when.

Controller: reports itself (``own``) and notifies the individuals.

Contractor (委託先), law.md §3 and Sonae readings R5–R8:
- In a reportable situation it must notify the entrusting party (Enforcement Rules art. 9); target = its knowing
  date + 4 (R5).
- ``joint_report``: mode ``joint``; the contractor's clock governs the joint report, the entrusting party notifies
  the individuals (R8). Joint takes precedence over the release below: a business that files, files jointly.
- Notified by the target: released from its own report and individual notice (``via_entrusting_party``, R5).
- Notified late: keeps its own duties (``own``; R5, conservative). Not notified yet: ``own`` as well (R6).
- Once notified, the entrusting party's own duties count from the notice date (R7); they are shown in every mode.

Decisions: the final period is 60 days whenever the unauthorized-purpose category is present, even with others
(law.md §2.1). When the situation is not reportable, ``entrusting_party`` is null (it has no duties either).
Individual notice rides on APPI art. 26(1) in ``basis`` (as in the contract's example); ``APPI art. 26(2)`` is cited
where the contractor is released from it.
"""

from __future__ import annotations

from datetime import date

from sonae.jp.calendar import tokyo_date

from . import classify
from .deadlines import final_period_days, preliminary_target, report_dates
from .facts import Facts
from .results import AppiResult, EntrustingPartyDuties, sorted_basis
from .vocab import (
    BEING_ACQUIRED,
    CONTROLLER,
    DATA_ITEMS,
    FINANCIAL,
    JOINT,
    NONE,
    OWN,
    SENSITIVE,
    VIA_ENTRUSTING_PARTY,
)

OVER_1000_THRESHOLD = 1000  # Enforcement Rules art. 7(iv): "more than 1,000"

CATEGORY_BASIS = {
    "sensitive": "Enforcement Rules art. 7(i)",
    "financial": "Enforcement Rules art. 7(ii)",
    "unauthorized_purpose": "Enforcement Rules art. 7(iii)",
    "over_1000": "Enforcement Rules art. 7(iv)",
}
EXCLUSION_BASIS = {
    classify.ENCRYPTED: ("Enforcement Rules art. 7(i)",),
    classify.RETRIEVED_UNREAD: ("PPC guidelines (general) 3-5-1", "PPC Q&A 6-1"),
    classify.BACKUP_INTACT: ("PPC guidelines (general) 3-5-1",),
}
DATE_BASIS = ("Enforcement Rules art. 8(2)", "Sonae reading R1", "Sonae reading R2", "Sonae reading R3")
R10_ITEMS = frozenset(code for code, item in DATA_ITEMS.items() if item.reading == "R10")
R17_FINANCIAL_ITEMS = frozenset({"bank_account_pin", "payment_credentials"})
R17_ORDINARY_ITEMS = frozenset({"bank_account", "login_credentials"})
R11_ITEMS = frozenset({"my_number", "insurance_card_number"})


def financial_damage_risk(facts: Facts) -> bool:
    """The financial-damage flag: the explicit override, else a financial data item is affected (R17)."""
    if facts.financial_damage_risk is not None:
        return facts.financial_damage_risk
    return any(DATA_ITEMS[code].item_class == FINANCIAL for code in facts.data_items)


def appi_categories(facts: Facts) -> tuple[str, ...]:
    """The Enforcement Rules art. 7 items that apply, sorted; empty when the event is not reportable."""
    if classify.exclusion(facts):
        return ()
    up = classify.unauthorized_purpose(facts)
    # Sonae reading R14: information being acquired can only fall under the unauthorized-purpose item.
    if facts.data_scope == BEING_ACQUIRED:
        return ("unauthorized_purpose",) if up else ()
    categories = set()
    if any(DATA_ITEMS[code].item_class == SENSITIVE for code in facts.data_items):
        categories.add("sensitive")  # Enforcement Rules art. 7(i); Sonae readings R9, R10
    if financial_damage_risk(facts):
        categories.add("financial")  # Enforcement Rules art. 7(ii); Sonae reading R17
    if up:
        categories.add("unauthorized_purpose")  # Enforcement Rules art. 7(iii); Sonae reading R12
    if facts.persons > OVER_1000_THRESHOLD:
        categories.add("over_1000")  # Enforcement Rules art. 7(iv)
    return tuple(sorted(categories))


def _situation_basis(facts: Facts, categories: tuple[str, ...]) -> list[str]:
    basis = ["APPI art. 26(1)"] + [CATEGORY_BASIS[c] for c in categories]
    items = set(facts.data_items)
    if "sensitive" in categories:
        if "lifestyle_medical" in items:
            basis.append("Sonae reading R9")
        if items & R10_ITEMS:
            basis.append("Sonae reading R10")
    if "financial" in categories and facts.financial_damage_risk is None and items & R17_FINANCIAL_ITEMS:
        basis.append("Sonae reading R17")
    if "unauthorized_purpose" in categories and classify.r12_applies(facts):
        basis.append("Sonae reading R12")
    if facts.data_scope == BEING_ACQUIRED:
        basis.append("Sonae reading R14")
    return basis


def _not_reportable_basis(facts: Facts) -> list[str]:
    reason = classify.exclusion(facts)
    if reason:
        return ["APPI art. 26(1)", *EXCLUSION_BASIS[reason]]
    basis = ["APPI art. 26(1)", "Enforcement Rules art. 7"]
    items = set(facts.data_items)
    # The readings that kept a category away, so the user sees why nothing is due.
    if "lifestyle" in items:
        basis.append("Sonae reading R9")
    if items & R11_ITEMS:
        basis.append("Sonae reading R11")
    if classify.publicly_viewable(facts):
        basis.append("Sonae reading R13")
    if facts.data_scope == BEING_ACQUIRED:
        basis.append("Sonae reading R14")
    if items & R17_ORDINARY_ITEMS:
        basis.append("Sonae reading R17")
    return basis


def entrusting_party_duties(notice_date: date, period_days: int) -> EntrustingPartyDuties:
    """The entrusting party's duties when it learns of the situation from the contractor's notice (R7)."""
    dates = report_dates(notice_date, period_days)
    return EntrustingPartyDuties(
        knowing_date=notice_date,
        preliminary_report_target=dates.preliminary_report_target,
        final_report_due=dates.final_report_due,
        final_period_days=period_days,
        individual_notice_required=True,
    )


def assess_appi(facts: Facts) -> AppiResult:
    """The APPI art. 26 duties of the business described by ``facts``."""
    knowing = tokyo_date(facts.discovered_at)  # Sonae reading R4
    categories = appi_categories(facts)
    if not categories:
        return AppiResult(
            reportable_situation=False,
            categories=(),
            ppc_report_required=False,
            reporting_mode=NONE,
            preliminary_report_target=None,
            final_report_due=None,
            final_report_due_reading_b=None,
            final_period_days=None,
            individual_notice_required=False,
            entrusting_party_notice_required=False,
            entrusting_party_notice_target=None,
            entrusting_party=None,
            basis=sorted_basis(_not_reportable_basis(facts)),
        )

    period = final_period_days("unauthorized_purpose" in categories)
    basis = _situation_basis(facts, categories)
    notice_target = None
    entrusting_party = None
    if facts.role == CONTROLLER:
        mode, individual_notice = OWN, True
    else:
        notice_target = preliminary_target(knowing)  # Enforcement Rules art. 9; Sonae reading R5
        basis += ["Enforcement Rules art. 9", "Sonae reading R5"]
        notified = facts.entrusting_party_notified_at
        if notified is not None:
            entrusting_party = entrusting_party_duties(tokyo_date(notified), period)
            basis += ["Sonae reading R7", *DATE_BASIS]
        if facts.joint_report:
            mode, individual_notice = JOINT, False  # Sonae reading R8
            basis.append("Sonae reading R8")
        elif notified is not None and tokyo_date(notified) <= notice_target:
            mode, individual_notice = VIA_ENTRUSTING_PARTY, False  # APPI art. 26(1) proviso, 26(2)
            basis.append("APPI art. 26(2)")
        else:
            mode, individual_notice = OWN, True  # R5 (late notice) / R6 (not yet notified)
            if notified is None:
                basis.append("Sonae reading R6")

    own_report = mode != VIA_ENTRUSTING_PARTY
    dates = report_dates(knowing, period) if own_report else None
    if own_report:
        basis += DATE_BASIS
    return AppiResult(
        reportable_situation=True,
        categories=categories,
        ppc_report_required=own_report,
        reporting_mode=mode,
        preliminary_report_target=dates.preliminary_report_target if dates else None,
        final_report_due=dates.final_report_due if dates else None,
        final_report_due_reading_b=dates.final_report_due_reading_b if dates else None,
        final_period_days=period if dates else None,
        individual_notice_required=individual_notice,
        entrusting_party_notice_required=facts.role != CONTROLLER,
        entrusting_party_notice_target=notice_target,
        entrusting_party=entrusting_party,
        basis=sorted_basis(basis),
    )
