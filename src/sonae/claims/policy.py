"""Who may do what in claims (DESIGN §1). Object scoping (which rows) lives in ``selectors``.

- provider: records its expenses, asks for prior approval / consent, claims; sees only its own.
- insurer: decides approvals, reviews, decides and pays claims; sees every claim and approval of the programme's
  policies (victims only as counts).
- agency: read-only summaries of claims.
- desk, hospital, foundation: nothing (every page and API answers 404).
"""

from sonae.core.models import Role
from sonae.core.policy import register

register("claims.view", {"provider", "insurer", "agency"})
register("claims.expense.view", {"provider", "insurer"})
register("claims.expense.edit", {"provider"}, Role.STAFF)
register("claims.attachment.download", {"provider", "insurer"}, Role.STAFF)
register("claims.approval.view", {"provider", "insurer"})
register("claims.approval.request", {"provider"}, Role.STAFF)
register("claims.approval.decide", {"insurer"}, Role.STAFF)
register("claims.claim.submit", {"provider"}, Role.STAFF)  # create, submit, answer, withdraw a draft
register("claims.claim.review", {"insurer"}, Role.STAFF)  # review, ask for information, decide
register("claims.claim.pay", {"insurer"}, Role.STAFF)
register("claims.queue", {"insurer"})
register("claims.export", {"provider", "insurer"}, Role.STAFF)  # claim pack PDF, Excel of expenses
# Coverage determination (issue 12): the provider sees its own cases' outcome, the insurer everything and decides,
# the agency a summary, the desk a provisional reading (sonae.claims.coverage_status).
register("claims.coverage.view", {"provider", "insurer", "agency", "desk"})
register("claims.coverage.decide", {"insurer"}, Role.STAFF)
