"""Every write of enrolment data. One function per use case, keyword-only, in a transaction with its audit row."""

from .applications import (
    application_accept,
    application_return,
    application_start,
    application_submit,
    application_transition,
    application_update,
    application_withdraw,
)
from .payments import (
    ImportRejected,
    application_resolve_overpayment,
    deposit_ignore,
    deposit_import,
    deposit_match,
    deposit_unmatch,
    deposits_auto_match,
)
from .policies import policy_cancel, policy_issue_if_ready, policy_transition
from .quotes import quote_create, quote_decline, quote_transition
from .reminders import reminders_send
from .roster import (
    roster_entry_link_organisation,
    roster_import_commit,
    roster_import_discard,
    roster_import_validate,
)

__all__ = [
    "ImportRejected",
    "application_accept",
    "application_resolve_overpayment",
    "application_return",
    "application_start",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "deposit_ignore",
    "deposit_import",
    "deposit_match",
    "deposit_unmatch",
    "deposits_auto_match",
    "policy_cancel",
    "policy_issue_if_ready",
    "policy_transition",
    "quote_create",
    "quote_decline",
    "quote_transition",
    "reminders_send",
    "roster_entry_link_organisation",
    "roster_import_commit",
    "roster_import_discard",
    "roster_import_validate",
]
