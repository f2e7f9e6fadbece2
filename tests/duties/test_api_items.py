"""API: duty items (paginated, updated_since, export), a version by number, done-marks and confirmation."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from sonae.duties.models import DutyItem
from tests.duties.conftest import LOST_BAG, jst

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(world):
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}items-{name}-{role}-secret"
        if not ApiToken.objects.filter(token_hash=hash_token(secret)).exists():
            ApiToken.objects.create(
                organisation=getattr(world, name).organisation,
                name=name,
                prefix=secret[6:14],
                token_hash=hash_token(secret),
                role=role,
            )
        return secret

    return make


@pytest.fixture
def api(client, token_for):
    def call(method: str, path: str, who: str = "provider", body=None, role: str = "staff"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(who, role)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", **headers)
        return client.post(
            f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


@pytest.fixture
def assessed(incident, assess_case):
    assess_case(incident)
    return incident


def test_items_are_listed_in_pages(assessed, api):
    total = DutyItem.objects.filter(incident=assessed).count()
    assert total >= 3
    first = api("get", f"/incidents/{assessed.reference}/duties/items?limit=2").json()
    assert first["count"] == total and len(first["items"]) == 2 and first["next_offset"] == 2
    rest = api("get", f"/incidents/{assessed.reference}/duties/items?offset=2&limit=200").json()
    kinds = [i["kind"] for i in first["items"] + rest["items"]]
    assert sorted(kinds) == sorted(DutyItem.objects.filter(incident=assessed).values_list("kind", flat=True))
    # Summary readers see the duties too (no facts are in an item).
    assert api("get", f"/incidents/{assessed.reference}/duties/items", who="insurer").json()["count"] == total


def test_marking_a_duty_done_and_undone_over_the_api(assessed, api, clock):
    path = f"/incidents/{assessed.reference}/duties/items/ppc_final"
    clock.move_to(jst(2026, 3, 20, 10, 0))
    done = api(
        "post", f"{path}/done", body={"done_at": "2026-03-20T09:30:00+09:00", "reference_number": "PPC-1"}
    )
    assert done.status_code == 200, done.content
    assert datetime.fromisoformat(done.json()["done_at"]) == jst(2026, 3, 20, 9, 30)
    assert done.json()["reference_number"] == "PPC-1"
    # Incremental export: only the item changed after the assessment comes back.
    changed = api(
        "get", f"/incidents/{assessed.reference}/duties/items?updated_since=2026-03-20T00:00:00%2B09:00"
    )
    assert [i["kind"] for i in changed.json()["items"]] == ["ppc_final"]
    undone = api("post", f"{path}/undone")
    assert undone.status_code == 200 and undone.json()["done_at"] is None


def test_viewers_and_summary_readers_cannot_mark_duties(assessed, api):
    path = f"/incidents/{assessed.reference}/duties/items/ppc_final/done"
    assert api("post", path, role="viewer").status_code == 403
    assert api("post", path, who="insurer").status_code == 403
    assert DutyItem.objects.get(incident=assessed, kind="ppc_final").done_at is None


def test_a_version_by_number_and_confirmation(assessed, api):
    version = api("get", f"/incidents/{assessed.reference}/duties/versions/1")
    assert version.status_code == 200 and version.json()["facts"]["persons"] == 30
    assert api("get", f"/incidents/{assessed.reference}/duties/versions/2").status_code == 404
    assert api("get", f"/incidents/{assessed.reference}/duties/versions/1", who="insurer").status_code == 403
    confirmed = api("post", f"/incidents/{assessed.reference}/duties/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["latest"]["status"] == "confirmed"
    again = api("post", f"/incidents/{assessed.reference}/duties/confirm")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


def test_confirming_a_case_never_assessed_is_404(incident, api):
    response = api("post", f"/incidents/{incident.reference}/duties/confirm")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["provider_b", "hospital", "foundation"])
def test_another_organisation_gets_404_on_every_new_route(assessed, api, who):
    ref = assessed.reference
    for method, path in (
        ("get", f"/incidents/{ref}/duties/items"),
        ("get", f"/incidents/{ref}/duties/versions/1"),
        ("post", f"/incidents/{ref}/duties/items/ppc_final/done"),
        ("post", f"/incidents/{ref}/duties/items/ppc_final/undone"),
        ("post", f"/incidents/{ref}/duties/confirm"),
    ):
        response = api(method, path, who=who)
        assert response.status_code == 404, (method, path, response.status_code)
    assert DutyItem.objects.get(incident=assessed, kind="ppc_final").done_at is None


def test_versions_export_as_csv(assessed, api, assess_case):
    assess_case(assessed, {**LOST_BAG, "persons": 31}, note="=1+1 人数の訂正")
    response = api("get", f"/incidents/{assessed.reference}/duties/versions?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "版" and [r[0] for r in rows[1:]] == ["2", "1"]
    assert rows[1][5] == "'=1+1 人数の訂正"
