"""Victims API, condolence gifts: the settings within the plan's caps, recipients, shipping, returns and address
corrections read back from a CSV; totals for every reader of the case's statistics, changes for its provider."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sonae.core.keyring import get_keyring
from sonae.core.models import AuditEvent
from sonae.victims import codes, selectors
from sonae.victims.models import GiftStatus, Victim, VictimCase
from sonae.victims.services import gifts, letters
from tests.victims.conftest import api_call

SETTINGS = {"kind": "QUOカード", "amount_individual": 500, "amount_corporation": 3000}


def _url(incident, tail=""):
    return f"/victims/{incident.reference}/gifts{tail}"


def test_the_provider_sets_the_gift_and_every_reader_of_the_statistics_sees_it(
    world, incident, bearer, client
):
    saved = api_call(client, bearer("provider"), "put", _url(incident), SETTINGS)
    assert saved.status_code == 200, saved.content
    assert (saved.json()["kind"], saved.json()["amount_individual"], saved.json()["amount_corporation"]) == (
        "QUOカード",
        500,
        3000,
    )
    case = VictimCase.objects.get(incident=incident)
    assert (case.gift_kind, case.gift_amount, case.gift_amount_corporation) == ("QUOカード", 500, 3000)
    event = AuditEvent.objects.get(action="victims.gift_settings_updated")
    assert event.data["amount"] == 500
    for name in ("provider", "desk", "agency", "insurer"):
        response = api_call(client, bearer(name, role="viewer"), "get", _url(incident))
        assert response.status_code == 200 and response.json()["kind"] == "QUOカード", name


def test_an_amount_above_the_plans_cap_is_refused(world, incident, bearer, client, monkeypatch):
    monkeypatch.setattr(selectors, "plan_caps", lambda incident: (1000, 50000))
    response = api_call(
        client, bearer("provider"), "put", _url(incident), {"kind": "QUOカード", "amount_individual": 1500}
    )
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid_input"
    assert body["field"] == "amount_individual" and "1,000円" in body["message"]
    assert VictimCase.objects.get(incident=incident).gift_amount is None
    assert api_call(client, bearer("provider"), "get", _url(incident)).json()["cap_individual"] == 1000


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "", "amount_individual": 500}, 400, "kind"),
        ({"kind": "QUOカード", "amount_individual": -1}, 422, "amount_individual"),
        ({"kind": "QUOカード", "amount_corporation": 10**12}, 422, "amount_corporation"),
    ],
)
def test_bad_gift_settings_answer_4xx_with_the_field(world, incident, bearer, client, body, status, field):
    response = api_call(client, bearer("provider"), "put", _url(incident), body)
    assert response.status_code == status and response.json()["code"] == "invalid_input"
    fields = [response.json().get("field")] + [e["field"] for e in response.json().get("errors", [])]
    assert field in fields and response.json()["message"]


def test_recipients_are_planned_shipped_and_counted_for_the_claim(world, incident, imported, bearer, client):
    imported()
    Victim.objects.filter(line=4).update(excluded=True)
    auth = bearer("provider")
    early = api_call(client, auth, "post", _url(incident, "/recipients"))
    assert (
        early.status_code == 400 and early.json()["message"] == "先に見舞品の種類と金額を設定してください。"
    )
    api_call(client, auth, "put", _url(incident), SETTINGS)

    planned = api_call(client, auth, "post", _url(incident, "/recipients"))
    assert planned.status_code == 200 and planned.json() == {"recipients": 2}
    shipped = api_call(client, auth, "post", _url(incident, "/shipped"), {"shipped_on": "2026-04-05"})
    assert shipped.status_code == 200 and shipped.json() == {"shipped": 2}
    assert (
        Victim.objects.filter(gift_status=GiftStatus.SHIPPED, gift_shipped_on=date(2026, 4, 5)).count() == 2
    )
    totals = api_call(client, bearer("insurer"), "get", _url(incident)).json()
    assert (totals["individuals"], totals["planned"], totals["total_yen"]) == (2, 0, 1000)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"victims.gifts_planned", "victims.gifts_shipped"} <= actions


def test_a_shipping_date_that_is_not_a_date_is_422(world, incident, bearer, client):
    response = api_call(
        client, bearer("provider"), "post", _url(incident, "/shipped"), {"shipped_on": "昨日"}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "shipped_on"


def test_returns_and_address_corrections_are_read_back_line_by_line(
    world, incident, imported, bearer, client
):
    imported()
    actor = world.actor("provider")
    letters.letter_run_execute(
        letters.letter_run_start(actor=actor, incident=incident, letter_date=date(2026, 4, 1)).pk
    )
    gifts.gift_settings_update(actor=actor, incident=incident, kind="QUOカード", amount=500)
    gifts.gift_plan(actor=actor, incident=incident)
    gifts.gift_mark_shipped(actor=actor, incident=incident, shipped_on=date(2026, 4, 5))
    keyring = get_keyring()
    first, second, third = Victim.objects.order_by("line")
    code = {v.pk: codes.inquiry_code(keyring, incident.pk, v.letter_sequence) for v in (first, second, third)}
    data = (
        "お問い合わせ番号,区分,郵便番号,住所,日付\r\n"
        f"{code[first.pk]},返送,,,2026-04-10\r\n"
        f"{code[second.pk]},住所訂正,150-0001,東京都渋谷区神宮前1-1-1,\r\n"
        f"{code[third.pk]},辞退,,,\r\n"
        f"{code[third.pk]},紛失,,,\r\n"
    ).encode("cp932")

    response = api_call(
        client,
        bearer("provider"),
        "post",
        _url(incident, "/returns"),
        {"file": SimpleUploadedFile("returns.csv", data, content_type="text/csv")},
        multipart=True,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["returned"], body["corrected"], body["declined"]) == (1, 1, 1)
    assert body["errors"] == [
        {"line": 5, "message": "区分は「返送」「住所訂正」「辞退」のいずれかにしてください。"}
    ]
    second.refresh_from_db()
    assert second.record["postal"] == "1500001" and second.address_corrected
    assert AuditEvent.objects.get(action="victims.returns_imported").data["errors"] == 1


def test_a_returns_file_without_its_columns_or_too_large_is_refused(
    world, incident, bearer, client, monkeypatch
):
    def send(data: bytes):
        return api_call(
            client,
            bearer("provider"),
            "post",
            _url(incident, "/returns"),
            {"file": SimpleUploadedFile("returns.csv", data)},
            multipart=True,
        )

    missing = send("番号,内容\r\nSN-1,返送\r\n".encode())
    assert missing.status_code == 400 and missing.json()["field"] == "file"
    assert missing.json()["message"] == "1行目に「お問い合わせ番号」と「区分」の列が必要です。"
    monkeypatch.setattr(gifts, "MAX_RETURNS_BYTES", 10)
    large = send("お問い合わせ番号,区分\r\n".encode())
    assert large.status_code == 400 and large.json()["message"] == "ファイルが大きすぎます（20MBまで）。"
    assert not AuditEvent.objects.filter(action="victims.returns_imported").exists()


def test_only_the_providers_staff_changes_gifts(world, incident, incident_b, bearer, client):
    changes = [
        ("put", _url(incident), SETTINGS),
        ("post", _url(incident, "/recipients"), None),
        ("post", _url(incident, "/shipped"), {"shipped_on": "2026-04-05"}),
    ]
    for method, path, body in changes:
        viewer = api_call(client, bearer("provider", role="viewer"), method, path, body)
        assert viewer.status_code == 403 and viewer.json()["code"] == "permission_denied", path
        for name in ("provider_b", "desk", "agency", "insurer", "hospital"):
            response = api_call(client, bearer(name), method, path, body)
            assert response.status_code == 404 and response.json()["code"] == "not_found", (name, path)
    returns = api_call(
        client,
        bearer("provider_b"),
        "post",
        _url(incident, "/returns"),
        {"file": SimpleUploadedFile("returns.csv", "お問い合わせ番号,区分\r\n".encode())},
        multipart=True,
    )
    assert returns.status_code == 404
    for name in ("provider_b", "foundation", "hospital"):
        assert api_call(client, bearer(name), "get", _url(incident)).status_code == 404, name
    assert VictimCase.objects.get(incident=incident).gift_kind == ""
