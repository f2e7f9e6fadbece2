"""Actions of the webhooks app. Endpoints belong to one organisation; only its admins manage them (they hold a
shared secret and decide where the organisation's events go)."""

from sonae.core.models import Role
from sonae.core.policy import ALL_KINDS, register

register("webhook.manage", ALL_KINDS, Role.ADMIN)
