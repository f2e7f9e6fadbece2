"""Rate limits on look-ups, shared by every app server and worker through Django's cache (DESIGN §5).

Fixed windows: one counter per key and window in the cache (Redis in production; the database cache or local
memory otherwise). Approximate under races — a limit, not an accounting.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from sonae.core.errors import DomainError


class Throttled(DomainError):
    code = "throttled"
    status = 429
    default_message = "照会の回数が上限に達しました。しばらく待ってからもう一度お試しください。"


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for ``key``; True while the count in the current window is within ``limit``."""
    bucket = f"sonae:rl:{key}:{int(time.time() // window)}"
    try:
        count = cache.incr(bucket)
    except ValueError:  # first event of the window
        if cache.add(bucket, 1, timeout=window + 5):
            return True
        count = cache.incr(bucket)
    return count <= limit


def check(key: str, *, limit: int, window: int, message: str | None = None) -> None:
    """Raise ``Throttled`` (HTTP 429) when ``key`` is over its limit."""
    if not hit(key, limit=limit, window=window):
        raise Throttled(message)
