"""Rate limits shared by every app: a fixed-window counter in the shared cache.

``hit(key, limit, window)`` counts one request under ``key`` and answers ``None`` while the count of the current
window is within ``limit``, otherwise the seconds until the window ends (for a ``Retry-After`` header). Counters
live in Django's default cache, which every process shares (the database cache table or Redis in production,
see settings), so a limit holds across app servers. Keys are hashed: callers may use e-mail addresses or IPs
without putting them in the cache in clear.

A fixed window lets a client send up to twice the limit around a window boundary; for login and look-up limits
that is acceptable. Far below a limit a process sends its counts to the cache at most once a second (``hit_many``:
one Redis pipeline for every counter a request touches); near a limit every request is counted in the cache. The
database cache's ``incr`` is a read and a write, so concurrent requests may undercount slightly; Redis counts
exactly.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse

CACHE_PREFIX = "sonae-rl:"


def hit(key: str, limit: int, window: int) -> int | None:
    """Count one request for ``key``; None when allowed, else the whole seconds (≥ 1) until it is allowed again.

    ``limit`` requests are allowed per ``window`` seconds. A limit below 1 disables the check (always allowed).
    """
    return hit_many([(key, limit, window)])


# Batching (see ``hit_many``): a process may count this many requests of a counter without telling the cache
# while they stay within 1/HEADROOM_SHARE of the room left under the limit, and for at most SYNC_SECONDS.
SYNC_SECONDS = 1.0
HEADROOM_SHARE = 16
# cache key -> [unsent count, last count read from the cache, monotonic time of the last send, end of window]
_local: dict[str, list] = {}
_local_lock = threading.Lock()


def hit_many(checks: list[tuple[str, int, int]]) -> int | None:
    """Count one request under each ``(key, limit, window)``; None when every limit holds, else the longest wait.

    Every counter is incremented, even past its limit (a client over one limit is not let through by another).

    Batching: far below a limit, a process adds its requests to the shared counter at most once a second, or
    sooner once its unsent count reaches 1/16 of the room left under the limit; near a limit (and for small
    limits such as login attempts) it counts every request in the cache. A limit can therefore be exceeded by at
    most 1/16 of it per server process, during the second before the counts meet. The hottest path, a call-centre
    look-up, thereby costs no round trip to the cache on most requests. On Redis the counters that must be sent
    go in one pipeline (``SET NX EX`` + ``INCRBY`` each); other caches count one by one.
    """
    now = time.time()
    clock = time.monotonic()
    counters = []
    for key, limit, window in checks:
        if limit < 1 or window < 1:
            continue
        start = int(now // window) * window
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        counters.append((f"{CACHE_PREFIX}{digest}:{window}:{start}", limit, window, start))
    if not counters:
        return None
    to_send = []
    with _local_lock:
        if len(_local) > 10_000:
            for cache_key in [k for k, entry in _local.items() if entry[3] <= now]:
                del _local[cache_key]
        for cache_key, limit, window, start in counters:
            entry = _local.get(cache_key)
            if entry is None:
                entry = _local[cache_key] = [0, 0, float("-inf"), start + window]
            entry[0] += 1
            if clock - entry[2] >= SYNC_SECONDS or entry[0] * HEADROOM_SHARE >= limit - entry[1]:
                to_send.append((cache_key, window, entry[0]))
                entry[2] = clock
    if to_send:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            totals = _incr_redis(backend, to_send)
        else:
            totals = [_incr_one(cache_key, window, delta) for cache_key, window, delta in to_send]
        with _local_lock:
            for (cache_key, _window, delta), total in zip(to_send, totals, strict=True):
                entry = _local.get(cache_key)
                if entry is not None:
                    entry[0] -= delta
                    entry[1] = total
    waits = []
    for cache_key, limit, window, start in counters:
        entry = _local.get(cache_key)
        count = (entry[0] + entry[1]) if entry is not None else limit + 1
        if count > limit:
            waits.append(max(1, math.ceil(start + window - now)))
    return max(waits) if waits else None


def forget_local_counts() -> None:
    """Drop this process's unsent counts (tests: each test starts with empty counters)."""
    with _local_lock:
        _local.clear()


def _incr_one(cache_key: str, window: int, delta: int) -> int:
    # add() is a no-op when the counter exists; the timeout outlives the window so it expires by itself.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        return cache.incr(cache_key, delta)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, delta, timeout=window + 1)
        return delta


def _incr_redis(backend: RedisCache, counters: list[tuple[str, int, int]]) -> list[int]:
    """The counters' new values, in one round trip. Django's Redis cache stores integers as plain Redis integers,
    so these counters stay readable through ``cache.get``."""
    client = backend._cache.get_client(write=True)
    pipeline = client.pipeline(transaction=False)
    for cache_key, window, delta in counters:
        key = backend.make_and_validate_key(cache_key)
        pipeline.set(key, 0, ex=window + 1, nx=True)
        pipeline.incrby(key, delta)
    results = pipeline.execute()
    return [int(value) for value in results[1::2]]


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
