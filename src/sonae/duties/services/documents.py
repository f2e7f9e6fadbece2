"""Drafts of reports and notices: prefilled from the case, exported (edited) as PDF or DOCX, audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput, NotFound
from sonae.incidents.models import Incident, TimelineKind
from sonae.incidents.services.common import audit_actor, timeline_add

from ..drafts import FILE_STEMS, CaseData, Draft, available_kinds, build_draft
from ..models import DutyAssessment, DutyItem
from ..rendering import draft_docx, draft_pdf
from .assessments import latest_assessment, require_case

DRAFT_FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def draft_case_data(incident: Incident, assessment: DutyAssessment, *, today=None) -> CaseData:
    """What the drafts are prefilled from: the case, its latest assessment and the duties already done."""
    done = {
        item.kind: (item.done_at, item.reference_number)
        for item in DutyItem.objects.filter(incident=incident, done_at__isnull=False)
    }
    provider = incident.provider
    return CaseData(
        reference=incident.reference,
        title=incident.title,
        description=incident.description,
        provider_name=provider.name,
        provider_phone=provider.phone,
        provider_email=provider.email,
        corporate_number=provider.corporate_number,
        facts=assessment.facts,
        result=assessment.result,
        entrusting_party=assessment.entrusting_party_display or incident.entrusting_party_display,
        today=today or timezone.localdate(),
        done=done,
    )


def draft_prepare(*, actor: Actor, incident: Incident, kind: str) -> Draft:
    """The prefilled draft of ``kind`` for the case's latest assessment (NotFound when the case needs none)."""
    require_case(actor, "duties.draft", incident)
    assessment = latest_assessment(incident)
    if assessment is None or kind not in available_kinds(assessment.result, assessment.facts):
        raise NotFound()
    return build_draft(kind, draft_case_data(incident, assessment))


def draft_export(*, actor: Actor, incident: Incident, draft: Draft, fmt: str) -> tuple[bytes, str, str]:
    """The (edited) draft as a file: ``(content, content type, file name)``; recorded on the timeline and audited.

    The draft's text is not stored: the file is what the user keeps (and may hold what the user typed in).
    """
    require_case(actor, "duties.draft", incident)
    if fmt not in DRAFT_FORMATS:
        raise InvalidInput("出力形式は pdf または docx を指定してください。", field="format")
    content = draft_pdf(draft) if fmt == "pdf" else draft_docx(draft)
    content_type, extension = DRAFT_FORMATS[fmt]
    filename = f"{incident.reference}-{FILE_STEMS[draft.kind]}.{extension}"
    with transaction.atomic():
        timeline_add(
            incident,
            kind=TimelineKind.DOCUMENT,
            actor=actor,
            text=f"文案「{draft.kind_label}」を{extension.upper()}で出力しました。",
            data={"draft": draft.kind, "format": fmt},
        )
        audit_record(
            action="duties.draft_exported",
            target=incident,
            data={"draft": draft.kind, "format": fmt},
            **audit_actor(actor),
        )
    return content, content_type, filename
