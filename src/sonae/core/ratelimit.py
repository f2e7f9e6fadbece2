"""Rate limits shared by every app: a fixed-window counter in the shared cache.

``hit(key, limit, window)`` counts one request under ``key`` and answers ``None`` while the count of the current
window is within ``limit``, otherwise the seconds until the window ends (for a ``Retry-After`` header). Counters
live in Django's default cache, which every process shares (the database cache table or Redis in production,
see settings), so a limit holds across app servers. Keys are hashed: callers may use e-mail addresses or IPs
without putting them in the cache in clear.

A fixed window lets a client send up to twice the limit around a window boundary; for login and look-up limits
that is acceptable and it costs one cache operation per request. The database cache's ``incr`` is a read and a
write, so concurrent requests may undercount slightly; Redis counts exactly.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

CACHE_PREFIX = "sonae-rl:"


def hit(key: str, limit: int, window: int) -> int | None:
    """Count one request for ``key``; None when allowed, else the whole seconds (≥ 1) until it is allowed again.

    ``limit`` requests are allowed per ``window`` seconds. A limit below 1 disables the check (always allowed).
    """
    if limit < 1 or window < 1:
        return None
    now = time.time()
    start = int(now // window) * window
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    cache_key = f"{CACHE_PREFIX}{digest}:{window}:{start}"
    # add() is a no-op when the counter exists; the timeout outlives the window so it expires by itself.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(start + window - now))


def limit_for(name: str) -> tuple[int, int]:
    """``(limit, window seconds)`` of a named limit from ``settings.SONAE_RATE_LIMITS`` (0, 0 when not set)."""
    limits = getattr(settings, "SONAE_RATE_LIMITS", {}) or {}
    value = limits.get(name)
    if not value:
        return 0, 0
    return int(value[0]), int(value[1])


def hit_named(name: str, key: str) -> int | None:
    """``hit`` with the limit configured under ``name`` (e.g. ``"login"``), keyed ``name:key``."""
    limit, window = limit_for(name)
    return hit(f"{name}:{key}", limit, window)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or, behind ``SONAE_PROXY_COUNT`` trusted proxies (nginx), the
    address the nearest trusted proxy saw in ``X-Forwarded-For`` (entries further left are client-supplied and
    cannot be trusted)."""
    proxies = int(getattr(settings, "SONAE_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def too_many_requests(retry_after: int, message: str | None = None) -> HttpResponse:
    """A plain 429 page with ``Retry-After`` (pages; the API answers with its JSON envelope instead)."""
    from django.template import loader

    minutes = max(1, math.ceil(retry_after / 60))
    text = message or f"短時間に多くのリクエストがありました。約{minutes}分後にもう一度お試しください。"
    try:
        html = loader.render_to_string(
            "errors/429.html", {"message": text, "desk_phone": getattr(settings, "SONAE_DESK_PHONE", "")}
        )
    except Exception:  # noqa: BLE001 - an error page must never fail; fall back to plain text
        html = text
    response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(name: str, *, methods: tuple[str, ...] = ("POST",), per: str = "ip"):
    """View decorator: count each request with a method in ``methods`` against the named limit, per client IP
    (``per="ip"``, e.g. the public inquiry page) or per signed-in user (``per="user"``, e.g. victim look-ups;
    anonymous requests fall back to the IP), and answer 429 with ``Retry-After`` past it."""
    import functools

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                user = getattr(request, "user", None)
                if per == "user" and user is not None and user.is_authenticated:
                    key = f"user:{user.pk}"
                else:
                    key = f"ip:{client_ip(request)}"
                retry_after = hit_named(name, key)
                if retry_after is not None:
                    return too_many_requests(retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
