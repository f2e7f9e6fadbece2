"""Actions of the victims part (organisation kinds and minimum role). Object-level scoping is in selectors.

DESIGN §1: the provider works its own list; the desk sees personal data only when the provider has granted it
on that case; agency and insurer see aggregates only (counts, item statistics, gift totals); hospitals and the
foundation see nothing of a case's list.
"""

from sonae.core.models import Role
from sonae.core.policy import register

register("victims.stats", {"provider", "desk", "agency", "insurer"})
register("victims.import", {"provider"}, Role.STAFF)
register("victims.letters", {"provider"}, Role.STAFF)
register("victims.gifts", {"provider"}, Role.STAFF)
register("victims.settings", {"provider"}, Role.STAFF)
register("victims.grant", {"provider"}, Role.ADMIN)
register("victims.lookup", {"provider", "desk"}, Role.STAFF)
register("victims.inquiry", {"provider", "desk"}, Role.STAFF)
