"""The facts of a case as the engine's input: prefilled from the incident, normalised for storage.

``facts_from_incident`` reads what the incident already records (data at risk, persons, whose data, when it was
discovered, the cause or the triage's suggestion, a notice already sent to the entrusting hospital).
``normalised_facts`` is the complete contract input of a parsed ``Facts`` (every field, defaults filled in), so
that two versions compare field by field.
"""

from __future__ import annotations

from datetime import datetime

from sonae.duties.rules import Facts
from sonae.duties.rules.vocab import CONTRACTOR, CONTROLLER
from sonae.incidents import triage
from sonae.incidents.models import DataOwner, Incident
from sonae.jp.calendar import to_tokyo

FACT_FIELDS = (
    "discovered_at",
    "role",
    "entrusting_party_notified_at",
    "joint_report",
    "data_items",
    "persons",
    "my_number_persons",
    "cause",
    "unauthorized_purpose",
    "financial_damage_risk",
    "encrypted_high_level",
    "key_compromised",
    "exfiltration_evidence",
    "backup_intact",
    "recipient_confirmed_deleted_unread",
    "publicly_viewable",
    "data_scope",
)

DEFAULTS = {
    "entrusting_party_notified_at": None,
    "joint_report": False,
    "my_number_persons": None,
    "unauthorized_purpose": None,
    "financial_damage_risk": None,
    "encrypted_high_level": False,
    "key_compromised": False,
    "exfiltration_evidence": "unknown",
    "backup_intact": False,
    "recipient_confirmed_deleted_unread": False,
    "publicly_viewable": None,
    "data_scope": "held",
}


def instant_text(value: datetime | None) -> str | None:
    """An aware instant as the contract writes it: ISO 8601 in Asia/Tokyo (2025-10-06T10:00:00+09:00)."""
    if value is None:
        return None
    return to_tokyo(value).isoformat()


def normalised_facts(facts: Facts) -> dict:
    """The complete contract input of ``facts`` (instants in Tokyo time, lists as lists)."""
    out = {}
    for name in FACT_FIELDS:
        value = getattr(facts, name)
        if isinstance(value, datetime):
            value = instant_text(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def role_for(incident: Incident) -> str:
    """Contractor when the data was entrusted by a hospital (or one is named), controller otherwise."""
    if incident.data_owner == DataOwner.ENTRUSTED:
        return CONTRACTOR
    if incident.data_owner == DataOwner.UNKNOWN and (
        incident.entrusting_hospital_id or incident.entrusting_party_name
    ):
        return CONTRACTOR
    return CONTROLLER


def first_notice_sent_at(incident: Incident) -> datetime | None:
    """When the first notice to the entrusting hospital was sent from Sonae, if any."""
    notice = incident.hospital_notices.filter(sent_at__isnull=False).order_by("sent_at").first()
    return notice.sent_at if notice is not None else None


def facts_from_incident(incident: Incident) -> dict:
    """The contract input as far as the incident knows it. Unknown required values are left out (None / [])
    so that the form asks for them; the cause falls back to the triage's suggestion for the category."""
    role = role_for(incident)
    cause = incident.cause or (triage.cause_for(incident.category) if incident.category else "")
    notified = first_notice_sent_at(incident) if role == CONTRACTOR else None
    discovered = incident.discovered_at or incident.received_at
    return {
        **DEFAULTS,
        "discovered_at": instant_text(discovered),
        "role": role,
        "entrusting_party_notified_at": instant_text(notified),
        "data_items": list(incident.data_items or []),
        "persons": incident.persons_estimate,
        "cause": cause or None,
    }


def incident_changes(incident: Incident, facts: dict) -> dict:
    """The facts the incident now records differently from ``facts`` (an assessment's input), field by field.

    Only what the incident actually knows counts: an empty list of items, an unknown number of persons or an
    unknown owner never overrides the assessment; the cause only when it was set on the incident (not the triage's
    suggestion); the notice time only when the assessment has none and a notice was sent from Sonae since.
    """
    known = {}
    if incident.discovered_at is not None:
        known["discovered_at"] = instant_text(incident.discovered_at)
    if incident.data_owner != DataOwner.UNKNOWN:
        known["role"] = role_for(incident)
    if incident.data_items:
        known["data_items"] = list(incident.data_items)
    if incident.persons_estimate is not None:
        known["persons"] = incident.persons_estimate
    if incident.cause:
        known["cause"] = incident.cause
    if facts.get("role") == CONTRACTOR and not facts.get("entrusting_party_notified_at"):
        sent = first_notice_sent_at(incident)
        if sent is not None:
            known["entrusting_party_notified_at"] = instant_text(sent)
    changes = {}
    for name, value in known.items():
        current = facts.get(name)
        if name == "data_items":
            differs = set(value) != set(current or [])
        elif name in ("discovered_at", "entrusting_party_notified_at") and current:
            differs = datetime.fromisoformat(value) != datetime.fromisoformat(current)
        else:
            differs = value != current
        if differs:
            changes[name] = value
    return changes
