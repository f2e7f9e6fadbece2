"""Every write of the legal duties app (HackSoft style: keyword-only, one function per use case, in a transaction,
audited, on the case's timeline). Split by sub-domain; import from here."""

from .assessments import (
    assessment_create,
    assessment_refresh,
    assessment_transition,
    duty_mark_done,
    duty_mark_undone,
    latest_assessment,
)
from .documents import draft_case_data, draft_export, draft_prepare

__all__ = [
    "assessment_create",
    "assessment_refresh",
    "assessment_transition",
    "draft_case_data",
    "draft_export",
    "draft_prepare",
    "duty_mark_done",
    "duty_mark_undone",
    "latest_assessment",
]
