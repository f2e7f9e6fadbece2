"""Call-centre look-up: by code, kana + birth date, patient ID; minimal answer; audit log; rate limit; scoping."""

from __future__ import annotations

import pytest

from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.victims import selectors
from sonae.victims.models import Inquiry, Victim
from sonae.victims.ratelimit import Throttled
from sonae.victims.services import case as case_services
from sonae.victims.services import lookup
from tests.victims.conftest import GOOD_ROWS


def _lookup(world, incident, name="provider", **query):
    actor = world.actor(name)
    found_incident, case = selectors.case_get(actor, incident.reference)
    selectors.require_personal(actor, found_incident, case, "victims.lookup")
    return lookup.victim_lookup(actor=actor, incident=found_incident, case=case, **query)


def test_lookup_by_kana_and_birth_date_finds_the_person(world, incident, imported):
    imported()

    answers = _lookup(
        world, incident, mode="kana_birth", kana="すずか みきこ", birth="1970-03-02", reason="本人からの電話"
    )

    assert len(answers) == 1
    assert answers[0].items == ["氏名", "生年月日", "検査結果"]
    assert answers[0].letter_status == "未作成"


def test_lookup_accepts_wareki_and_half_width_kana(world, incident, imported):
    imported()

    answers = _lookup(
        world, incident, mode="kana_birth", kana="ｽｽﾞｶﾐｷｺ", birth="S45.3.2", reason="本人からの電話"
    )

    assert len(answers) == 1


def test_lookup_by_patient_id(world, incident, imported):
    imported()

    assert (
        len(_lookup(world, incident, mode="patient_id", patient_id="ｐ０００２", reason="病院からの照会"))
        == 1
    )


def test_lookup_finds_persons_far_down_a_long_list(world, incident, imported):
    # Blank lines are skipped but counted: the persons sit on lines 70,002–70,004, so the line stored with their
    # look-up keys needs all three of its low bytes (a line above 65,535 was lost once by an operator-precedence
    # slip in the look-up's SQL, found only by the million-person benchmark).
    job = imported([""] * 70_000 + GOOD_ROWS)
    assert sorted(Victim.objects.filter(import_job=job).values_list("line", flat=True)) == [
        70_002,
        70_003,
        70_004,
    ]

    by_patient = _lookup(world, incident, mode="patient_id", patient_id="P0003", reason="病院からの照会")
    by_kana = _lookup(
        world, incident, mode="kana_birth", kana="ヤマダ タロウ", birth="S50.4.1", reason="本人"
    )

    assert [a.victim_id for a in by_patient] == [Victim.objects.get(line=70_004).pk]
    assert [a.victim_id for a in by_kana] == [Victim.objects.get(line=70_003).pk]


def test_lookup_answer_holds_no_personal_fields(world, incident, imported):
    imported()
    answer = _lookup(world, incident, mode="patient_id", patient_id="P0001", reason="照会")[0].as_dict()

    assert set(answer) == {"victim_id", "items", "letter_status", "letter_sent_on", "gift_status"}


def test_every_lookup_is_in_the_audit_log_with_its_reason(world, incident, imported):
    imported()
    _lookup(
        world, incident, mode="kana_birth", kana="スズカ ミキコ", birth="1970-03-02", reason="本人からの電話"
    )
    _lookup(world, incident, mode="patient_id", patient_id="NOPE", reason="病院からの照会")

    events = list(AuditEvent.objects.filter(action="personal_data.lookup").order_by("id"))
    assert [(e.reason, e.data["found"], e.data["by"]) for e in events] == [
        ("本人からの電話", 1, "kana_birth"),
        ("病院からの照会", 0, "patient_id"),
    ]
    victim = Victim.objects.get(line=2)
    assert (events[0].target_type, events[0].target_id) == ("victims.victim", str(victim.pk))
    assert events[0].actor == world.user("provider")
    assert "スズカ" not in str(events[0].data)


