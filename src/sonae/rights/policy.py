"""Actions of the rights-requests app (organisation kinds, minimum role). Object scoping is in selectors."""

from sonae.core.models import Role
from sonae.core.policy import register

# The business that received the request records and answers it; the desk may take it from a call.
register("rights.view", {"provider", "desk"})
register("rights.manage", {"provider", "desk"}, Role.STAFF)
# The entrusting hospital sees the requests forwarded to it (APPI art. 33-35: it holds the data as controller).
register("rights.view_forwarded", {"hospital"})
register("rights.report", {"provider", "desk", "agency"})
# ... and may record its decision and reply there; a granted suspension marks the person on the contractor's list.
register("rights.decide_forwarded", {"hospital"}, Role.STAFF)
