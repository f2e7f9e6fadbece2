"""Fixtures of the victims tests: one organisation of each kind, a case of provider A, list files."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership, User
from tests.factories import MembershipFactory, enrol_totp, member

HEADER = "氏名,フリガナ,生年月日,郵便番号,住所,電話番号,患者ID,被保険者証記号番号,漏えい項目"
KNOWN_NAME = "鈴鹿　未来子"  # the person whose name must never be stored in clear


@dataclass
class World:
    provider: Membership
    provider_admin: Membership
    provider_b: Membership
    desk: Membership
    agency: Membership
    insurer: Membership
    foundation: Membership
    hospital: Membership

    def actor(self, name: str) -> Actor:
        return Actor.from_membership(getattr(self, name))

    def user(self, name: str) -> User:
        return getattr(self, name).user


@pytest.fixture
def world(db) -> World:
    provider = member("provider", name="株式会社さくら臨床検査", code="sakura")
    admin = MembershipFactory(organisation=provider.organisation, role="admin")
    w = World(
        provider=provider,
        provider_admin=admin,
        provider_b=member("provider", name="あおば患者搬送株式会社", code="aoba"),
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
def incident(world):
    from sonae.incidents.services import incident_report

    return incident_report(
        actor=world.actor("provider"),
        channel="web",
        provider=world.provider.organisation,
        symptoms=["ransom_message"],
        title="検査システムが暗号化された",
        data_items=["name", "test_results"],
        persons_estimate=100,
        data_owner="own",
    )


@pytest.fixture
def incident_b(world):
    from sonae.incidents.services import incident_report

    return incident_report(
        actor=world.actor("provider_b"),
        channel="web",
        provider=world.provider_b.organisation,
        symptoms=["ransom_message"],
        title="配車システムの障害",
        data_items=["name"],
        data_owner="own",
    )


def csv_text(rows: list[str], header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


GOOD_ROWS = [
    f"{KNOWN_NAME},ｽｽﾞｶ ﾐｷｺ,昭和45年3月2日,100-0001,東京都千代田区千代田１丁目１番１号,03-1234-5678,P0001,記号1 番号2,氏名;生年月日;検査結果",
    "山田 太郎,やまだ たろう,S50.4.1,〒1600023,東京都新宿区西新宿2丁目8番1号 サンプルハイツ101号室,090-1111-2222,P0002,,氏名;病歴",
    "佐藤　花子,サトウ　ハナコ,1980/12/24,2200012,神奈川県横浜市西区みなとみらい1-1-1,045-222-3333,P0003,,氏名;住所",
]


@pytest.fixture
def client_for(world):
    from django.test import Client

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world.user(name))
        return client

    return make


@pytest.fixture
def write_list(tmp_path):
    """``write_list(rows, encoding="cp932", header=HEADER) -> path`` of a CSV file."""

    def make(rows: list[str], encoding: str = "cp932", header: str = HEADER, name: str = "list.csv"):
        path = tmp_path / name
        path.write_bytes(csv_text(rows, header).encode(encoding))
        return path

    return make


@pytest.fixture
def imported(world, incident, write_list):
    """A committed import of GOOD_ROWS on ``incident``: returns the job."""
    from sonae.victims.services import imports

    def make(rows=GOOD_ROWS):
        path = str(write_list(rows))
        job = imports.import_job_create(
            actor=world.actor("provider"), incident=incident, name="list.csv", path=path
        )
        job = imports.import_validate(job=job, source=imports.job_source(job, path))
        return imports.import_commit(
            actor=world.actor("provider"), job=job, source=imports.job_source(job, path)
        )

    return make


@pytest.fixture
def bearer(world):
    """``bearer(name, role="staff")``: the Authorization header of an API token of ``name``'s organisation."""
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    made: dict[tuple[str, str], str] = {}

    def make(name: str, role: str = "staff") -> str:
        if (name, role) not in made:
            secret = f"{TOKEN_PREFIX}work-{name}-{role}-secret"
            ApiToken.objects.create(
                organisation=getattr(world, name).organisation,
                name=f"{name}-{role}",
                prefix=secret[6:14],
                token_hash=hash_token(secret),
                role=role,
            )
            made[name, role] = f"Bearer {secret}"
        return made[name, role]

    return make


def api_call(client, auth: str, method: str, path: str, body=None, **extra):
    """``method`` on ``/api/v1{path}`` with ``auth``; ``body`` as JSON (a dict) or multipart (``multipart=True``)."""
    headers = {"Authorization": auth}
    if body is None:
        return getattr(client, method)(f"/api/v1{path}", headers=headers, **extra)
    if extra.pop("multipart", False):
        return getattr(client, method)(f"/api/v1{path}", body, headers=headers, **extra)
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def key_entries(**filters) -> list[tuple[int, int]]:
    """(key, victim id) of every kana+birth and patient-ID look-up key in the buckets matching ``filters``."""
    from sonae.victims.keys import LINE_BITS, bucket_entries
    from sonae.victims.models import VictimKeyBucket

    entries = []
    for job_id, keys, lines in VictimKeyBucket.objects.filter(**filters).values_list(
        "job_id", "keys", "lines"
    ):
        entries += [
            (key, job_id << LINE_BITS | line) for key, line in bucket_entries(bytes(keys), bytes(lines))
        ]
    return entries


@pytest.fixture
def token_for(world):
    """``token_for(name)``: the Authorization header of a new API token of the world's ``name`` organisation."""
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    def make(name: str) -> str:
        secret = f"{TOKEN_PREFIX}test-{name}-secret"
        ApiToken.objects.create(
            organisation=getattr(world, name).organisation,
            name=name,
            prefix=secret[6:14],
            token_hash=hash_token(secret),
        )
        return f"Bearer {secret}"

    return make
