"""The incident lists read a fixed number of queries whatever the number of rows (issue 9 point 5): the case list
(provider and desk), the case page's tabs with several tasks, timeline entries, evidence files and notices, the
hospital's inbox of notices, and the API lists of cases, tasks, timeline, evidence and notices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sonae.incidents.services import (
    call_add,
    evidence_upload,
    hospital_notice_create,
    hospital_notice_send,
    note_add,
    task_create,
)
from tests.querycount import assert_no_query_per_row, reads


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


@pytest.mark.parametrize("who", ["provider", "desk", "agency"])
def test_case_list_reads_a_fixed_number_of_queries(world, report, client_for, who):
    client = client_for(who)
    client.get(reverse("incidents:list"))  # session and caches warm
    first = [report(title=f"一覧の案件{n}") for n in range(3)]
    few = reads(client, reverse("incidents:list"))
    more = [report(title=f"一覧の案件{n}") for n in range(3, 8)]
    many = reads(client, reverse("incidents:list"))
    assert few.shows(*(i.reference for i in first))
    assert many.shows(*(i.reference for i in first + more))
    assert_no_query_per_row(few, many)


def _add_work(world, incident, start: int, end: int) -> list[str]:
    """Tasks (owned by the provider, the desk, a person), notes, calls, evidence and a notice per step; returns
    what each tab must show."""
    shown = []
    for n in range(start, end):
        owner = [
            dict(owner_organisation=world.provider.organisation),
            dict(owner_organisation=world.desk.organisation, owner_user=world.user("desk")),
            {},
        ][n % 3]
        task_create(actor=world.actor("desk"), incident=incident, title=f"追加の作業{n}", **owner)
        note_add(actor=world.actor("provider" if n % 2 else "desk"), incident=incident, text=f"経過メモ{n}")
        call_add(
            actor=world.actor("desk"),
            incident=incident,
            direction="out",
            counterpart=f"担当者{n}",
            summary=f"通話の要旨{n}",
        )
        evidence_upload(
            actor=world.actor("provider" if n % 2 else "desk"),
            incident=incident,
            name=f"log{n}.txt",
            data=f"access log {n}\n".encode(),
        )
        shown += [f"追加の作業{n}", f"経過メモ{n}", f"log{n}.txt"]
    return shown


def _hospitals(n: int):
    from tests.factories import member

    return [member("hospital", name=f"通知先病院{k}", code=f"notice-h{k}").organisation for k in range(n)]


@pytest.mark.parametrize("tab", ["detail", "tasks", "timeline", "evidence", "notices"])
@pytest.mark.parametrize("who", ["provider", "desk"])
def test_case_tabs_read_a_fixed_number_of_queries(world, report, client_for, tab, who):
    incident = report()
    hospitals = _hospitals(8)
    client = client_for(who)
    url = reverse(f"incidents:{tab}", args=[incident.reference])
    client.get(url)
    shown = _add_work(world, incident, 0, 3)
    for hospital in hospitals[:3]:
        hospital_notice_create(actor=world.actor("provider"), incident=incident, hospital=hospital)
    few = reads(client, url)
    shown += _add_work(world, incident, 3, 8)
    for hospital in hospitals[3:]:
        notice = hospital_notice_create(actor=world.actor("provider"), incident=incident, hospital=hospital)
        hospital_notice_send(actor=world.actor("provider"), notice=notice)
    many = reads(client, url)
    needles = {
        "detail": [h.name for h in hospitals],
        "notices": [h.name for h in hospitals],
        "tasks": [s for s in shown if s.startswith("追加の作業")],
        "timeline": [s for s in shown if s.startswith("経過メモ")],
        "evidence": [s for s in shown if s.endswith(".txt")],
    }[tab]
    assert many.shows(*needles)
    assert_no_query_per_row(few, many)


def test_hospital_inbox_reads_a_fixed_number_of_queries(world, report, client_for):
    client = client_for("hospital")
    client.get(reverse("incidents:hospital_notices"))

    def send(n):
        incident = report(title=f"通知した案件{n}")
        notice = hospital_notice_create(
            actor=world.actor("provider"), incident=incident, hospital=world.hospital.organisation
        )
        return hospital_notice_send(actor=world.actor("provider"), notice=notice).incident.reference

    first = [send(n) for n in range(3)]
    few = reads(client, reverse("incidents:hospital_notices"))
    more = [send(n) for n in range(3, 8)]
    many = reads(client, reverse("incidents:hospital_notices"))
    assert few.shows(*first) and many.shows(*first, *more)
    assert_no_query_per_row(few, many)


# --- the API --------------------------------------------------------------------------------------------------


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("who", ["provider", "desk"])
def test_api_case_list_reads_a_fixed_number_of_queries(world, report, token_for, who):
    from django.test import Client

    client, auth = Client(), _bearer(token_for(who))
    client.get("/api/v1/incidents", **auth)
    first = [report() for _ in range(3)]
    few = reads(client, "/api/v1/incidents", **auth)
    more = [report() for _ in range(5)]
    many = reads(client, "/api/v1/incidents", **auth)
    assert few.shows(*(i.reference for i in first)) and many.shows(*(i.reference for i in first + more))
    assert_no_query_per_row(few, many)


def test_api_desk_queue_reads_a_fixed_number_of_queries(world, report, token_for):
    from django.test import Client

    client, auth = Client(), _bearer(token_for("desk"))
    client.get("/api/v1/desk/queue", **auth)
    first = [report() for _ in range(3)]
    few = reads(client, "/api/v1/desk/queue", **auth)
    more = [report() for _ in range(5)]
    many = reads(client, "/api/v1/desk/queue", **auth)
    assert few.shows(*(i.reference for i in first)) and many.shows(*(i.reference for i in first + more))
    assert_no_query_per_row(few, many)


@pytest.mark.parametrize("route", ["tasks", "timeline", "evidence", "notices"])
def test_api_case_lists_read_a_fixed_number_of_queries(world, report, token_for, route):
    from django.test import Client

    incident = report()
    hospitals = _hospitals(8)
    client, auth = Client(), _bearer(token_for("provider", "admin"))
    path = f"/api/v1/incidents/{incident.reference}/{route}"
    client.get(path, **auth)
    shown = _add_work(world, incident, 0, 3)
    for hospital in hospitals[:3]:
        hospital_notice_create(actor=world.actor("provider"), incident=incident, hospital=hospital)
    few = reads(client, path, **auth)
    shown += _add_work(world, incident, 3, 8)
    for hospital in hospitals[3:]:
        notice = hospital_notice_create(actor=world.actor("provider"), incident=incident, hospital=hospital)
        hospital_notice_send(actor=world.actor("provider"), notice=notice)
    many = reads(client, path, **auth)
    needles = {
        "tasks": [s for s in shown if s.startswith("追加の作業")],
        "timeline": [s for s in shown if s.startswith("経過メモ")],
        "evidence": [s for s in shown if s.endswith(".txt")],
        "notices": [h.name for h in hospitals],
    }[route]
    assert many.shows(*needles), many.text[:2000]
    assert_no_query_per_row(few, many)
