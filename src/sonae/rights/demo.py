"""Demo rights requests (idempotent): on the ransomware case INC-DEMO-0001 (sakura-lab, data entrusted by
minato-hospital) a suspension/erasure request taken by phone is forwarded to the hospital's portal."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.models import Membership
from sonae.incidents.models import Incident
from sonae.incidents.services.notify import emails_suppressed
from sonae.jp.calendar import tokyo_date

from .models import RightsRequest
from .services import rights_request_receive


def load() -> None:
    """Create the demo request once."""
    incident = Incident.objects.filter(reference="INC-DEMO-0001").first()
    if incident is None or RightsRequest.objects.filter(incident=incident).exists():
        return
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation=incident.provider, role__in=["staff", "admin"])
        .order_by("role")
        .last()
    )
    if membership is None:
        return
    with emails_suppressed():
        rights_request_receive(
            actor=Actor.from_membership(membership),
            incident=incident,
            kind="suspension",
            channel="call",
            received_on=tokyo_date(timezone.now()) - timedelta(days=2),
            asked="お詫び状を受け取った。自分の検査結果のデータの利用を停止し、消去してほしい。",
            requester_name="佐藤 一郎",
        )
