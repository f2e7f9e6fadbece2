"""Rights-requests API lists (the shared envelope, updated_since, personal-data exports) and the routes that match
the pages: the case's figures, closing a request, and the hospital's view of a forwarded request."""

# ruff: noqa: F811  (the shared fixtures imported below are test arguments)
from __future__ import annotations

import csv
import io

import pytest

from sonae.core.models import AuditEvent
from tests.duties.conftest import client_for  # noqa: F401  (shared fixture)
from tests.incidents.conftest import token_for  # noqa: F401  (shared fixture)

from .conftest import jst


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


BODY = {"kind": "disclosure", "channel": "letter", "received_on": "2026-03-11", "asked": "開示してください"}


def _receive(world, incident, n=1, **changes):
    from sonae.rights.services import rights_request_receive

    return [
        rights_request_receive(
            actor=world.actor("provider"),
            incident=incident,
            **{**BODY, "received_on": jst(2026, 3, 11).date(), "requester_name": f"請求者{i}", **changes},
        )
        for i in range(n)
    ]


def test_the_case_list_is_paged_in_the_shared_envelope(world, own_case, token_for, client):
    made = _receive(world, own_case, 3)
    path = f"/api/v1/incidents/{own_case.reference}/rights-requests"
    token = _auth(token_for("provider"))
    first = client.get(path, {"limit": 2}, headers=token).json()
    assert set(first) == {"count", "limit", "offset", "next_offset", "items"}
    assert (first["count"], first["next_offset"], len(first["items"])) == (3, 2, 2)
    second = client.get(path, {"limit": 2, "offset": 2}, headers=token).json()
    assert second["next_offset"] is None
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert sorted(ids) == sorted(r.pk for r in made)
    assert first["items"][0]["kind_label"] == "開示" and first["items"][0]["organisation_code"] == "midori"


def test_updated_since_returns_the_requests_changed_since(world, own_case, token_for, client, clock):
    from sonae.rights.services import rights_request_verify_identity

    older, changed = _receive(world, own_case, 2)
    clock.move_to(jst(2026, 3, 12, 9, 0))
    rights_request_verify_identity(actor=world.actor("provider"), request=changed, method="運転免許証")
    response = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-requests",
        {"updated_since": "2026-03-12T00:00:00+09:00"},
        headers=_auth(token_for("provider")),
    )
    assert [r["id"] for r in response.json()["items"]] == [changed.pk]
    assert response.json()["items"][0]["status"] == "verified"


def test_the_csv_export_is_a_personal_data_export(world, own_case, token_for, client):
    _receive(world, own_case, 2)
    response = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-requests",
        {"format": "csv"},
        headers=_auth(token_for("provider")),
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][:4] == ["ID", "受付番号", "受け付けた事業者", "請求の種類"]
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.data["list"] == "開示等の請求" and event.data["rows"] == 2 and event.data["via"] == "token"


def test_an_export_from_a_session_needs_a_recent_sign_in(world, own_case, client_for, settings):
    _receive(world, own_case)
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    client = client_for("provider")  # force_login records no authentication time
    path = f"/api/v1/incidents/{own_case.reference}/rights-requests"
    response = client.get(path, {"format": "xlsx"})
    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"
    assert not AuditEvent.objects.filter(action="personal_data.exported").exists()
    assert client.get(path).json()["count"] == 1  # the JSON page is not an export


def test_a_bad_paging_parameter_is_the_error_envelope(world, own_case, token_for, client):
    response = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-requests",
        {"limit": 0},
        headers=_auth(token_for("provider")),
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_the_hospitals_forwarded_list_is_paged_and_exported(world, entrusted_case, token_for, client):
    _receive(world, entrusted_case, 2, kind="suspension")
    token = _auth(token_for("hospital"))
    page = client.get("/api/v1/rights/forwarded", {"limit": 1}, headers=token).json()
    assert (page["count"], page["next_offset"]) == (2, 1)
    assert page["items"][0]["status"] == "forwarded" and page["items"][0]["forwarded_to"] == "minato"
    workbook = client.get("/api/v1/rights/forwarded", {"format": "xlsx"}, headers=token)
    assert workbook.status_code == 200
    assert AuditEvent.objects.get(action="personal_data.exported").data["list"] == "転送された開示等の請求"
    # Other kinds see an empty list (nothing was forwarded to them).
    assert client.get("/api/v1/rights/forwarded", headers=_auth(token_for("provider"))).json()["count"] == 0


def test_the_hospital_reads_a_forwarded_request_and_the_view_is_logged(
    world, entrusted_case, token_for, client
):
    (item,) = _receive(world, entrusted_case, kind="suspension")
    response = client.get(f"/api/v1/rights/forwarded/{item.pk}", headers=_auth(token_for("hospital")))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["requester_name"] == "請求者0" and body["asked"] == "開示してください"
    event = AuditEvent.objects.get(action="personal_data.viewed")
    assert event.organisation_id == world.hospital.organisation.pk


@pytest.mark.parametrize("who", ["provider", "provider_b", "desk", "agency"])
def test_a_forwarded_request_is_the_hospitals_only(world, entrusted_case, token_for, client, who):
    (item,) = _receive(world, entrusted_case, kind="suspension")
    response = client.get(f"/api/v1/rights/forwarded/{item.pk}", headers=_auth(token_for(who)))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="personal_data.viewed").exists()


def _answered(world, incident):
    from sonae.rights import services

    (item,) = _receive(world, incident)
    actor = world.actor("provider")
    services.rights_request_verify_identity(actor=actor, request=item, method="運転免許証")
    services.rights_request_decide(actor=actor, request=item, decision="comply")
    return item


def test_a_replied_request_is_closed(world, own_case, token_for, client):
    from sonae.rights import services

    item = _answered(world, own_case)
    path = f"/api/v1/incidents/{own_case.reference}/rights-requests/{item.pk}/close"
    token = _auth(token_for("provider"))
    early = client.post(path, headers=token)
    assert early.status_code == 409 and early.json()["code"] == "illegal_transition"
    services.rights_request_reply(
        actor=world.actor("provider"), request=item, replied_on=jst(2026, 3, 11).date(), method="post"
    )
    response = client.post(path, headers=token)
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_a_viewer_cannot_close_and_another_provider_gets_404(world, own_case, token_for, client):
    item = _answered(world, own_case)
    path = f"/api/v1/incidents/{own_case.reference}/rights-requests/{item.pk}/close"
    assert client.post(path, headers=_auth(token_for("provider", "viewer"))).status_code == 403
    assert client.post(path, headers=_auth(token_for("provider_b", "admin"))).status_code == 404


def test_the_case_figures_are_those_of_the_page(world, own_case, token_for, client, clock):
    _receive(world, own_case, 2)
    clock.move_to(jst(2026, 4, 30, 10, 0))  # past the answer target: both late
    response = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-report", headers=_auth(token_for("provider"))
    )
    assert response.json() == {
        "total": 2,
        "by_kind": {"disclosure": 2},
        "on_time": 0,
        "late": 2,
        "outcomes": {},
    }
    other = client.get(
        f"/api/v1/incidents/{own_case.reference}/rights-report", headers=_auth(token_for("agency"))
    )
    assert other.status_code == 404
