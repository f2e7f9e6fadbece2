"""The claim pack: 保険金請求書 as a Japanese PDF with the calculation breakdown and the list of attachments
(issue 7 point 6), printed with ``sonae.documents.pdf.render_pdf``."""

from __future__ import annotations

from django.utils import timezone

from sonae.core.models import Organisation, OrganisationKind
from sonae.documents.pdf import render_pdf

from .breakdown import line_reason_label
from .models import Attachment, PriorApproval
from .selectors import claim_breakdown


def claim_pack_context(claim) -> dict:
    lines = list(claim.lines.select_related("expense").order_by("position", "id"))
    expense_ids = [line.expense_id for line in lines]
    approvals = PriorApproval.objects.filter(expenses__pk__in=expense_ids).distinct().order_by("number")
    attachments = list(
        Attachment.objects.filter(expense_id__in=expense_ids)
        .select_related("expense")
        .order_by("expense__spent_on", "id")
    ) + list(Attachment.objects.filter(approval__in=approvals).select_related("approval").order_by("id"))
    insurer = (
        Organisation.objects.filter(kind=OrganisationKind.INSURER, is_active=True).order_by("pk").first()
    )
    return {
        "claim": claim,
        "incident": claim.incident,
        "policy": claim.policy,
        "insurer": insurer,
        "breakdown": claim_breakdown(claim),
        "line_rows": [(line, [line_reason_label(code) for code in line.reasons]) for line in lines],
        "approvals": approvals,
        "attachments": attachments,
        "printed_at": timezone.now(),
    }


def claim_pack_pdf(claim) -> bytes:
    """The claim pack of one claim as PDF bytes."""
    return render_pdf("claims/pdf/claim_pack.html", claim_pack_context(claim))
