"""Every write of the claims app: one keyword-only function per use case, in a transaction, audited."""

from .approvals import approval_decide, approval_request, approval_transition
from .attachments import approval_attachment_add, attachment_add, attachment_delete, attachment_open
from .claims import (
    claim_calculate,
    claim_create,
    claim_pay,
    claim_transition,
    compute,
    recalculate_open_claims,
)
from .expenses import (
    condolence_counts,
    expense_create,
    expense_delete,
    expense_update,
    suggest_item,
    suggest_payee,
)

__all__ = [
    "approval_decide",
    "approval_request",
    "approval_transition",
    "approval_attachment_add",
    "attachment_add",
    "attachment_delete",
    "attachment_open",
    "claim_calculate",
    "claim_create",
    "claim_pay",
    "claim_transition",
    "compute",
    "condolence_counts",
    "expense_create",
    "expense_delete",
    "expense_update",
    "recalculate_open_claims",
    "suggest_item",
    "suggest_payee",
]