def test_a_lookup_needs_a_reason(world, incident, imported):
    imported()
    with pytest.raises(InvalidInput):
        _lookup(world, incident, mode="patient_id", patient_id="P0001", reason=" ")


def test_lookups_are_rate_limited_per_user(world, incident, imported, settings):
    imported()
    settings.SONAE_RATE_LIMITS = {**settings.SONAE_RATE_LIMITS, "lookup": (3, 60)}
    for _ in range(3):
        _lookup(world, incident, mode="patient_id", patient_id="P0001", reason="照会")
    with pytest.raises(Throttled) as raised:
        _lookup(world, incident, mode="patient_id", patient_id="P0001", reason="照会")
    assert raised.value.status == 429


def test_the_desk_needs_the_providers_grant(world, incident, imported):
    imported()
    with pytest.raises(PermissionDenied):
        _lookup(world, incident, name="desk", mode="patient_id", patient_id="P0001", reason="電話")
    case_services.desk_access_set(actor=world.actor("provider_admin"), incident=incident, granted=True)

    assert (
        len(_lookup(world, incident, name="desk", mode="patient_id", patient_id="P0001", reason="電話")) == 1
    )


def test_only_a_provider_admin_grants_the_desk(world, incident):
    with pytest.raises(PermissionDenied):
        case_services.desk_access_set(actor=world.actor("provider"), incident=incident, granted=True)


@pytest.mark.parametrize("name", ["agency", "insurer", "provider_b"])
def test_others_cannot_look_up(world, incident, imported, name):
    imported()
    with pytest.raises(NotFound):
        _lookup(world, incident, name=name, mode="patient_id", patient_id="P0001", reason="電話")


@pytest.mark.parametrize("name", ["hospital", "foundation", "provider_b"])
def test_others_do_not_see_the_case_at_all(world, incident, name):
    with pytest.raises(NotFound):
        selectors.case_get(world.actor(name), incident.reference)


def test_agency_and_insurer_see_aggregates(world, incident, imported):
    imported()
    for name in ("agency", "insurer"):
        found, case = selectors.case_get(world.actor(name), incident.reference)
        assert selectors.case_statistics(world.actor(name), found, case).persons == 3


def test_an_inquiry_is_recorded_with_statistics_per_day(world, incident, imported):
    imported()
    victim = Victim.objects.get(line=2)
    lookup.inquiry_record(
        actor=world.actor("provider"), incident=incident, victim=victim, category="gift", follow_up=True
    )
    lookup.inquiry_record(
        actor=world.actor("provider"), incident=incident, category="complaint", answer="ご意見を伺った"
    )

    days = selectors.inquiry_statistics(incident)
    assert len(days) == 1 and days[0].total == 2 and days[0].follow_up_open == 1
    assert days[0].by_category == {"見舞品": 1, "苦情・ご意見": 1}
    assert Inquiry.objects.get(category="complaint").answer == "ご意見を伺った"


def test_case_figures_for_the_duties_engine(world, incident, imported):
    assert selectors.case_figures(incident) == {"persons": 0, "corporations": 0, "items": {}}
    imported()
    figures = selectors.case_figures(incident)
    assert figures["persons"] == 3 and figures["items"]["name"] == 3


def _import_with_duplicates(world, incident, write_list, rows):
    """A committed import of ``rows`` whose duplicates are imported too (policy "import")."""
    from sonae.victims.services import imports

    path = str(write_list(rows))
    actor = world.actor("provider")
    job = imports.import_job_create(actor=actor, incident=incident, name="list.csv", path=path)
    job.duplicate_policy = "import"
    job.save(update_fields=["duplicate_policy"])
    job = imports.import_validate(job=job, source=imports.job_source(job, path))
    return imports.import_commit(actor=actor, job=job, source=imports.job_source(job, path))


