"""The import's C loops (``_native.c``, built by setup.py): look-up keys, sealed COPY tuples, CP932 as UTF-8,
birth dates, the duplicate table and the key buckets, each the same result as the Python (or polars) code it
mirrors (tests compare them).

``loops()`` is the module, or None where it is not built (no C compiler or OpenSSL headers: the Python code then
does the work, slower) or is switched off with ``SONAE_IMPORT_NATIVE=0`` (to measure or compare the two).
"""

from __future__ import annotations

import os

try:
    from . import _native
except ImportError:  # not built
    _native = None


def loops():
    """The C module, or None (see the module doc)."""
    if _native is None or os.environ.get("SONAE_IMPORT_NATIVE", "1") == "0":
        return None
    return _native
