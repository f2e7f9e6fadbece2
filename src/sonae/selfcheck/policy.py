"""Actions of the self-check app. Providers work on their own organisation's records only (selectors scope rows)."""

from sonae.core.models import Role
from sonae.core.policy import register

PROVIDER = ("provider",)

register("selfcheck.view", PROVIDER, Role.VIEWER)
register("selfcheck.answer", PROVIDER, Role.STAFF)
register("selfcheck.vendor_checklist.edit", PROVIDER, Role.STAFF)
register("selfcheck.exposure.save", PROVIDER, Role.STAFF)
register("selfcheck.bcp.edit", PROVIDER, Role.STAFF)
# Adopting the plan (and reopening it) is a management decision.
register("selfcheck.bcp.adopt", PROVIDER, Role.ADMIN)
