"""My Number Act art. 29-4: report and individual notice for specific personal information (law.md §6).

Situations implemented (My Number Rule art. 2): (ii) unauthorized purpose, (iii) viewable by unspecified many by
electronic means (PPC My Number Q&A 17-10), (iv) more than 100 individuals. Item (i) (network and 個人番号利用事務
systems) has no input field: Sonae's members process My Numbers as employers (個人番号関係事務).
Deadlines are aligned with APPI (Sonae reading R16): 速報 target as R3, 確報 30 days (60 for unauthorized purpose),
day 1 and rolling as R1/R2.

Decisions (conservative, law.md §0):
- The regime applies when ``my_number`` is among the data items or ``my_number_persons`` > 0.
- The same exclusions as APPI (high-level encryption with the key safe, misdelivery retrieved unread, intact
  backup for a loss/damage): law.md §6 says the encryption exclusion exists here too; the other two follow the
  parallel My Number Q&A and the meaning of 漏えい/滅失.
- R14 is applied here too: information being acquired can only fall under the unauthorized-purpose item (whether
  the 2024 extension reached the My Number Rule is open; conservatively it is assumed to have).
- The contractor release of APPI (R5) is not applied: the My Number block has no reporting mode and the text of
  My Number Rule art. 4 was not verified, so the business is told it reports itself (warning R16).
- ``publicly_viewable`` alone (no unauthorized purpose) gives the viewable category, not unauthorized purpose (R13).
"""

from __future__ import annotations

from sonae.jp.calendar import tokyo_date

from . import classify
from .deadlines import final_period_days, report_dates
from .facts import Facts
from .results import MyNumberResult, sorted_basis
from .vocab import BEING_ACQUIRED, MY_NUMBER_ITEM

OVER_100_THRESHOLD = 100  # My Number Rule art. 2(iv): "more than 100"

CATEGORY_BASIS = {
    "unauthorized_purpose": "My Number Rule art. 2(ii)",
    "viewable_by_unspecified_many": "My Number Rule art. 2(iii)",
    "over_100": "My Number Rule art. 2(iv)",
}
EXCLUSION_BASIS = {
    classify.ENCRYPTED: ("PPC My Number Q&A 17-14",),
    classify.RETRIEVED_UNREAD: ("PPC My Number Q&A 17-1",),
    classify.BACKUP_INTACT: ("My Number Rule art. 2",),
}

NOT_APPLICABLE = MyNumberResult(
    applicable=False,
    report_required=False,
    categories=(),
    preliminary_report_target=None,
    final_report_due=None,
    final_period_days=None,
    individual_notice_required=False,
    basis=(),
)


def my_number_applicable(facts: Facts) -> bool:
    """Whether specific personal information (My Numbers) is affected."""
    return MY_NUMBER_ITEM in facts.data_items or (facts.my_number_persons or 0) > 0


def my_number_persons(facts: Facts) -> int:
    """Individuals whose My Number is affected: the explicit count, else ``persons`` (contract)."""
    return facts.my_number_persons if facts.my_number_persons is not None else facts.persons


def my_number_categories(facts: Facts) -> tuple[str, ...]:
    """The My Number Rule art. 2 items that apply, sorted; empty when not applicable or excluded."""
    if not my_number_applicable(facts) or classify.exclusion(facts):
        return ()
    up = classify.unauthorized_purpose(facts)
    if facts.data_scope == BEING_ACQUIRED:  # Sonae reading R14
        return ("unauthorized_purpose",) if up else ()
    categories = set()
    if up:
        categories.add("unauthorized_purpose")
    if classify.publicly_viewable(facts):
        categories.add("viewable_by_unspecified_many")  # Sonae reading R13
    if my_number_persons(facts) > OVER_100_THRESHOLD:
        categories.add("over_100")
    return tuple(sorted(categories))


def assess_my_number(facts: Facts) -> MyNumberResult:
    """The My Number Act duties of the business described by ``facts``."""
    if not my_number_applicable(facts):
        return NOT_APPLICABLE
    basis = ["My Number Act art. 29-4(1)"]
    categories = my_number_categories(facts)
    if not categories:
        reason = classify.exclusion(facts)
        basis += EXCLUSION_BASIS[reason] if reason else ["My Number Rule art. 2"]
        if facts.data_scope == BEING_ACQUIRED:
            basis.append("Sonae reading R14")
        return MyNumberResult(
            applicable=True,
            report_required=False,
            categories=(),
            preliminary_report_target=None,
            final_report_due=None,
            final_period_days=None,
            individual_notice_required=False,
            basis=sorted_basis(basis),
        )

    period = final_period_days("unauthorized_purpose" in categories)  # Sonae reading R16
    dates = report_dates(tokyo_date(facts.discovered_at), period)
    basis += [CATEGORY_BASIS[c] for c in categories]
    basis += [
        "My Number Rule art. 3",
        "Sonae reading R1",
        "Sonae reading R2",
        "Sonae reading R3",
        "Sonae reading R16",
    ]
    if "viewable_by_unspecified_many" in categories:
        basis.append("Sonae reading R13")
    if facts.data_scope == BEING_ACQUIRED:
        basis.append("Sonae reading R14")
    return MyNumberResult(
        applicable=True,
        report_required=True,
        categories=categories,
        preliminary_report_target=dates.preliminary_report_target,
        final_report_due=dates.final_report_due,
        final_period_days=period,
        individual_notice_required=True,
        basis=sorted_basis(basis),
    )
