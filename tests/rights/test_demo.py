"""Demo data: the ransomware case's forwarded request shows in minato-hospital's view; loading twice adds none."""

from __future__ import annotations

from sonae.core.actors import Actor
from sonae.core.demo.loader import load_demo
from sonae.core.models import Membership
from sonae.rights.models import RightsRequest
from sonae.rights.selectors import forwarded_for


def test_the_demo_request_is_forwarded_to_the_hospital_once(db, mailoutbox):
    load_demo()
    load_demo()
    assert RightsRequest.objects.filter(incident__reference="INC-DEMO-0001").count() == 1
    hospital = Membership.objects.get(user__email="staff@minato-hospital.example.jp")
    assert forwarded_for(Actor.from_membership(hospital)).count() == 1
    assert mailoutbox == []
