"""Every write of the incident desk (HackSoft style: keyword-only, one function per use case, in a transaction,
audited, side effects after commit). Split by sub-domain; import from here."""

from .evidence import (
    EvidenceFile,
    check_evidence_file,
    check_evidence_size,
    evidence_download,
    evidence_upload,
    max_evidence_bytes,
)
from .exports import timeline_pdf_export
from .intake import incident_report, next_reference, reference_year
from .lifecycle import (
    incident_mark_first_response,
    incident_transition,
    incident_triage,
    incident_update_facts,
)
from .notices import (
    hospital_notice_acknowledge,
    hospital_notice_create,
    hospital_notice_send,
    hospital_notice_update,
    notice_letter_text,
    notice_pdf,
)
from .notify import emails_suppressed
from .playbooks import playbook_for, playbook_seed
from .reminders import task_reminders_send
from .vendors import vendor_create, vendor_dispatch, vendor_update
from .work import call_add, note_add, task_assign, task_create, task_update

__all__ = [
    "EvidenceFile",
    "call_add",
    "check_evidence_file",
    "check_evidence_size",
    "emails_suppressed",
    "evidence_download",
    "evidence_upload",
    "hospital_notice_acknowledge",
    "hospital_notice_create",
    "hospital_notice_send",
    "hospital_notice_update",
    "incident_mark_first_response",
    "incident_report",
    "incident_transition",
    "incident_triage",
    "incident_update_facts",
    "max_evidence_bytes",
    "next_reference",
    "note_add",
    "notice_letter_text",
    "notice_pdf",
    "playbook_for",
    "playbook_seed",
    "reference_year",
    "task_assign",
    "task_create",
    "task_reminders_send",
    "task_update",
    "timeline_pdf_export",
    "vendor_create",
    "vendor_dispatch",
    "vendor_update",
]
