import re
from datetime import date

import pytest
import time_machine
from django.db import connection

from sonae.core.audit import verify_chain
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import ApiToken, AuditEvent
from sonae.core.services import hash_token
from sonae.incidents.models import Incident, IncidentCounter, Task, TimelineEvent
from sonae.incidents.services import incident_report, next_reference
from sonae.programme.models import ProgrammeYear
from tests.incidents.conftest import jst

FRIDAY_EVENING = jst(2025, 9, 12, 18, 30)  # Monday 9/15 is 敬老の日


def _api_actor(world):
    from sonae.core.actors import Actor

    token = ApiToken.objects.create(
        organisation=world.provider.organisation,
        name="基幹システム",
        prefix="abcdefgh",
        token_hash=hash_token("x"),
    )
    return Actor.from_token(token)


def _report_on(world, channel, **extra):
    common = dict(
        provider=world.provider.organisation,
        symptoms=["ransom_message"],
        data_items=["name"],
        persons_estimate=10,
    )
    if channel == "web":
        return incident_report(actor=world.actor("provider"), channel="web", **common, **extra)
    if channel == "api":
        return incident_report(actor=_api_actor(world), channel="api", **common, **extra)
    return incident_report(
        actor=world.actor("desk"),
        channel="phone",
        caller_name="田中 一郎",
        caller_phone="03-1234-5678",
        called_at=FRIDAY_EVENING,
        **common,
        **extra,
    )


@pytest.mark.parametrize("channel", ["web", "phone", "api"])
def test_every_channel_stores_the_sla_of_a_friday_evening_report_before_a_holiday_monday(world, channel):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, channel)
    incident.refresh_from_db()
    assert incident.channel == channel
    assert incident.received_at == FRIDAY_EVENING
    assert incident.handling_starts_at == jst(2025, 9, 16, 9, 0)
    assert incident.first_response_due == jst(2025, 9, 16, 10, 0)


def test_friday_evening_report_starts_monday_when_monday_is_a_business_day(world):
    with time_machine.travel(jst(2025, 10, 17, 18, 30), tick=False):
        incident = _report_on(world, "web")
    assert incident.handling_starts_at == jst(2025, 10, 20, 9, 0)


def test_phone_intake_counts_from_the_time_of_the_call_not_from_data_entry(world):
    with time_machine.travel(jst(2025, 10, 1, 17, 20), tick=False):
        incident = incident_report(
            actor=world.actor("desk"),
            channel="phone",
            provider=world.provider.organisation,
            symptoms=["misdelivery"],
            caller_name="田中 一郎",
            caller_phone="090-1234-5678",
            called_at=jst(2025, 10, 1, 16, 30),
        )
    assert incident.received_at == jst(2025, 10, 1, 16, 30)
    assert incident.first_response_due == jst(2025, 10, 2, 9, 30)


def test_programme_year_closure_days_move_the_clock(world):
    ProgrammeYear.objects.create(
        code="2025",
        name="2025年度",
        period_start=jst(2025, 10, 1, 16),
        period_end=jst(2026, 10, 1, 16),
        extra_closed_dates=["2025-10-20"],
        desk_response_minutes=30,
    )
    with time_machine.travel(jst(2025, 10, 17, 18, 30), tick=False):
        incident = _report_on(world, "web")
    assert incident.handling_starts_at == jst(2025, 10, 21, 9, 0)
    assert incident.first_response_due == jst(2025, 10, 21, 9, 30)


def test_reference_uses_the_received_year_without_a_programme_year(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, "web")
    assert incident.reference == "INC-2025-000001"


def test_reference_uses_the_programme_year_in_force(world):
    ProgrammeYear.objects.create(
        code="2025", name="2025年度", period_start=jst(2025, 10, 1, 16), period_end=jst(2026, 10, 1, 16)
    )
    with time_machine.travel(jst(2026, 2, 3, 10, 0), tick=False):
        incident = _report_on(world, "web")
    assert incident.reference == "INC-2025-000001"
    assert incident.programme_year.code == "2025"


