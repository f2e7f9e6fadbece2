"""Actions of the legal duties app. Object-level scoping (which cases) is in ``selectors``.

- The provider of the case and the desk work on the assessment (facts, done-marks, drafts).
- Agency and insurer read the checklist of their policyholders' cases as a summary.
- Hospitals and the foundation see no case (404); the explain page is open to every signed-in user.
"""

from sonae.core.models import Role
from sonae.core.policy import register

WORKERS = ("provider", "desk")

register("duties.view", {"provider", "desk", "agency", "insurer"})
register("duties.view_detail", WORKERS)  # facts, versions and their diff, drafts
register("duties.assess", WORKERS, Role.STAFF)
register("duties.mark_done", WORKERS, Role.STAFF)
register("duties.draft", WORKERS, Role.STAFF)
