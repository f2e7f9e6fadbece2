"""Fixtures of the claims workflow tests: a programme year from the shipped file, providers with policies, an
insurer, an agency and the organisations that must see nothing, a ransomware case inside the policy period.

Time is frozen (ticking) on 2025-12-01 10:00 JST, inside the 2025 programme year, so nothing depends on today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
import time_machine

from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation, User
from sonae.enrolment.models import Application, Policy, Quote, RosterEntry
from sonae.jp.calendar import TOKYO
from sonae.programme.services import programme_year_load_file, shipped_year_file
from tests.factories import enrol_totp, member

NOW = datetime(2025, 12, 1, 10, 0, tzinfo=TOKYO)
DISCOVERED = datetime(2025, 11, 10, 9, 0, tzinfo=TOKYO)
RECEIVED = datetime(2025, 11, 10, 10, 0, tzinfo=TOKYO)


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def make_policy(
    organisation: Organisation, year, *, plan: str = "A", number: str = "P-2025-000001", start=None, end=None
):
    """A policy in force for ``organisation`` over the year's period (roster entry, quote and application made
    directly: the enrolment path itself is tested in tests/enrolment)."""
    start = start or year.period_start
    end = end or year.period_end
    corporate_number = f"{organisation.pk:013d}"
    entry = RosterEntry.objects.create(
        corporate_number=corporate_number, name=organisation.name, organisation=organisation
    )
    quote = Quote.objects.create(
        number=f"Q-{number}",
        programme_year=year,
        organisation=organisation,
        roster_entry=entry,
        created_by_organisation=organisation,
        joining="main",
        cover_start=start,
        cover_end=end,
        quote_deadline=date(2025, 9, 1),
        application_deadline=date(2025, 9, 16),
        company_name=organisation.name,
        corporate_number=corporate_number,
        annual_sales=800_000_000,
        records_held=100_000,
        employees=80,
        plans=[plan],
        terms_version=year.terms_version,
        issued_at=jst(2025, 8, 20, 10),
    )
    application = Application.objects.create(
        number=f"A-{number}",
        quote=quote,
        organisation=organisation,
        programme_year=year,
        plan=plan,
        premium=100_000,
        status="accepted",
    )
    return Policy.objects.create(
        number=number,
        number_key=number.replace("-", ""),
        application=application,
        organisation=organisation,
        programme_year=year,
        plan=plan,
        premium=100_000,
        joining="main",
        cover_start=start,
        cover_end=end,
        insured_name=organisation.name,
        corporate_number=corporate_number,
        issued_at=jst(2025, 9, 20, 10),
    )


@dataclass
class World:
    provider: Membership
    provider_b: Membership
    provider_viewer: Membership
    insurer: Membership
    agency: Membership
    desk: Membership
    foundation: Membership
    hospital: Membership
    year: object
    policy: Policy
    policy_b: Policy

    def actor(self, name: str) -> Actor:
        return Actor.from_membership(getattr(self, name))

    def user(self, name: str) -> User:
        return getattr(self, name).user


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    year, _ = programme_year_load_file(path=shipped_year_file("2025"))
    provider = member("provider", name="株式会社さくら臨床検査", code="sakura")
    provider_b = member("provider", name="あおば患者搬送株式会社", code="aoba")
    viewer = Membership.objects.create(
        user=User.objects.create_user(email="viewer@sakura.example.jp", password="x" * 12),
        organisation=provider.organisation,
        role="viewer",
    )
    w = World(
        provider=provider,
        provider_b=provider_b,
        provider_viewer=viewer,
        insurer=member("insurer", name="ひので損害保険株式会社", code="hinode"),
        agency=member("agency", code="agency"),
        desk=member("desk", code="desk"),
        foundation=member("foundation", code="foundation"),
        hospital=member("hospital", name="みなと総合病院", code="minato"),
        year=year,
        policy=make_policy(provider.organisation, year, plan="A", number="P-2025-000001"),
        policy_b=make_policy(provider_b.organisation, year, plan="B", number="P-2025-000002"),
    )
    for name in ("insurer", "agency", "desk"):
        enrol_totp(w.user(name))
    return w


@pytest.fixture
def report(world):
    """``report(provider="provider", **overrides) -> Incident``: a ransomware case discovered 2025-11-10 09:00."""
    from sonae.incidents.services import incident_report

    def make(who: str = "provider", **overrides):
        kwargs = dict(
            actor=world.actor(who),
            channel="web",
            provider=getattr(world, who).organisation,
            symptoms=["ransom_message"],
            title="検査システムが暗号化された",
            data_items=["name", "test_results"],
            persons_estimate=5000,
            data_owner="entrusted",
            entrusting_hospital=world.hospital.organisation,
            received_at=RECEIVED,
            discovered_at=DISCOVERED,
        )
        kwargs.update(overrides)
        return incident_report(**kwargs)

    return make


@pytest.fixture
def incident(report):
    return report()


@pytest.fixture
def add_expense(world, incident):
    """``add_expense(item="investigation", amount=..., **kw) -> Expense`` on the provider's case."""
    from sonae.claims.services import expense_create

    def make(item: str = "investigation", amount: int = 1_000_000, *, case=None, who="provider", **kwargs):
        kwargs.setdefault("spent_on", date(2025, 11, 20))
        kwargs.setdefault("payee", "東京デジタルフォレンジック株式会社")
        return expense_create(
            actor=world.actor(who), incident=case or incident, item=item, amount=amount, **kwargs
        )

    return make


@pytest.fixture
def client_for(world):
    """``client_for("insurer") -> Client`` logged in as that world user."""
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

    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}claims-{name}-{role}-secret"
        ApiToken.objects.create(
            organisation=getattr(world, name).organisation,
            name=f"{name} token",
            prefix=secret[6:14],
            token_hash=hash_token(secret),
            role=role,
        )
        return secret

    return make


PDF_BYTES = b"%PDF-1.4\n% receipt of the forensic investigation\n%%EOF\n"