def test_references_are_sequential_and_unique(world):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=True):
        refs = [_report_on(world, "web").reference for _ in range(3)]
    assert refs == ["INC-2025-000001", "INC-2025-000002", "INC-2025-000003"]
    assert all(re.fullmatch(r"INC-\d{4}-\d{6}", r) for r in refs)


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_never_draw_the_same_number():
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections, transaction

    def draw(_):
        try:
            with transaction.atomic():
                return next_reference("2031")
        finally:
            close_old_connections()

    if connection.vendor == "sqlite":
        # SQLite serialises writers; the in-memory test database cannot be shared across threads.
        refs = [draw(i) for i in range(12)]
    else:
        with ThreadPoolExecutor(max_workers=6) as pool:
            refs = list(pool.map(draw, range(12)))
    assert sorted(refs) == [f"INC-2031-{n:06d}" for n in range(1, 13)]
    assert IncidentCounter.objects.get(year="2031").last_number == 12


def test_triage_suggestion_is_stored_with_the_report(world, report):
    incident = report()
    assert (incident.category, incident.severity, incident.cause) == ("ransomware", 1, "ransomware")
    assert incident.status == "reported"
    assert incident.title == "検査システムが暗号化された"


def test_title_defaults_to_the_category(world, report):
    assert report(title="", symptoms=["lost_or_stolen"]).title == "紛失・盗難の疑い"


def test_phone_caller_details_are_encrypted_at_rest(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, "phone")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT caller_name, caller_phone FROM incidents_incident WHERE id = %s", [incident.pk]
        )
        name_raw, phone_raw = (bytes(v) for v in cursor.fetchone())
    assert "田中".encode() not in name_raw
    assert b"0312345678" not in phone_raw
    fresh = Incident.objects.get(pk=incident.pk)
    assert (fresh.caller_name, fresh.caller_phone) == ("田中 一郎", "0312345678")


def test_history_table_holds_no_caller_details(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, "phone")
    history_fields = {f.name for f in incident.history.model._meta.fields}
    assert "caller_name" not in history_fields and "caller_phone" not in history_fields


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("caller_name", {"caller_name": ""}),
        ("caller_phone", {"caller_phone": "12345"}),
        ("called_at", {"called_at": jst(2030, 1, 1, 10)}),
    ],
)
def test_phone_intake_refuses_missing_or_bad_caller_details(world, field, overrides):
    kwargs = dict(
        actor=world.actor("desk"),
        channel="phone",
        provider=world.provider.organisation,
        symptoms=["other"],
        caller_name="田中",
        caller_phone="0312345678",
    )
    kwargs.update(overrides)
    with pytest.raises(InvalidInput) as info:
        incident_report(**kwargs)
    assert info.value.field == field


def test_provider_cannot_report_for_another_provider(world):
    with pytest.raises(PermissionDenied):
        incident_report(
            actor=world.actor("provider"),
            channel="web",
            provider=world.provider_b.organisation,
            symptoms=["other"],
        )


def test_only_the_desk_takes_phone_intakes(world):
    with pytest.raises(PermissionDenied):
        incident_report(
            actor=world.actor("provider"),
            channel="phone",
            provider=world.provider.organisation,
            symptoms=["other"],
            caller_name="田中",
            caller_phone="0312345678",
        )


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("symptoms", {"symptoms": []}),
        ("symptoms", {"symptoms": ["alien_invasion"]}),
        ("data_items", {"data_items": ["blood_type"]}),
        ("persons_estimate", {"persons_estimate": -1}),
        ("entrusting_hospital", {"entrusting_hospital": None, "entrusting_party_name": ""}),
        ("data_owner", {"data_owner": "nobody"}),
    ],
)
def test_bad_report_input_names_the_field_in_japanese(world, report, field, overrides):
    with pytest.raises(InvalidInput) as info:
        report(**overrides)
    assert info.value.field == field
    assert re.search(r"[ぁ-んァ-ン一-龥]", info.value.message)
    assert not Incident.objects.exists()


