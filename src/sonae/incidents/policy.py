"""The incident desk's actions (organisation kinds and minimum role). Object-level scoping is in selectors."""

from sonae.core.models import Role
from sonae.core.policy import register

# Intake: a provider reports its own incident (web, API); the desk takes a call for a provider (issue 4 point 1).
register("incident.report", {"provider"}, Role.STAFF)
register("incident.intake", {"desk"}, Role.STAFF)
# Reading cases: provider (own), desk (all), agency and insurer (summaries). Hospitals see notices only.
register("incident.view", {"provider", "desk", "agency", "insurer"})
register("incident.queue", {"desk"})
register("incident.triage", {"desk"}, Role.STAFF)
register("incident.transition", {"desk"}, Role.STAFF)
register("incident.withdraw", {"provider"}, Role.STAFF)
register("incident.update_facts", {"provider", "desk"}, Role.STAFF)
register("incident.work", {"provider", "desk"}, Role.STAFF)  # tasks, notes, calls, evidence
register("incident.evidence_view", {"provider", "desk"}, Role.STAFF)
register("vendor.view", {"desk"})
register("vendor.manage", {"desk"}, Role.STAFF)
register("vendor.dispatch", {"desk"}, Role.STAFF)
register("hospital_notice.prepare", {"provider", "desk"}, Role.STAFF)
register("hospital_notice.view", {"hospital"})
register("hospital_notice.acknowledge", {"hospital"}, Role.STAFF)
