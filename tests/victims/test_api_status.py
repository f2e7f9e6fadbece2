"""Victims API: import status, letter runs and inquiries — the case's provider only, paginated, exportable; the
print vendor's mailing list never carries a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from sonae.core.models import ApiToken, AuditEvent
from sonae.core.services import TOKEN_PREFIX, hash_token
from sonae.victims.models import InquiryCategory, LetterBatch
from sonae.victims.services import letters, lookup
from tests.victims.conftest import GOOD_ROWS


@pytest.fixture
def token_for(world):
    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}status-{name}-{role}-secret"
        if not ApiToken.objects.filter(token_hash=hash_token(secret)).exists():
            ApiToken.objects.create(
                organisation=getattr(world, name).organisation,
                name=name,
                prefix=secret[6:14],
                token_hash=hash_token(secret),
                role=role,
            )
        return f"Bearer {secret}"

    return make


def _get(client, token, path):
    return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=token)


def _run(world, incident):
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2026, 4, 1), batch_size=2
    )
    return letters.letter_run_execute(run.pk)


def test_import_status_for_the_provider(world, incident, imported, client, token_for):
    job = imported()
    listed = _get(client, token_for("provider"), f"/victims/{incident.reference}/imports").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == job.pk
    detail = _get(client, token_for("provider"), f"/victims/{incident.reference}/imports/{job.pk}").json()
    assert detail["status"] == "committed" and detail["imported"] == 3 and detail["percent"] == 100
    # Aggregate readers of the case get an empty list; the detail is the provider's only.
    assert _get(client, token_for("insurer"), f"/victims/{incident.reference}/imports").json()["count"] == 0
    assert (
        _get(client, token_for("insurer"), f"/victims/{incident.reference}/imports/{job.pk}").status_code
        == 404
    )


def test_letter_runs_with_their_print_files(world, incident, imported, client, token_for):
    imported()
    run = _run(world, incident)
    listed = _get(client, token_for("provider"), f"/victims/{incident.reference}/letter-runs").json()
    assert [r["id"] for r in listed["items"]] == [run.pk] and listed["items"][0]["batches"] is None
    detail = _get(client, token_for("provider"), f"/victims/{incident.reference}/letter-runs/{run.pk}").json()
    assert detail["status"] == "done" and detail["done"] == 3
    assert [(b["number"], b["count"]) for b in detail["batches"]] == [(1, 2), (2, 1)]


def test_another_providers_ids_are_404(world, incident, incident_b, imported, client, token_for):
    job = imported()
    run = _run(world, incident)
    token = token_for("provider_b")
    for path in (
        f"/victims/{incident.reference}/imports",
        f"/victims/{incident.reference}/imports/{job.pk}",
        f"/victims/{incident.reference}/letter-runs",
        f"/victims/{incident.reference}/letter-runs/{run.pk}",
        f"/victims/{incident.reference}/inquiries",
        # Provider B's own case with provider A's ids.
        f"/victims/{incident_b.reference}/imports/{job.pk}",
        f"/victims/{incident_b.reference}/letter-runs/{run.pk}",
    ):
        response = _get(client, token, path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_inquiries_are_listed_paginated_and_since(world, incident, imported, client, token_for):
    imported()
    start = timezone.now()
    for n in range(3):
        with time_machine.travel(start + timedelta(days=n), tick=False):
            lookup.inquiry_record(
                actor=world.actor("provider"),
                incident=incident,
                category=InquiryCategory.LETTER,
                answer=f"回答{n}",
            )
    token = token_for("provider")
    page = _get(client, token, f"/victims/{incident.reference}/inquiries?limit=2").json()
    assert page["count"] == 3 and [i["answer"] for i in page["items"]] == ["回答2", "回答1"]
    assert page["next_offset"] == 2
    since = (start + timedelta(days=1)).isoformat().replace("+", "%2B")
    changed = _get(client, token, f"/victims/{incident.reference}/inquiries?updated_since={since}").json()
    assert sorted(i["answer"] for i in changed["items"]) == ["回答1", "回答2"]
    # Personal data: the aggregate readers do not get the list.
    assert _get(client, token_for("insurer"), f"/victims/{incident.reference}/inquiries").status_code == 404


def test_inquiry_export_is_a_personal_data_export(world, incident, imported, client, token_for):
    imported()
    lookup.inquiry_record(
        actor=world.actor("provider"),
        incident=incident,
        category=InquiryCategory.OTHER,
        answer="@SUM(1) と言われた",
    )
    response = _get(client, token_for("provider"), f"/victims/{incident.reference}/inquiries?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][4] == "'@SUM(1) と言われた"
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.data["list"] == "問い合わせ" and event.data["rows"] == 1


def test_the_mailing_list_neutralises_formulas_from_the_uploaded_list(world, incident, imported):
    rows = [GOOD_ROWS[0].replace("東京都千代田区千代田１丁目１番１号", "=cmd|' /C calc'!A0")]
    imported(rows)
    run = _run(world, incident)
    batch = LetterBatch.objects.get(run=run, number=1)
    _name, mailing, _type = letters.letter_batch_file(
        actor=world.actor("provider"), batch=batch, kind="csv", reason="入稿"
    )
    (header, line) = list(csv.reader(io.StringIO(mailing.decode("utf-8-sig"))))
    assert header[4] == "住所" and line[4].startswith("'=cmd")