def test_lookup_events_keep_the_audit_chain_valid_whatever_was_found(world, incident, write_list):
    # On PostgreSQL a look-up and its audit event are one statement, which assembles the hashed text itself
    # (``audit.fetch_with_access_event``): none, one and several persons found, and a reason with characters
    # JSON escapes, must all hash as the chain verifier recomputes them.
    from sonae.core.audit import verify_chain

    twice = [GOOD_ROWS[0], GOOD_ROWS[0].replace("ｽｽﾞｶ ﾐｷｺ", "ｽｽﾞｶ ﾐｷ").replace("昭和45年3月2日", "1971-01-01")]
    _import_with_duplicates(world, incident, write_list, [*twice, *GOOD_ROWS[1:]])
    reason = '本人 "山田" \\ 確認\n\t\x01'

    none = _lookup(world, incident, mode="patient_id", patient_id="P9999", reason=reason)
    one = _lookup(world, incident, mode="kana_birth", kana="ヤマダ タロウ", birth="S50.4.1", reason=reason)
    two = _lookup(world, incident, mode="patient_id", patient_id="P0001", reason=reason)

    assert (len(none), len(one), len(two)) == (0, 1, 2)
    events = list(AuditEvent.objects.filter(action="personal_data.lookup").order_by("id"))
    ids = sorted(a.victim_id for a in two)
    assert [(e.data, e.target_type, e.target_id) for e in events] == [
        (
            {"incident": incident.reference, "by": "patient_id", "found": 0},
            "incidents.incident",
            str(incident.pk),
        ),
        (
            {"incident": incident.reference, "by": "kana_birth", "found": 1},
            "victims.victim",
            str(one[0].victim_id),
        ),
        (
            {"incident": incident.reference, "by": "patient_id", "found": 2, "victims": ids},
            "incidents.incident",
            str(incident.pk),
        ),
    ]
    assert {e.reason for e in events} == {reason.strip()}
    assert verify_chain().ok


def test_a_lookup_lists_at_most_twenty_persons_in_its_event(world, incident, write_list):
    rows = [GOOD_ROWS[2].replace("佐藤　花子", f"佐藤 花子{n}").replace("1980/12/24", f"1980/12/{n % 28 + 1}")
            for n in range(23)]  # fmt: skip
    _import_with_duplicates(world, incident, write_list, rows)

    answers = _lookup(world, incident, mode="patient_id", patient_id="P0003", reason="照会")

    event = AuditEvent.objects.get(action="personal_data.lookup")
    assert len(answers) == 23 and event.data["found"] == 23
    assert event.data["victims"] == sorted(a.victim_id for a in answers)[:20]


def test_a_lookup_is_recorded_even_when_its_chain_head_went_missing(world, incident, imported):
    # A head row this process saw may be gone (created in a rolled-back transaction, or a restored database):
    # the look-up creates it again rather than answering without its audit event.
    from sonae.core.audit import current_chain
    from sonae.core.models import AuditChainHead

    imported()
    _lookup(world, incident, mode="patient_id", patient_id="P0001", reason="照会")
    AuditChainHead.objects.filter(id=current_chain() + 1).delete()

    answers = _lookup(world, incident, mode="patient_id", patient_id="P0002", reason="二度目の照会")

    assert len(answers) == 1
    assert AuditEvent.objects.filter(action="personal_data.lookup", reason="二度目の照会").count() == 1
    assert AuditChainHead.objects.filter(id=current_chain() + 1).exists()


def test_an_operator_whose_address_looks_like_a_time_keeps_the_audit_chain_valid(world, incident, imported):
    # The look-up's event is laid out once per operator with its time cut out (``audit._access_layout``): the cut
    # must be at the time's key, not at the first text that reads like the layout's time.
    from sonae.core.audit import verify_chain

    imported()
    user = world.user("provider")
    user.email = "2000-01-01T00:00:00.000000+00:00@example.jp"
    user.save()

    for _ in range(2):
        assert len(_lookup(world, incident, mode="patient_id", patient_id="P0001", reason="電話")) == 1

    assert verify_chain().ok
    assert AuditEvent.objects.filter(actor_label=user.email, action="personal_data.lookup").count() == 2
