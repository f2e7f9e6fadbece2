"""Fixtures for enrolment tests: programme years from the shipped files, organisations, actors, roster rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, Organisation, User
from sonae.enrolment.models import Certification, RosterEntry
from sonae.enrolment.rules import prefecture_of, with_check_digit
from sonae.jp.calendar import TOKYO
from sonae.programme.services import programme_year_load_file, shipped_year_file

SAKURA_NUMBER = with_check_digit("010001234567")
AOBA_NUMBER = with_check_digit("020001234567")
OUTSIDER_NUMBER = with_check_digit("030009999999")


def jst(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def member(org: Organisation, role: str = "staff") -> Actor:
    user = User.objects.create_user(email=f"{role}@{org.code}.example.jp", password="x" * 12)
    membership = Membership.objects.create(user=user, organisation=org, role=role)
    return Actor.from_membership(membership)


def org(kind: str, code: str, name: str = "", kana: str = "", corporate_number: str = "") -> Organisation:
    return Organisation.objects.create(
        kind=kind, code=code, name=name or code, name_kana=kana, corporate_number=corporate_number
    )


def roster_entry(
    number: str, name: str, kana: str, *certs, organisation=None, address="東京都千代田区1-1"
) -> RosterEntry:
    entry = RosterEntry.objects.create(
        corporate_number=number,
        name=name,
        name_kana=kana,
        address=address,
        prefecture=prefecture_of(address),
        organisation=organisation,
    )
    for business, valid_from, valid_until in certs:
        Certification.objects.create(
            entry=entry,
            business=business,
            unit="facility",
            certified_from=valid_from,
            valid_until=valid_until,
        )
    return entry


@pytest.fixture
def year_2025(db):
    year, _ = programme_year_load_file(path=shipped_year_file("2025"))
    return year


@pytest.fixture
def year_2026(db):
    year, _ = programme_year_load_file(path=shipped_year_file("2026"))
    return year


@pytest.fixture
def sakura(db):
    return org("provider", "sakura-lab", "株式会社さくら臨床検査", "サクラリンショウケンサ", SAKURA_NUMBER)


@pytest.fixture
def aoba(db):
    return org("provider", "aoba-transport", "あおば患者搬送株式会社", "アオバカンジャハンソウ", AOBA_NUMBER)


@pytest.fixture
def outsider(db):
    """A provider organisation whose business is not on the roster."""
    return org("provider", "outsider", "株式会社そとがわ", "ソトガワ", OUTSIDER_NUMBER)


@pytest.fixture
def agency(db):
    return org("agency", "sonae-agency", "株式会社そなえ保険サービス")


@pytest.fixture
def foundation_org(db):
    return org("foundation", "foundation", "振興会")


@pytest.fixture
def sakura_actor(sakura):
    return member(sakura, "staff")


@pytest.fixture
def aoba_actor(aoba):
    return member(aoba, "staff")


@pytest.fixture
def agency_actor(agency):
    return member(agency, "staff")


@pytest.fixture
def foundation_actor(foundation_org):
    return member(foundation_org, "staff")


@pytest.fixture
def sakura_entry(sakura):
    return roster_entry(
        SAKURA_NUMBER,
        "株式会社さくら臨床検査",
        "サクラリンショウケンサ",
        ("clinical_lab", date(2024, 10, 1), date(2026, 9, 30)),
        organisation=sakura,
    )


@pytest.fixture
def aoba_entry(aoba):
    return roster_entry(
        AOBA_NUMBER,
        "あおば患者搬送株式会社",
        "アオバカンジャハンソウ",
        ("patient_transport", date(2023, 6, 1), date(2026, 5, 31)),
        organisation=aoba,
        address="大阪府大阪市北区1-1",
    )


QUOTE_INPUT = {
    "annual_sales": 800_000_000,
    "records_held": 120_000,
    "employees": 85,
    "security_score": 75,
    "incidents_5y": 0,
    "plans": ["A", "B"],
}
