"""Incident API, the desk's work and a case's facts: the queue, phone intake with the provider search, triage,
updating the facts, the vendor directory and dispatches — scoped and checked as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from sonae.core.models import AuditEvent
from sonae.incidents.models import Incident, Vendor, VendorDispatch
from tests.incidents.conftest import api_call, jst

T0 = jst(2026, 4, 1, 10, 0)  # a Wednesday, within the desk's hours
INVALID = "入力内容に誤りがあります。項目を確認してください。"


@pytest.fixture
def case(world, report):
    with time_machine.travel(T0, tick=False):
        return report()


def _assert_invalid(response, status=422):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    if status == 422:
        assert body["message"] == INVALID


def _assert_denied(response):
    assert response.status_code == 403, response.content
    assert response.json() == {"code": "permission_denied", "message": "この操作を行う権限がありません。"}


# --- queue and intake ------------------------------------------------------------------------------------------


def test_the_desk_queue_puts_overdue_cases_first(world, report, token_for, client):
    with time_machine.travel(T0, tick=False):
        late = report(title="早く受け付けた案件")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        report(title="あとの案件")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        queue = api_call(client, token_for("desk", "viewer"), "get", "/desk/queue")
        overdue = api_call(client, token_for("desk", "viewer"), "get", "/desk/queue?overdue=true")
    assert queue.status_code == 200, queue.content
    items = queue.json()["items"]
    assert [i["title"] for i in items] == ["早く受け付けた案件", "あとの案件"]
    assert items[0]["reference"] == late.reference and items[0]["seconds_to_due"] < 0
    assert overdue.json()["count"] == 2 and all(i["overdue"] for i in overdue.json()["items"])


@pytest.mark.parametrize("name", ["provider", "agency", "insurer", "hospital"])
def test_only_the_desk_has_a_queue(world, case, token_for, client, name):
    _assert_denied(api_call(client, token_for(name), "get", "/desk/queue"))


def test_the_desk_finds_a_provider_and_records_a_call(world, token_for, client):
    token = token_for("desk")
    found = api_call(client, token, "get", "/desk/providers?q=さくら")
    assert found.status_code == 200
    (provider,) = found.json()
    assert provider["code"] == "sakura"
    body = {
        "provider_id": provider["id"],
        "caller_name": "山田 一郎",
        "caller_phone": "03-1234-5678",
        "called_at": "2026-04-01T09:55:00+09:00",
        "symptoms": ["ransom_message"],
        "data_items": ["name"],
        "data_owner": "own",
    }
    with time_machine.travel(T0, tick=False):
        created = api_call(client, token, "post", "/desk/intake", body)
    assert created.status_code == 201, created.content
    incident = Incident.objects.get(reference=created.json()["reference"])
    assert incident.channel == "phone" and incident.provider_id == world.provider.organisation.pk
    assert created.json()["caller"]["name"] == "山田 一郎"


def test_intake_needs_a_provider_that_exists(world, token_for, client):
    body = {
        "provider_id": world.agency.organisation.pk,
        "caller_name": "山田",
        "caller_phone": "03",
        "called_at": "2026-04-01T09:55:00+09:00",
        "symptoms": ["ransom_message"],
    }
    response = api_call(client, token_for("desk"), "post", "/desk/intake", body)
    _assert_invalid(response, 400)
    assert (
        response.json()["field"] == "provider_id" and response.json()["message"] == "事業者を選んでください。"
    )
    _assert_invalid(api_call(client, token_for("desk"), "post", "/desk/intake", {"provider_id": 1}))
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(("name", "role"), [("provider", "staff"), ("desk", "viewer")])
def test_intake_and_the_search_are_the_desk_staffs(world, token_for, client, name, role):
    body = {
        "provider_id": world.provider.organisation.pk,
        "caller_name": "山田",
        "caller_phone": "03",
        "called_at": "2026-04-01T09:55:00+09:00",
        "symptoms": ["ransom_message"],
    }
    _assert_denied(api_call(client, token_for(name, role), "post", "/desk/intake", body))
    _assert_denied(api_call(client, token_for(name, role), "get", "/desk/providers?q=sakura"))
    assert Incident.objects.count() == 0


def test_a_search_without_text_finds_nobody_and_a_long_one_answers_the_envelope(world, token_for, client):
    assert api_call(client, token_for("desk"), "get", "/desk/providers?q=").json() == []
    _assert_invalid(api_call(client, token_for("desk"), "get", "/desk/providers?q=" + "さ" * 101))


# --- facts and triage --------------------------------------------------------------------------------------------


def test_the_provider_updates_the_facts_it_sends_only(world, case, token_for, client):
    response = api_call(
        client,
        token_for("provider"),
        "patch",
        f"/incidents/{case.reference}/facts",
        {"persons_estimate": 120},
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.persons_estimate == 120 and case.title == "検査システムが暗号化された"
    assert case.entrusting_hospital_id == world.hospital.organisation.pk
    assert AuditEvent.objects.filter(action="incident.facts_updated").count() == 1
    cleared = api_call(
        client, token_for("desk"), "patch", f"/incidents/{case.reference}/facts", {"persons_estimate": None}
    )
    assert cleared.status_code == 200 and cleared.json()["persons_estimate"] is None


def test_bad_facts_answer_the_envelope(world, case, token_for, client):
    token = token_for("provider")
    bad_item = api_call(
        client, token, "patch", f"/incidents/{case.reference}/facts", {"data_items": ["nope"]}
    )
    _assert_invalid(bad_item)
    unknown = api_call(
        client, token, "patch", f"/incidents/{case.reference}/facts", {"entrusting_hospital_code": "no-such"}
    )
    _assert_invalid(unknown, 400)
    assert unknown.json()["field"] == "entrusting_hospital_code"
    case.refresh_from_db()
    assert case.data_items == ["name", "test_results"]


def test_facts_of_another_providers_case_are_not_found(world, case, report, token_for, client):
    other = report(actor=world.actor("provider_b"), provider=world.provider_b.organisation, data_owner="own")
    response = api_call(
        client, token_for("provider"), "patch", f"/incidents/{other.reference}/facts", {"persons_estimate": 1}
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    for name in ("hospital", "foundation"):
        response = api_call(
            client, token_for(name), "patch", f"/incidents/{case.reference}/facts", {"title": "x"}
        )
        assert response.status_code == 404, name


@pytest.mark.parametrize(
    ("name", "role"), [("provider", "viewer"), ("agency", "staff"), ("insurer", "staff")]
)
def test_readers_may_not_change_the_facts(world, case, token_for, client, name, role):
    response = api_call(
        client, token_for(name, role), "patch", f"/incidents/{case.reference}/facts", {"persons_estimate": 1}
    )
    _assert_denied(response)
    case.refresh_from_db()
    assert case.persons_estimate == 5000


def test_the_desk_triages_a_case(world, case, token_for, client):
    response = api_call(
        client,
        token_for("desk"),
        "post",
        f"/incidents/{case.reference}/triage",
        {"symptoms": ["ransom_message"], "severity": 1, "note": "暗号化を確認", "persons_estimate": 4000},
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.status, case.severity, case.persons_estimate) == ("triaged", 1, 4000)
    assert case.triaged_at is not None and case.first_responded_at is not None


def test_triage_checks_its_input_and_its_actor(world, case, report, token_for, client):
    url = f"/incidents/{case.reference}/triage"
    _assert_invalid(api_call(client, token_for("desk"), "post", url, {"symptoms": []}))
    _assert_invalid(
        api_call(client, token_for("desk"), "post", url, {"symptoms": ["ransom_message"], "severity": 9})
    )
    _assert_denied(api_call(client, token_for("provider"), "post", url, {"symptoms": ["ransom_message"]}))
    other = report(actor=world.actor("provider_b"), provider=world.provider_b.organisation, data_owner="own")
    response = api_call(
        client, token_for("provider"), "post", f"/incidents/{other.reference}/triage", {"symptoms": ["other"]}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "reported"


# --- vendors and dispatches --------------------------------------------------------------------------------------


def _vendor(client, token, **overrides):
    body = {
        "name": "フォレンジック株式会社",
        "categories": ["forensics"],
        "phone": "03-0000-0000",
        **overrides,
    }
    return api_call(client, token, "post", "/vendors", body)


def test_the_desk_keeps_its_vendor_directory(world, token_for, client):
    token = token_for("desk")
    created = _vendor(client, token)
    assert created.status_code == 201, created.content
    vendor_id = created.json()["id"]
    patched = api_call(client, token, "patch", f"/vendors/{vendor_id}", {"is_active": False})
    assert patched.status_code == 200 and patched.json()["is_active"] is False
    assert Vendor.objects.get(pk=vendor_id).phone == "03-0000-0000"
    listed = api_call(client, token_for("desk", "viewer"), "get", "/vendors?active=false").json()
    assert [v["id"] for v in listed["items"]] == [vendor_id]
    assert api_call(client, token_for("desk", "viewer"), "get", f"/vendors/{vendor_id}").status_code == 200
    assert AuditEvent.objects.filter(action__startswith="incident.vendor_").count() == 2


def test_bad_vendors_answer_the_envelope(world, token_for, client):
    token = token_for("desk")
    _assert_invalid(_vendor(client, token, categories=["astrology"]))
    bad_mail = _vendor(client, token, email="not-an-address")
    _assert_invalid(bad_mail, 400)
    assert bad_mail.json()["field"] == "email"
    assert Vendor.objects.count() == 0
    missing = api_call(client, token, "patch", "/vendors/999999", {"name": "x"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize(("name", "role"), [("desk", "viewer"), ("provider", "admin"), ("insurer", "staff")])
def test_only_desk_staff_manage_vendors(world, token_for, client, name, role):
    _assert_denied(_vendor(client, token_for(name, role)))
    assert Vendor.objects.count() == 0


def test_the_desk_dispatches_a_vendor_and_the_provider_sees_it(world, case, token_for, client):
    vendor_id = _vendor(client, token_for("desk")).json()["id"]
    url = f"/incidents/{case.reference}/dispatches"
    created = api_call(
        client,
        token_for("desk"),
        "post",
        url,
        {"vendor_id": vendor_id, "category": "forensics", "scope": "調査"},
    )
    assert created.status_code == 201, created.content
    dispatch = VendorDispatch.objects.get(pk=created.json()["id"])
    assert dispatch.task.owner_vendor_id == vendor_id and created.json()["category_label"]
    listed = api_call(client, token_for("provider", "viewer"), "get", url).json()
    assert [d["id"] for d in listed["items"]] == [dispatch.pk]


def test_a_dispatch_is_checked_as_on_the_page(world, case, report, token_for, client):
    vendor_id = _vendor(client, token_for("desk")).json()["id"]
    url = f"/incidents/{case.reference}/dispatches"
    wrong_field = api_call(
        client, token_for("desk"), "post", url, {"vendor_id": vendor_id, "category": "legal"}
    )
    _assert_invalid(wrong_field, 400)
    assert wrong_field.json()["field"] == "category"
    _assert_invalid(api_call(client, token_for("desk"), "post", url, {"vendor_id": vendor_id}))
    body = {"vendor_id": vendor_id, "category": "forensics"}
    _assert_denied(api_call(client, token_for("provider"), "post", url, body))
    other = report(actor=world.actor("provider_b"), provider=world.provider_b.organisation, data_owner="own")
    foreign = api_call(client, token_for("provider"), "get", f"/incidents/{other.reference}/dispatches")
    assert foreign.status_code == 404
    assert VendorDispatch.objects.count() == 0


# --- who owns a case's tasks -------------------------------------------------------------------------------------


def test_a_task_is_given_to_a_person_of_the_case(world, case, token_for, client):
    token = token_for("provider")
    choices = api_call(client, token, "get", f"/incidents/{case.reference}/assignees")
    assert choices.status_code == 200, choices.content
    person = next(c for c in choices.json() if c["user_id"] == world.user("desk").pk)
    task = case.tasks.filter(owner_vendor__isnull=True).first()
    url = f"/incidents/{case.reference}/tasks/{task.pk}/owner"
    response = api_call(
        client,
        token,
        "put",
        url,
        {"organisation_id": person["organisation_id"], "user_id": person["user_id"]},
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert (task.owner_organisation_id, task.owner_user_id) == (
        world.desk.organisation.pk,
        world.user("desk").pk,
    )
    cleared = api_call(client, token, "put", url, {"organisation_id": None})
    assert cleared.status_code == 200 and cleared.json()["owner"] == ""


def test_an_owner_outside_the_case_is_refused(world, case, token_for, client):
    task = case.tasks.first()
    url = f"/incidents/{case.reference}/tasks/{task.pk}/owner"
    token = token_for("provider")
    outsider = api_call(client, token, "put", url, {"organisation_id": world.provider_b.organisation.pk})
    _assert_invalid(outsider, 400)
    assert outsider.json()["field"] == "organisation_id"
    _assert_invalid(api_call(client, token, "put", url, {"user_id": 1}))
    task.refresh_from_db()
    assert (
        task.owner_organisation_id is None or task.owner_organisation_id != world.provider_b.organisation.pk
    )


def test_owners_are_set_by_workers_on_their_cases_only(world, case, report, token_for, client):
    task = case.tasks.first()
    body = {"organisation_id": world.provider.organisation.pk}
    for name, role in (("provider", "viewer"), ("agency", "staff"), ("insurer", "staff")):
        _assert_denied(
            api_call(client, token_for(name, role), "get", f"/incidents/{case.reference}/assignees")
        )
        _assert_denied(
            api_call(
                client,
                token_for(name, role),
                "put",
                f"/incidents/{case.reference}/tasks/{task.pk}/owner",
                body,
            )
        )
    other = report(actor=world.actor("provider_b"), provider=world.provider_b.organisation, data_owner="own")
    foreign_task = other.tasks.first()
    for url in (
        f"/incidents/{other.reference}/tasks/{foreign_task.pk}/owner",
        f"/incidents/{case.reference}/tasks/{foreign_task.pk}/owner",
    ):
        response = api_call(client, token_for("provider"), "put", url, body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
