"""Demo data of the legal duties: an assessment for each demo case of the incident desk (runs after it).

- ``INC-DEMO-0001``: sakura-lab, contractor of minato-hospital, ransomware, test results of 5,000 patients; the
  notice to the hospital was sent from Sonae (its time is the notice fact) → released from its own PPC report,
  the hospital's own dates shown for information.
- ``INC-DEMO-0002``: aoba-transport, contractor of kawase-hospital, a lost bag with ward and hospital-visit facts of
  30 patients, hospital not notified yet → notify the hospital by the target date (R6); a second version after
  the number of patients was confirmed, so the history and the diff have something to show.
- ``INC-DEMO-0003``: midori-food, a misdirected fax retrieved unread → no reportable situation.

Idempotent: a case that already has an assessment is left alone. E-mails are not sent while loading.
"""

from __future__ import annotations

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.models import Membership
from sonae.incidents import services as incident_services
from sonae.incidents.models import Incident

from .models import DutyAssessment
from .prefill import facts_from_incident
from .services import assessment_create


def _actor(code: str) -> Actor:
    membership = Membership.objects.select_related("organisation", "user").get(
        organisation__code=code, user__email=f"staff@{code}.example.jp"
    )
    return Actor.from_membership(membership)


def _assess(reference: str, provider: str, versions: list[dict]) -> None:
    incident = (
        Incident.objects.select_related("provider", "entrusting_hospital").filter(reference=reference).first()
    )
    if incident is None or DutyAssessment.objects.filter(incident=incident).exists():
        return
    actor = _actor(provider)
    facts = facts_from_incident(incident)
    for changes in versions:
        note = changes.pop("note", "")
        facts = {**facts, **changes}
        assessment_create(
            actor=actor,
            incident=incident,
            facts=facts,
            entrusting_hospital=incident.entrusting_hospital,
            entrusting_party_name=incident.entrusting_party_name,
            note=note,
        )


@transaction.atomic
def load() -> None:
    """Assess the demo cases that have no assessment yet."""
    with incident_services.emails_suppressed():
        _assess(
            "INC-DEMO-0001",
            "sakura-lab",
            [{"persons": 5000, "cause": "ransomware", "note": "デスクのトリアージ結果から判定"}],
        )
        _assess(
            "INC-DEMO-0002",
            "aoba-transport",
            [
                {"persons": 35, "cause": "loss", "note": "最初の報告（人数は概数）"},
                {"persons": 30, "note": "搬送予定表の控えで対象者を30名と確認"},
            ],
        )
        _assess(
            "INC-DEMO-0003",
            "midori-food",
            [
                {
                    "persons": 2,
                    "cause": "misdelivery",
                    "recipient_confirmed_deleted_unread": True,
                    "note": "誤送信先が開封前に破棄したことを確認",
                }
            ],
        )
