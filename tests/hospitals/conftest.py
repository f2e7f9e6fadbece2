"""Fixtures of the hospital portal tests: providers, hospitals and the other kinds, links, a notified case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, User
from sonae.jp.calendar import TOKYO
from tests.factories import MembershipFactory, enrol_totp, member

ALL_SHARED = {"insurance": True, "selfcheck": True, "checklist": True, "bcp": True}


def jst(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TOKYO)


@dataclass
class World:
    provider: Membership
    provider_admin: Membership
    provider_viewer: Membership
    provider_b: Membership
    hospital: Membership
    hospital_admin: Membership
    hospital_viewer: Membership
    hospital_b: Membership
    desk: Membership
    agency: Membership
    foundation: Membership

    def actor(self, name: str) -> Actor:
        return Actor.from_membership(getattr(self, name))

    def user(self, name: str) -> User:
        return getattr(self, name).user

    def org(self, name: str):
        return getattr(self, name).organisation


@pytest.fixture
def world(db, settings) -> World:
    settings.SONAE_SITE_URL = "https://sonae.example.jp"
    provider = member(
        "provider", name="株式会社さくら臨床検査", name_kana="サクラリンショウケンサ", code="sakura"
    )
    hospital = member("hospital", name="みなと総合病院", code="minato")
    w = World(
        provider=provider,
        provider_admin=MembershipFactory(organisation=provider.organisation, role="admin"),
        provider_viewer=MembershipFactory(organisation=provider.organisation, role="viewer"),
        provider_b=member(
            "provider", name="あおば患者搬送株式会社", name_kana="アオバカンジャハンソウ", code="aoba"
        ),
        hospital=hospital,
        hospital_admin=MembershipFactory(organisation=hospital.organisation, role="admin"),
        hospital_viewer=MembershipFactory(organisation=hospital.organisation, role="viewer"),
        hospital_b=member("hospital", name="かわせ記念病院", code="kawase"),
        desk=member("desk", name="サイバー事故対応デスク", code="desk"),
        agency=member("agency", code="agency"),
        foundation=member("foundation", code="foundation"),
    )
    for name in ("desk", "agency"):
        enrol_totp(w.user(name))
    return w


@pytest.fixture
def link_for(world):
    """``link_for(provider="provider", hospital="hospital", accept=True, shared=None) -> ContractorLink``."""
    from sonae.hospitals import services

    def make(provider="provider", hospital="hospital", *, accept=True, shared=None, codes=None, items=None):
        link = services.link_declare(
            actor=world.actor(provider),
            hospital=world.org(hospital),
            business_codes=codes or ["clinical_lab"],
            data_items=items or ["name", "test_results"],
            since=date(2020, 4, 1),
        )
        if accept:
            responder = "hospital" if hospital == "hospital" else hospital
            link = services.link_transition(actor=world.actor(responder), link=link, to_status="accepted")
        if shared:
            admin = Membership.objects.filter(organisation=link.provider, role="admin").first()
            if admin is None:
                admin = MembershipFactory(organisation=link.provider, role="admin")
            link = services.consent_update(actor=Actor.from_membership(admin), link=link, **shared)
        return link

    return make


@pytest.fixture
def notified_case(world):
    """``notified_case(hospital="hospital", provider="provider", **incident) -> HospitalNotice``: a ransomware case
    of the provider with a notice sent to the hospital (the incidents app's own services)."""
    from sonae.incidents import services as incident_services

    def make(hospital="hospital", provider="provider", **overrides):
        kwargs = dict(
            actor=world.actor(provider),
            channel="web",
            provider=world.org(provider),
            symptoms=["ransom_message"],
            title="検査システムが暗号化された",
            data_items=["name", "test_results"],
            persons_estimate=5000,
            data_owner="entrusted",
            entrusting_hospital=world.org(hospital),
            discovered_at=jst(2026, 10, 5, 9),
        )
        kwargs.update(overrides)
        incident = incident_services.incident_report(**kwargs)
        notice = incident_services.hospital_notice_create(
            actor=world.actor(provider), incident=incident, hospital=world.org(hospital)
        )
        return incident_services.hospital_notice_send(actor=world.actor(provider), notice=notice)

    return make


@pytest.fixture
def client_for(world):
    """``client_for("hospital") -> Client`` logged in as that world member."""
    from django.test import Client

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.user(name))
        return client

    return make


@pytest.fixture
def token_for(world):
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}test-{name}-{role}-secret"
        ApiToken.objects.create(
            organisation=world.org(name),
            name=f"{name} token",
            prefix=secret[6:14],
            token_hash=hash_token(secret),
            role=role,
        )
        return secret

    return make


NOW = jst(2026, 10, 6, 10)


@pytest.fixture(autouse=True)
def _now():
    """Every test runs on Tuesday 2026-10-06 10:00 JST (a business day, inside the 2026 programme year)."""
    import time_machine

    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def security_records():
    """``security_records(org, overdue=False)``: a self-check, a vendor checklist (complete, or with one いいえ whose
    target date has passed) and an adopted cyber-BCP whose contact chart names a person."""
    from sonae.selfcheck.models import BcpPlan, SelfCheck, VendorChecklist
    from sonae.selfcheck.rules import vendor_checklist as vcl
    from sonae.selfcheck.rules.questions import QUESTIONS, QUESTIONS_VERSION
    from sonae.selfcheck.rules.scoring import score_answers

    def make(org, *, overdue: bool = False):
        result = score_answers({q.code: "implemented" for q in QUESTIONS})
        SelfCheck.objects.create(
            organisation=org,
            taken_at=jst(2026, 9, 1, 10),
            questions_version=QUESTIONS_VERSION,
            answers=result.answers,
            score=result.score,
            band=result.band.code,
            part_scores={},
        )
        checked_on = date(2026, 6, 1) if overdue else date(2026, 9, 1)
        answers = {item.code: {"answer": vcl.YES} for item in vcl.ITEMS}
        if overdue:
            answers["cyber_bcp"] = {"answer": vcl.NO, "target_date": "2026-09-30", "note": "作成中"}
        cleaned = vcl.validate_answers(answers, checked_on)
        VendorChecklist.objects.create(
            organisation=org,
            checked_on=checked_on,
            answers={code: a.to_json() for code, a in cleaned.items()},
            yes_count=sum(1 for a in cleaned.values() if a.answer == vcl.YES),
            no_count=sum(1 for a in cleaned.values() if a.answer == vcl.NO),
        )
        BcpPlan.objects.create(
            organisation=org,
            status="adopted",
            contacts=[{"category": "internal", "name": "秘密 太郎", "phone": "090-9999-0000"}],
            reviewed_on=date(2026, 6, 1),
        )

    return make
