"""Rate limits of the victims part, on the project's shared counters (``sonae.core.ratelimit``, DESIGN §5).

Named limits in ``settings.SONAE_RATE_LIMITS``: ``lookup`` (call-centre look-ups per user or API token) and
``public`` (self-service checks per client address and case). Exceeding one raises ``Throttled``: 429 with the
Japanese message in pages and in the API's error envelope.
"""

from __future__ import annotations

import math

from django.conf import settings

from sonae.core.errors import DomainError
from sonae.core.ratelimit import hit, hit_named

# The self-service page of one case, all clients together (distributed guessing); per minute.
DEFAULT_CASE_LIMIT = (600, 60)


class Throttled(DomainError):
    code = "throttled"
    status = 429
    default_message = "照会の回数が上限に達しました。しばらく待ってからもう一度お試しください。"


def _message(wait: int) -> str:
    return f"照会の回数が上限に達しました。約{max(1, math.ceil(wait / 60))}分後にもう一度お試しください。"


def check_lookup(who: str) -> None:
    """One call-centre look-up by ``who`` (a user or a token); Throttled when over ``SONAE_RATE_LIMITS["lookup"]``."""
    wait = hit_named("lookup", who)
    if wait is not None:
        raise Throttled(_message(wait), retry_after=wait)


def check_self_service(case_id: int, client: str) -> None:
    """One self-service check from ``client`` on a case: per client (``SONAE_RATE_LIMITS["public"]``) and per
    case overall (``SONAE_VICTIMS_SELF_SERVICE_CASE_RATE``)."""
    wait = hit_named("public", f"victims:{case_id}:{client}")
    if wait is None:
        limit, window = getattr(settings, "SONAE_VICTIMS_SELF_SERVICE_CASE_RATE", None) or DEFAULT_CASE_LIMIT
        wait = hit(f"victims.self_service:{case_id}", limit, window)
    if wait is not None:
        raise Throttled(_message(wait), retry_after=wait)
