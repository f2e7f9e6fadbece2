"""Claims data: expenses with their encrypted attachments, prior approvals and consents, claims with their lines,
events and payments, and the counters their numbers are drawn from."""

from .approvals import APPROVAL_TRANSITIONS, ApprovalKind, ApprovalStatus, PriorApproval
from .claims import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    STATUS_TRANSITIONS,
    USING_STATUSES,
    Claim,
    ClaimEvent,
    ClaimLine,
    ClaimStatus,
    NumberCounter,
    Payment,
)
from .determination import CoverageDecision, CoverageOutcome, CoverageOverride
from .expenses import Attachment, AttachmentKind, Expense

__all__ = [
    "APPROVAL_TRANSITIONS",
    "DECIDED_STATUSES",
    "OPEN_STATUSES",
    "STATUS_TRANSITIONS",
    "USING_STATUSES",
    "ApprovalKind",
    "ApprovalStatus",
    "Attachment",
    "AttachmentKind",
    "Claim",
    "ClaimEvent",
    "ClaimLine",
    "ClaimStatus",
    "CoverageDecision",
    "CoverageOutcome",
    "CoverageOverride",
    "Expense",
    "NumberCounter",
    "Payment",
    "PriorApproval",
]
