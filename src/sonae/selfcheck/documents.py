"""What a self-check, a vendor checklist and the cyber-BCP look like on screen and on paper: the template contexts
and the PDFs (and the checklist's workbook), shared by the pages and the API so that both render the same thing.

The caller has scoped the record (selectors) and records the export where the page does (services).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone

from sonae.jp.calendar import tokyo_date

from . import selectors
from .exports import vendor_checklist_xlsx
from .models import BcpPlan, SelfCheck, VendorChecklist
from .pdf import render_pdf
from .rules import bcp as bcp_rules
from .rules import vendor_checklist as vcl
from .rules.data_items import DATA_ITEM_LABELS
from .rules.questions import PARTS, QUESTIONS
from .rules.scoring import BAND_BY_CODE, score_answers

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    return tokyo_date(timezone.now())


def check_context(check: SelfCheck) -> dict:
    """A self-check's result: score, band, part scores and each question with its answer."""
    result = score_answers(check.answers)
    rows = [(q, check.answers.get(q.code)) for q in QUESTIONS]
    return {
        "check": check,
        "result": result,
        "band": BAND_BY_CODE[check.band],
        "parts": result.parts,
        "rows": rows,
        "part_labels": {p.code: p.label for p in PARTS},
    }


def checklist_context(checklist: VendorChecklist) -> dict:
    """A vendor checklist by section, each item with its answer, and the summary (open and overdue いいえ)."""
    answers = vcl.parse_stored(checklist.answers)
    sections = [(s, [(item, answers.get(item.code)) for item in vcl.items_of(s.code)]) for s in vcl.SECTIONS]
    return {
        "checklist": checklist,
        "sections": sections,
        "summary": selectors.vendor_checklist_summary(checklist),
        "answer_labels": vcl.ANSWER_LABELS,
    }


def bcp_context(plan: BcpPlan) -> dict:
    """The cyber-BCP with its steps, the organisation's notes, the reporting deadlines and what is missing."""
    today = _today()
    return {
        "plan": plan,
        "steps": [(step, (plan.step_notes or {}).get(step.code, "")) for step in bcp_rules.STEPS],
        "contact_categories": bcp_rules.CONTACT_CATEGORIES,
        "deadlines": bcp_rules.reporting_deadlines(),
        "missing": selectors.bcp_missing(plan),
        "review_state": bcp_rules.review_state(plan.reviewed_on, today)
        if plan.status == bcp_rules.ADOPTED
        else "",
        "review_labels": bcp_rules.REVIEW_LABELS,
        "status_label": bcp_rules.STATUS_LABELS[plan.status],
        "section_labels": bcp_rules.SECTION_LABELS,
        "data_item_labels": DATA_ITEM_LABELS,
        "desk_phone": settings.SONAE_DESK_PHONE,
    }


def check_pdf(check: SelfCheck, organisation) -> tuple[bytes, str]:
    """(PDF, file name) of a self-check's result."""
    context = {**check_context(check), "organisation": organisation}
    return render_pdf("selfcheck/pdf/check.html", context), f"selfcheck-{check.pk}.pdf"


def checklist_pdf(checklist: VendorChecklist, organisation) -> tuple[bytes, str]:
    """(PDF, file name) of a vendor checklist."""
    context = {**checklist_context(checklist), "organisation": organisation}
    return (
        render_pdf("selfcheck/pdf/vendor_checklist.html", context),
        f"checklist-{checklist.checked_on:%Y%m%d}.pdf",
    )


def checklist_xlsx(checklist: VendorChecklist) -> tuple[bytes, str]:
    """(workbook, file name) of a vendor checklist (hospitals keep their contractors' checklists in Excel)."""
    return vendor_checklist_xlsx(checklist), f"checklist-{checklist.checked_on:%Y%m%d}.xlsx"


def bcp_pdf(plan: BcpPlan, organisation) -> tuple[bytes, str]:
    """(PDF, file name) of the cyber-BCP, contact chart included."""
    context = {**bcp_context(plan), "organisation": organisation, "printed_on": _today()}
    return render_pdf("selfcheck/pdf/bcp.html", context), "cyber-bcp.pdf"
