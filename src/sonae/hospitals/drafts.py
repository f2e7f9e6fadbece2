"""Drafts for the hospital: its own report to the PPC and its notice to patients, prefilled from what the
contractor shared (the notice, the case facts) and the hospital's own duties (R7, R8).

Structure of the PPC draft: law.md §5.1 (header, items 1–9 of Enforcement Rules art. 8(1); unknown items marked
「調査中」). The patient notice carries the items Enforcement Rules art. 10 asks for (overview, data items, cause,
secondary damage, contact point). The same body partial renders the on-screen preview and the PDF.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from sonae.core.models import Organisation
from sonae.documents.pdf import render_pdf
from sonae.jp.calendar import tokyo_date

from .models import ContractorLink, LinkStatus
from .selectors import CaseView

DRAFT_KINDS: dict[str, dict[str, str]] = {
    "ppc": {
        "title": "個人情報保護委員会への報告（下書き）",
        "body": "hospitals/drafts/_ppc_body.html",
        "filename": "ppc-report-draft",
    },
    "patients": {
        "title": "患者の皆様へのお知らせ（下書き）",
        "body": "hospitals/drafts/_patients_body.html",
        "filename": "patient-notice-draft",
    },
}

TO_FILL = "［記入してください］"
UNDER_INVESTIGATION = "調査中"


def _entrusted_work(provider: Organisation, hospital: Organisation) -> str:
    link = (
        ContractorLink.objects.filter(provider=provider, hospital=hospital, status=LinkStatus.ACCEPTED)
        .order_by("-declared_at")
        .first()
    )
    return "、".join(link.business_labels) if link is not None else ""


def draft_context(view: CaseView, hospital: Organisation) -> dict:
    """What both drafts show, from the case as the hospital sees it."""
    incident = view.incident
    facts = view.facts
    persons = (
        f"約{facts.persons:,}人（{UNDER_INVESTIGATION}）"
        if facts.persons is not None
        else UNDER_INVESTIGATION
    )
    first_notice = view.notices[-1] if view.notices else view.notice
    return {
        "hospital": hospital,
        "provider": incident.provider,
        "incident": incident,
        "notice": view.notice,
        "first_notice": first_notice,
        "facts": facts,
        "duties": view.duties,
        "joint": bool(view.joint and view.joint.enabled),
        "work": _entrusted_work(incident.provider, hospital),
        "items": "、".join(facts.data_item_labels) or UNDER_INVESTIGATION,
        "persons": persons,
        "today": tokyo_date(timezone.now()),
        "to_fill": TO_FILL,
        "under_investigation": UNDER_INVESTIGATION,
    }


def render_draft_pdf(kind: str, context: dict) -> bytes:
    spec = DRAFT_KINDS[kind]
    return render_pdf("hospitals/pdf/draft.html", {**context, "title": spec["title"], "body": spec["body"]})


def render_draft_html(kind: str, context: dict) -> str:
    """The draft's body as the page shows it (the same partial as the PDF)."""
    return render_to_string(DRAFT_KINDS[kind]["body"], context)


def draft_text(html: str) -> str:
    """The body as plain text, one line per block, for pasting into the PPC's web form."""
    lines = (" ".join(line.split()) for line in strip_tags(html).splitlines())
    return "\n".join(line for line in lines if line)
