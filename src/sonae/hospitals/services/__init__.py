"""Every write of the hospital portal (keyword-only, one function per use case, in a transaction, audited, side
effects after commit). Split by sub-domain; import from here."""

from .cases import (
    answer_post,
    draft_pdf,
    joint_report_set,
    notice_acknowledge,
    question_post,
    shared_view_record,
)
from .links import (
    consent_update,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    link_declare,
    link_transition,
    site_create,
    site_set_active,
)
from .requests import checklist_reminders_send, checklist_request_send, recipient_answered

__all__ = [
    "answer_post",
    "checklist_reminders_send",
    "checklist_request_send",
    "consent_update",
    "draft_pdf",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "joint_report_set",
    "link_declare",
    "link_transition",
    "notice_acknowledge",
    "question_post",
    "recipient_answered",
    "shared_view_record",
    "site_create",
    "site_set_active",
]
