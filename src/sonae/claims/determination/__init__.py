"""Coverage determination (issue 12): is an incident covered, under which policy and part, and why.

Pure package (no Django): ``model`` (inputs and outputs), ``causes`` (incident cause → covered trigger), ``engine``
(``determine``, ``select_policy``, ``closest_policy``), ``texts`` (Japanese messages and fact questions). The terms
come from the programme year file's ``determination`` section (``sonae.programme.cover_terms``). The Django side
(inputs from the models, the insurer's decisions) is ``sonae.claims.coverage_status``.
"""

from .causes import CATEGORY_TRIGGERS, CAUSE_TRIGGERS, trigger_for
from .engine import closest_policy, determine, select_policy
from .model import (
    COVERED,
    INFO,
    NEEDS_REVIEW,
    NOT_COVERED,
    OUTCOME_LABELS,
    OUTCOMES,
    REASON_CODES,
    Cause,
    Declarations,
    Determination,
    DeterminationInput,
    PartResult,
    PolicyPeriod,
    Reason,
    worst,
)
from .texts import FACT_QUESTIONS

__all__ = [
    "CATEGORY_TRIGGERS",
    "CAUSE_TRIGGERS",
    "COVERED",
    "FACT_QUESTIONS",
    "INFO",
    "NEEDS_REVIEW",
    "NOT_COVERED",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "REASON_CODES",
    "Cause",
    "Declarations",
    "Determination",
    "DeterminationInput",
    "PartResult",
    "PolicyPeriod",
    "Reason",
    "closest_policy",
    "determine",
    "select_policy",
    "trigger_for",
    "worst",
]
