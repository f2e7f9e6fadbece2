"""Fixtures of the incident desk tests: one organisation of each kind with a staff user, as ``Actor``s too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, User
from sonae.jp.calendar import TOKYO
from tests.factories import enrol_totp, member


def jst(y, mo, d, h=0, mi=0, s=0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=TOKYO)


def actor_of(user: User) -> Actor:
    return Actor.from_membership(Membership.objects.select_related("organisation").get(user=user))


@dataclass
class World:
    provider: Membership
    provider_b: Membership
    desk: Membership
    agency: Membership
    insurer: Membership
    foundation: Membership
    hospital: Membership
    hospital_b: Membership

    def actor(self, name: str) -> Actor:
        return Actor.from_membership(getattr(self, name))

    def user(self, name: str) -> User:
        return getattr(self, name).user


@pytest.fixture
def world(db, settings) -> World:
    settings.SONAE_SITE_URL = "https://sonae.example.jp"
    w = World(
        provider=member(
            "provider", name="株式会社さくら臨床検査", name_kana="サクラリンショウケンサ", code="sakura"
        ),
        provider_b=member(
            "provider", name="あおば患者搬送株式会社", name_kana="アオバカンジャハンソウ", code="aoba"
        ),
        desk=member("desk", name="サイバー事故対応デスク", code="desk"),
        agency=member("agency", code="agency"),
        insurer=member("insurer", code="insurer"),
        foundation=member("foundation", code="foundation"),
        hospital=member("hospital", name="みなと総合病院", code="minato"),
        hospital_b=member("hospital", name="かわせ記念病院", code="kawase"),
    )
    for name in ("desk", "agency", "insurer"):
        enrol_totp(w.user(name))
    return w


@pytest.fixture
def report(world):
    """``report(**overrides) -> Incident``: a web report by provider A (ransomware, hospital data)."""
    from sonae.incidents.services import incident_report

    def make(**overrides):
        kwargs = dict(
            actor=world.actor("provider"),
            channel="web",
            provider=world.provider.organisation,
            symptoms=["ransom_message"],
            title="検査システムが暗号化された",
            data_items=["name", "test_results"],
            persons_estimate=5000,
            data_owner="entrusted",
            entrusting_hospital=world.hospital.organisation,
        )
        kwargs.update(overrides)
        return incident_report(**kwargs)

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


@pytest.fixture
def token_for(world):
    """``token_for("provider") -> "sonae_…"``: an API token secret of that world organisation."""
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    made: dict[tuple[str, str], str] = {}

    def make(name: str, role: str = "staff") -> str:
        if (name, role) in made:  # asked again in the same test: the same token
            return made[name, role]
        secret = f"{TOKEN_PREFIX}test-{name}-{role}-secret"
        ApiToken.objects.create(
            organisation=getattr(world, name).organisation,
            name=f"{name} token",
            prefix=secret[6:14],
            token_hash=hash_token(secret),
            role=role,
        )
        made[name, role] = secret
        return secret

    return make


def api_call(client, token: str, method: str, path: str, body=None):
    """``client.<method>("/api/v1<path>")`` with the token, and ``body`` as JSON when given."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return getattr(client, method)(f"/api/v1{path}", headers=headers)
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json", headers=headers)
