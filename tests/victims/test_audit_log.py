"""The organisation's audit log page (core.views.audit_log) and what the victims part adds to a provider's log:
every access to the personal data of its cases, a granted desk's look-ups included."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from sonae.core.models import AuditEvent
from sonae.jp.calendar import TOKYO
from sonae.victims import selectors
from sonae.victims.services import case as case_services
from sonae.victims.services import lookup

URL = reverse("core:audit_log")


def _lookup(world, incident, name, reason, **query):
    actor = world.actor(name)
    found_incident, case = selectors.case_get(actor, incident.reference)
    selectors.require_personal(actor, found_incident, case, "victims.lookup")
    return lookup.victim_lookup(actor=actor, incident=found_incident, case=case, reason=reason, **query)


def _rows(response) -> str:
    return response.content.decode()


def test_a_provider_admin_finds_each_lookup_with_its_reason_including_the_desks(
    world, incident, incident_b, imported, client_for
):
    imported()
    case_services.desk_access_set(actor=world.actor("provider_admin"), incident=incident, granted=True)
    _lookup(world, incident, "provider", "本人からの電話（折り返し）", mode="kana_birth", kana="すずか みきこ",
            birth="1970-03-02")  # fmt: skip
    _lookup(world, incident, "desk", "デスクでの電話受付", mode="patient_id", patient_id="P0002")

    page = _rows(client_for("provider_admin").get(URL, {"kind": "personal"}))

    assert "個人データの照会（対象者の照会）" in page
    assert "本人からの電話（折り返し）" in page and "デスクでの電話受付" in page
    assert f"事案: {incident.reference}、方法: フリガナと生年月日、該当: 1" in page
    assert "サイバー事故対応デスク" in page  # the desk's look-up, under the desk's name
    assert "victims.import_committed" not in page  # the personal-data filter
    assert page.count('<span class="badge text-bg-warning">個人データ</span>') == 2


def test_a_provider_never_sees_another_providers_events(world, incident, incident_b, imported, client_for):
    imported()
    _lookup(world, incident, "provider", "電話", mode="patient_id", patient_id="P0001")

    other = world.provider_b  # a staff member in the fixtures: made its organisation's admin
    other.role = "admin"
    other.save()
    page = _rows(client_for("provider_b").get(URL))

    assert incident.reference not in page
    assert "電話" not in page.split("記録（")[1]


def test_the_desk_admin_sees_the_desks_own_lookups(world, incident, imported, client_for):
    imported()
    case_services.desk_access_set(actor=world.actor("provider_admin"), incident=incident, granted=True)
    _lookup(world, incident, "desk", "デスクでの電話受付", mode="patient_id", patient_id="P0002")
    desk = world.desk
    desk.role = "admin"
    desk.save()

    page = _rows(client_for("desk").get(URL))

    assert "デスクでの電話受付" in page and incident.reference in page


@pytest.mark.parametrize("name", ["provider", "foundation"])
def test_members_who_are_not_admins_or_of_the_foundation_are_refused(world, client_for, name):
    # provider: staff, not admin; foundation: its log is not shown (it holds no personal data)
    if name == "foundation":
        world.foundation.role = "admin"
        world.foundation.save()
    assert client_for(name).get(URL).status_code == 403


def test_filters_by_incident_actor_and_tokyo_dates(world, incident, imported, client_for, time_machine):
    imported()
    time_machine.move_to(datetime(2026, 3, 31, 23, 30, tzinfo=TOKYO))
    _lookup(world, incident, "provider", "三月の照会", mode="patient_id", patient_id="P0001")
    time_machine.move_to(datetime(2026, 4, 1, 0, 30, tzinfo=TOKYO))
    _lookup(world, incident, "provider", "四月の照会", mode="patient_id", patient_id="P0001")
    client = client_for("provider_admin")

    april = _rows(client.get(URL, {"since": "2026-04-01", "until": "2026-04-01"}))
    march = _rows(client.get(URL, {"until": "2026-03-31", "kind": "personal"}))
    by_actor = _rows(client.get(URL, {"actor": world.user("provider").email[:6], "kind": "personal"}))
    other_case = _rows(client.get(URL, {"incident": "INC-2099-999999"}))

    assert "四月の照会" in april and "三月の照会" not in april
    assert "三月の照会" in march and "四月の照会" not in march
    assert "三月の照会" in by_actor and "四月の照会" in by_actor
    assert "該当する記録はありません。" in other_case


def test_a_reversed_date_range_is_refused_with_a_message(world, client_for):
    response = client_for("provider_admin").get(URL, {"since": "2026-04-02", "until": "2026-04-01"})

    assert response.status_code == 400
    assert "開始日は終了日より前の日付にしてください。" in response.content.decode()


def test_pages_of_fifty_keep_the_filters(world, incident, client_for):
    from sonae.core.audit import audit_record

    for n in range(55):
        audit_record(action="incident.status_changed", actor=world.user("provider_admin"),
                     organisation=world.provider.organisation, target=incident, data={"n": n})  # fmt: skip
    client = client_for("provider_admin")

    first = _rows(client.get(URL, {"kind": "other"}))
    second = _rows(client.get(URL, {"kind": "other", "page": 2}))

    assert AuditEvent.objects.filter(action="incident.status_changed").count() == 55
    assert "kind=other&amp;page=2" in first
    assert first.count("インシデントの状態の変更") + second.count("インシデントの状態の変更") == 55


def test_the_page_reads_a_fixed_number_of_queries(world, incident, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sonae.core.audit import audit_record

    client = client_for("provider_admin")

    def queries() -> int:
        client.get(URL)  # warm: session, membership
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    audit_record(action="incident.status_changed", actor=world.user("provider_admin"),
                 organisation=world.provider.organisation, target=incident)  # fmt: skip
    few = queries()
    for _ in range(40):
        audit_record(action="incident.status_changed", actor=world.user("provider"),
                     organisation=world.provider.organisation, target=incident)  # fmt: skip
    assert queries() == few
