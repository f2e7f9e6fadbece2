"""Explicit extension points of the incident case.

Apps that sit above ``incidents`` (the duties engine re-assesses a case when its facts change, DESIGN §4) register
a callback here from their ``AppConfig.ready``; the incidents services call ``facts_changed`` in their transaction
and the callbacks run after commit. This keeps the dependency one-way (duties → incidents) without signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

_facts_changed: list[Callable[..., object]] = []


def on_facts_changed(callback: Callable[..., object]) -> Callable[..., object]:
    """Register ``callback(*, actor, incident)`` to run after a change of a case's facts is committed."""
    if callback not in _facts_changed:
        _facts_changed.append(callback)
    return callback


def _run(callback, *, actor, incident) -> None:
    try:
        callback(actor=actor, incident=incident)
    except Exception:  # the facts are committed; a follow-up failure must not turn the request into an error
        logger.exception("facts_changed callback %r failed for %s", callback, incident.reference)


def facts_changed(*, actor, incident) -> None:
    """Schedule the registered callbacks for after the current transaction commits."""
    for callback in _facts_changed:
        transaction.on_commit(partial(_run, callback, actor=actor, incident=incident))
