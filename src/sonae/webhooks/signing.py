"""Signing of webhook requests (pure: no Django import, so receivers can copy it).

Each request carries ``X-Sonae-Timestamp: <unix seconds>`` and ``X-Sonae-Signature: v1=<hex>``, where the hex is
HMAC-SHA256 with the endpoint's secret (its UTF-8 bytes) over ``timestamp + "." + body`` (the raw request body
bytes). Receivers recompute it, compare in constant time and reject timestamps older than a few minutes, which
stops replays of a captured request. ``v1=`` names the scheme so a later one can be sent alongside.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SCHEME = "v1"
SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE = 300  # seconds


def generate_secret() -> str:
    """A new endpoint secret (``whsec_`` + 43 URL-safe characters, 256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``timestamp + "." + body`` with ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int | str, body: bytes) -> str:
    """The value of ``X-Sonae-Signature``."""
    return f"{SCHEME}={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    body: bytes,
    timestamp_header: str,
    signature_header_value: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when one ``v1=`` signature in the header matches and the timestamp is within ``tolerance`` seconds."""
    try:
        timestamp = int(timestamp_header)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    for part in (signature_header_value or "").split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == SCHEME and hmac.compare_digest(value, expected):
            return True
    return False
