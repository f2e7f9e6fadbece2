"""``python -m tests.faults.worker [sonae worker options]``: ``sonae worker`` with a fault placed where a kill hurts
most, for the fault tests.

``SONAE_FAULT=import:N``: the N-th batch of a victim import is written into the database and, before its
transaction commits, the process touches ``SONAE_FAULT_MARKER`` and hangs — the test kills it there.
``SONAE_FAULT=letters:N``: the N-th batch of a letter run has its print file and mailing list in storage, the
database not yet told; touch the marker, hang.
Without ``SONAE_FAULT`` this is exactly ``sonae worker``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _hang(marker: str) -> None:
    Path(marker).touch()
    while True:
        time.sleep(60)


def _after_nth_call(module, name: str, n: int, marker: str, when=lambda *args, **kwargs: True) -> None:
    """Make ``module.name`` run normally, then hang on its n-th call (counting calls for which ``when`` holds)."""
    real = getattr(module, name)
    calls = {"n": 0}

    def patched(*args, **kwargs):
        result = real(*args, **kwargs)
        if when(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == n:
                _hang(marker)
        return result

    setattr(module, name, patched)


def _inject(fault: str, marker: str) -> None:
    kind, _, count = fault.partition(":")
    n = int(count)
    if kind == "import":
        from sonae.victims.importing import pipeline

        # Both run inside _write_batch's transaction, after the rows went in and before the watermark moves.
        _after_nth_call(pipeline, "_copy_batch", n, marker)
        _after_nth_call(pipeline, "_insert_batch", n, marker)
    elif kind == "letters":
        from sonae.victims.services import letters

        _after_nth_call(
            letters, "save_sealed", n, marker, when=lambda name, *a, **k: name.endswith(".csv.sealed")
        )
    else:
        raise SystemExit(f"unknown fault {fault!r}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sonae.settings")
    import django

    django.setup()
    if os.environ.get("SONAE_FAULT"):
        _inject(os.environ["SONAE_FAULT"], os.environ["SONAE_FAULT_MARKER"])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sonae", "worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
