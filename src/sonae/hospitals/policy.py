"""Actions of the hospital portal (organisation kinds and minimum role). Object-level scoping is in ``selectors``.

- Providers declare the hospitals they work for, invite hospitals not yet on Sonae, and choose per hospital what
  the hospital may see (consent: admins only — it is a company decision).
- Hospitals accept or decline links, see their accepted contractors and what each shares, export the list, send
  the yearly checklist request, manage their sites, and see the incidents notified to them.
- Both sides of a notified case ask and answer questions and set the joint-report (連名) flag.
"""

from sonae.core.models import Role
from sonae.core.policy import register

# Provider side.
register("hospitals.link.view", {"provider"})
register("hospitals.link.declare", {"provider"}, Role.STAFF)  # declare, withdraw, invite
register("hospitals.consent.manage", {"provider"}, Role.ADMIN)

# Hospital side.
register("hospitals.contractor.view", {"hospital"})
register("hospitals.link.respond", {"hospital"}, Role.STAFF)
register("hospitals.invitation.accept", {"hospital"}, Role.ADMIN)
register("hospitals.site.manage", {"hospital"}, Role.ADMIN)
register("hospitals.export", {"hospital"}, Role.STAFF)
register("hospitals.checklist_request.send", {"hospital"}, Role.STAFF)
register("hospitals.case.view", {"hospital"})
register("hospitals.case.draft", {"hospital"}, Role.STAFF)

# Both sides of a notified case.
register("hospitals.question.view", {"hospital", "provider"})
register("hospitals.question.post", {"hospital", "provider"}, Role.STAFF)
register("hospitals.joint_report.set", {"hospital", "provider"}, Role.STAFF)
