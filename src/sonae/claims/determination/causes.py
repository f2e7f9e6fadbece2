"""Reading an incident's cause as a covered trigger (``cover_terms.TRIGGERS``).

Two sources, the more precise first: the duties cause code (``duties-contract.md`` cause codes; the desk confirms it
when the facts are known) and the triage category (a suggestion from the caller's symptoms). ``None`` in a table
means the source does not say which trigger applies (system failure, "other"): the determination then falls back
to the next source, to "leak or its risk" when personal data is at risk, and otherwise asks for review.

Literal codes, no import of the incident or duties apps: tests check these tables against both vocabularies.
"""

from __future__ import annotations

from .model import Cause

# Triage category (sonae.incidents.triage.CATEGORIES) -> trigger. Flyer's five causes; §2.1, §7.
CATEGORY_TRIGGERS: dict[str, str | None] = {
    "ransomware": "cyber_attack",
    "unauthorized_access": "cyber_attack",
    "malware": "cyber_attack",
    "website_compromise": "cyber_attack",
    "impersonation": "cyber_attack",
    "loss_theft": "lost_device_or_bag",  # "bag left behind" (Sompo page, §2.1)
    "misdelivery": "employee_error",
    "insider": "employee_crime",  # rider-dependent (§2.4)
    "other": None,
}

# Duties cause code (sonae.duties.rules.CAUSES) -> trigger.
CAUSE_TRIGGERS: dict[str, str | None] = {
    "ransomware": "cyber_attack",
    "unauthorized_access": "cyber_attack",
    "malware": "cyber_attack",
    "phishing": "cyber_attack",
    "web_skimming": "cyber_attack",
    "theft": "lost_device_or_bag",  # a bag or device stolen by an outsider
    "insider_theft": "employee_crime",
    "misdelivery": "employee_error",
    "misdelivery_email": "employee_error",
    "loss": "lost_device_or_bag",
    "misconfiguration": "employee_error",  # "employee system-setting mistakes" (Sompo page, §2.1)
    "public_exposure": "employee_error",
    "operational_error": "employee_error",
    "system_failure": None,
    "other": None,
}

FROM_CAUSE = "cause"
FROM_CATEGORY = "category"
FROM_DATA_AT_RISK = "data_at_risk"


def trigger_for(cause: Cause) -> tuple[str | None, str]:
    """(trigger, source) for an incident's cause: the duties cause when it maps to a trigger, else the triage
    category, else ``leak_or_risk`` when personal data is at risk ("costs for the mere おそれ", §2.1), else
    (None, "")."""
    if cause.cause:
        if cause.cause not in CAUSE_TRIGGERS:
            raise ValueError(f"unknown cause code: {cause.cause}")
        if CAUSE_TRIGGERS[cause.cause]:
            return CAUSE_TRIGGERS[cause.cause], FROM_CAUSE
    if cause.category:
        if cause.category not in CATEGORY_TRIGGERS:
            raise ValueError(f"unknown triage category: {cause.category}")
        if CATEGORY_TRIGGERS[cause.category]:
            return CATEGORY_TRIGGERS[cause.category], FROM_CATEGORY
    if cause.personal_data_at_risk:
        return "leak_or_risk", FROM_DATA_AT_RISK
    return None, ""