def test_entrusted_data_may_name_an_unregistered_hospital(world, report):
    incident = report(entrusting_hospital=None, entrusting_party_name="ひまわりクリニック")
    assert incident.entrusting_party_display == "ひまわりクリニック"


def test_own_data_drops_the_entrusting_party(world, report):
    incident = report(data_owner="own")
    assert incident.entrusting_hospital is None and incident.entrusting_party_name == ""


def test_playbook_tasks_are_seeded_from_the_category(world, report):
    with time_machine.travel(jst(2025, 10, 1, 10, 0), tick=False):
        incident = report()
    titles = list(incident.tasks.values_list("title", flat=True))
    assert len(titles) == 13
    assert titles[0] == "感染範囲の確認とネットワークからの隔離"
    assert "委託元（医療機関）への報告" in titles
    first = incident.tasks.first()
    assert first.owner_organisation == world.provider.organisation
    assert first.due_date == date(2025, 10, 1)
    forensics = incident.tasks.get(title__startswith="フォレンジック")
    assert forensics.owner_organisation == world.desk.organisation
    assert forensics.due_date == date(2025, 10, 2)
    assert forensics.coverage_item == "investigation"


def test_flyer_phases_all_appear_in_the_ransomware_playbook(world, report):
    phases = set(report().tasks.values_list("phase", flat=True))
    assert phases == {
        "detection",
        "investigation",
        "inquiries",
        "public_apology",
        "victim_apology",
        "prevention",
        "recovery",
        "authorities",
    }


def test_due_dates_skip_closed_days(world, report):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = report(symptoms=["misdelivery"], data_owner="own")
    first = incident.tasks.order_by("sort_order").first()
    assert first.due_date == date(2025, 9, 16)


def test_steps_for_personal_data_wait_until_data_at_risk_is_known(world, report):
    incident = report(data_items=[], persons_estimate=None, data_owner="own", symptoms=["lost_or_stolen"])
    titles = set(incident.tasks.values_list("title", flat=True))
    assert "本人へのお詫び状の送付" not in titles
    assert "委託元（医療機関）への報告" not in titles


def test_a_category_without_its_own_playbook_uses_the_general_one(world, report):
    incident = report(symptoms=["spoofed_email"])
    assert incident.playbook.code == "general"
    assert incident.tasks.exists()


def test_timeline_is_filled_automatically_at_intake(world, report):
    incident = report()
    kinds = list(TimelineEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds == ["intake", "triage", "task"]
    assert incident.reference in incident.timeline.first().text


def test_intake_is_audited_without_personal_data(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, "phone")
    event = AuditEvent.objects.get(action="incident.reported")
    assert event.target_id == str(incident.pk)
    assert "田中" not in str(event.data) and "0312345678" not in str(event.data)
    assert verify_chain().ok


def test_desk_is_emailed_after_commit(world, report, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report()
    desk_mail = [m for m in mailoutbox if world.user("desk").email in m.to]
    assert len(desk_mail) == 1
    assert incident.reference in desk_mail[0].subject
    assert "https://sonae.example.jp/incidents/" in desk_mail[0].body


def test_no_email_before_commit(world, report, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report()
    assert mailoutbox == []
    assert callbacks


def test_desk_gets_an_in_app_notification(world, report):
    incident = report()
    assert world.user("desk").notifications.filter(title__contains=incident.reference).exists()


def test_phone_intake_tells_the_provider(world):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        incident = _report_on(world, "phone")
    assert world.user("provider").notifications.filter(title__contains=incident.reference).exists()


def test_tasks_total_matches_the_seeded_steps(world, report):
    incident = report()
    assert Task.objects.filter(incident=incident, step__isnull=False).count() == incident.tasks.count()
