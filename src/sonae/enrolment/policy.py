"""Who may do what in enrolment (DESIGN §1). Object scoping (which rows) lives in ``selectors``."""

from sonae.core.models import Role
from sonae.core.policy import register

register("enrolment.roster.view", {"foundation", "agency"})
register("enrolment.roster.manage", {"foundation", "agency"}, Role.STAFF)
register("enrolment.quote.view", {"provider", "agency"})
register("enrolment.quote.create", {"provider", "agency"}, Role.STAFF)
register("enrolment.application.view", {"provider", "agency"})
register("enrolment.application.edit", {"provider", "agency"}, Role.STAFF)
register("enrolment.application.review", {"agency"}, Role.STAFF)
register("enrolment.payment.view", {"agency"})
register("enrolment.payment.manage", {"agency"}, Role.STAFF)
register("enrolment.policy.view", {"provider", "agency", "insurer", "desk"})
register("enrolment.policy.cancel", {"agency"}, Role.STAFF)
register("enrolment.backoffice.view", {"agency"})
register("enrolment.export", {"agency"}, Role.STAFF)
register("enrolment.statistics.view", {"foundation", "agency"})
