"""Fixtures of the legal duties app's tests: one organisation of each kind, cases, and contract facts.

Imports of Django models stay inside the fixtures: the engine's pure tests in this directory also run without
Django (``pytest -p no:django tests/duties``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from sonae.jp.calendar import TOKYO


def jst(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TOKYO)


# Contract example 3: a contractor's lost bag with 30 patients' meal orders (issue 3's new-user scenario).
LOST_BAG = {
    "discovered_at": "2026-03-10T18:00:00+09:00",
    "role": "contractor",
    "data_items": ["name", "ward", "diet_order"],
    "persons": 30,
    "cause": "loss",
}
# Contract example 1: a controller's misdirected fax with two persons' test results.
FAX = {
    "discovered_at": "2025-10-06T10:00:00+09:00",
    "role": "controller",
    "data_items": ["name", "test_results"],
    "persons": 2,
    "cause": "misdelivery",
}


@dataclass
class World:
    provider: Any
    provider_b: Any
    provider_viewer: Any
    desk: Any
    agency: Any
    insurer: Any
    foundation: Any
    hospital: Any

    def actor(self, name: str):
        from sonae.core.actors import Actor

        return Actor.from_membership(getattr(self, name))

    def user(self, name: str):
        return getattr(self, name).user


@pytest.fixture
def world(db, settings) -> World:
    from sonae.core.models import Membership
    from tests.factories import UserFactory, enrol_totp, member

    settings.SONAE_SITE_URL = "https://sonae.example.jp"
    provider = member("provider", name="みどりフードサービス株式会社", code="midori", phone="03-1111-2222")
    viewer = Membership.objects.create(user=UserFactory(), organisation=provider.organisation, role="viewer")
    w = World(
        provider=provider,
        provider_b=member("provider", name="あおば患者搬送株式会社", code="aoba"),
        provider_viewer=viewer,
        desk=member("desk", name="サイバー事故対応デスク", code="desk"),
        agency=member("agency", code="agency"),
        insurer=member("insurer", code="insurer"),
        foundation=member("foundation", code="foundation"),
        hospital=member("hospital", name="みなと総合病院", code="minato"),
    )
    for name in ("desk", "agency", "insurer"):
        enrol_totp(w.user(name))
    return w


@pytest.fixture
def clock():
    """Time stands still at 2026-03-11 10:00 JST (the day after the lost bag); ``clock.move_to(...)`` moves it."""
    import time_machine

    with time_machine.travel(jst(2026, 3, 11, 10, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def incident(world, clock):
    """A web report by the provider: a lost bag with meal orders of patients of the hospital."""
    from sonae.incidents.services import incident_report

    return incident_report(
        actor=world.actor("provider"),
        channel="web",
        provider=world.provider.organisation,
        symptoms=["lost_or_stolen"],
        title="食事箋の入ったかばんを紛失",
        description="配膳担当者が病棟への移動中に、患者30名分の食事箋を入れたかばんを紛失した。",
        data_items=["name", "ward", "diet_order"],
        persons_estimate=30,
        data_owner="entrusted",
        entrusting_hospital=world.hospital.organisation,
        discovered_at=jst(2026, 3, 10, 18, 0),
    )


@pytest.fixture
def assess_case(world):
    """``assess_case(incident, facts=None, actor="provider", **kw) -> DutyAssessment``."""
    from sonae.duties.services import assessment_create

    def make(incident, facts=None, actor: str = "provider", **kwargs):
        return assessment_create(
            actor=world.actor(actor),
            incident=incident,
            facts=dict(facts or LOST_BAG),
            entrusting_hospital=kwargs.pop("entrusting_hospital", world.hospital.organisation),
            **kwargs,
        )

    return make


@pytest.fixture
def client_for(world):
    """``client_for("desk") -> Client`` logged in as that world user."""
    from django.test import Client

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.user(name))
        return client

    return make
