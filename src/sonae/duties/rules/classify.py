"""What the facts mean before any regime is applied: is it a leak at all, and which flags hold.

Shared by the APPI and the My Number Act assessments (law.md §1.2, §1.4, §6).

Decisions (conservative, law.md §0):
- High-level encryption lifts everything only while the key is safe (law.md §1.4); it is checked first.
- A misdelivery retrieved or deleted unread is not a leak (GL 3-5-1, PPC Q&A 6-1) — unless the act was for an
  unauthorized purpose or the data was publicly viewable, where "nobody saw it" cannot be confirmed that way.
- An intact backup lifts a loss/damage only when the event is not a leak risk: the cause is loss/damage by nature
  (see ``vocab``), not for an unauthorized purpose (R12: attacks stay a leak risk), not publicly viewable, and no
  exfiltration confirmed.
"""

from __future__ import annotations

from .facts import Facts
from .vocab import CAUSES, LOSS_OR_DAMAGE, MISDELIVERY_CAUSES

ENCRYPTED = "encrypted_high_level"
RETRIEVED_UNREAD = "retrieved_unread"
BACKUP_INTACT = "backup_intact"

# Attacks after which "restored, no exfiltration found" is still a leak risk (Sonae reading R12).
R12_CAUSES = frozenset({"ransomware", "malware", "unauthorized_access"})


def unauthorized_purpose(facts: Facts) -> bool:
    """The unauthorized-purpose flag: the explicit override, else what the cause implies (contract: cause codes)."""
    if facts.unauthorized_purpose is not None:
        return facts.unauthorized_purpose
    return CAUSES[facts.cause].unauthorized_purpose


def publicly_viewable(facts: Facts) -> bool:
    """Whether unspecified many could view the data electronically; defaults to true for ``public_exposure``."""
    if facts.publicly_viewable is not None:
        return facts.publicly_viewable
    return facts.cause == "public_exposure"


def exclusion(facts: Facts) -> str | None:
    """Why the event is not a reportable leak/loss/damage at all, or None when it may be one."""
    # Enforcement Rules art. 7(i) parenthetical; PPC My Number Q&A 17-14: the key must be safe.
    if facts.encrypted_high_level and not facts.key_compromised:
        return ENCRYPTED
    up = unauthorized_purpose(facts)
    viewable = publicly_viewable(facts)
    # PPC guidelines (general) 3-5-1; PPC Q&A 6-1: retrieved before any third party saw it.
    if (
        facts.recipient_confirmed_deleted_unread
        and facts.cause in MISDELIVERY_CAUSES
        and not up
        and not viewable
    ):
        return RETRIEVED_UNREAD
    # PPC guidelines (general) 3-5-1: no 滅失 when the same data is kept elsewhere; never for leaks.
    if (
        facts.backup_intact
        and CAUSES[facts.cause].kind == LOSS_OR_DAMAGE
        and not up
        and not viewable
        and facts.exfiltration_evidence != "confirmed"
    ):
        return BACKUP_INTACT
    return None


def r12_applies(facts: Facts) -> bool:
    """An attack with no exfiltration confirmed, which Sonae still treats as a leak risk (R12)."""
    return facts.cause in R12_CAUSES and facts.exfiltration_evidence != "confirmed"
