"""Per-process memos with a time to live, for the few reads that every request of a hot path repeats.

A call-centre look-up must not pay a database round trip for the same API token and the same case on every
call (issue 6's look-up benchmark: on these machines one round trip costs about as much CPU as a whole trivial
request). ``TtlCache`` keeps such a read in this process for ``SONAE_LOCAL_CACHE_SECONDS`` (default 5 s):

- A change made through the ORM in this process clears the affected memo at once (``clear_on_save`` hooks it to
  the models' ``post_save``/``post_delete``); other processes see it when their entry expires. A revoked API
  token or a withdrawn grant therefore stops working everywhere within that many seconds.
- Values must be treated as read-only by callers: they are shared by the requests of this process.
- Bounded: past ``maxsize`` entries the memo is emptied (simple and enough for tokens and cases).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db.models.signals import post_delete, post_save

_ALL: list[TtlCache] = []
_MISSING = object()


def ttl_seconds() -> float:
    return float(getattr(settings, "SONAE_LOCAL_CACHE_SECONDS", 5))


class TtlCache:
    def __init__(self, name: str, maxsize: int = 10_000):
        self.name = name
        self.maxsize = maxsize
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get_or_load(self, key: Hashable, load: Callable[[], object]):
        """The memo of ``key``, or ``load()`` (kept unless it is None or the TTL is 0)."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        seconds = ttl_seconds()
        if value is not None and seconds > 0:
            with self._lock:
                if len(self._entries) >= self.maxsize:
                    self._entries.clear()
                self._entries[key] = (now + seconds, value)
        return value

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self, *args, **kwargs) -> None:
        with self._lock:
            self._entries.clear()

    def clear_on_save(self, *models) -> None:
        """Empty this memo whenever one of ``models`` is saved or deleted in this process."""
        for model in models:
            post_save.connect(self.clear, sender=model, weak=False, dispatch_uid=f"ttl:{self.name}:{model}")
            post_delete.connect(
                self.clear, sender=model, weak=False, dispatch_uid=f"ttl-d:{self.name}:{model}"
            )


def clear_all() -> None:
    """Empty every memo of this process (tests; after a restore)."""
    for memo in _ALL:
        memo.clear()
