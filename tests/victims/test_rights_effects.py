"""A granted erasure or suspension request (rights app) against real persons of an imported list: the person is
left out of the next letter run, the gifts and the mailing list; an erasure blanks the record and its look-up keys.
"""

from __future__ import annotations

from array import array
from datetime import date

import pytest

from sonae.core.errors import InvalidInput
from sonae.core.keyring import get_keyring
from sonae.rights.models import Restriction
from sonae.rights.selectors import excluded_victim_ids
from sonae.rights.services import (
    rights_request_decide,
    rights_request_receive,
    rights_request_verify_identity,
)
from sonae.victims import codes, selectors
from sonae.victims.keys import MAX_LINE, BucketBuilder, inquiry_key
from sonae.victims.models import GiftStatus, LetterBatch, Victim, VictimKey, VictimKeyBucket
from sonae.victims.services import gifts, letters
from sonae.victims.services.lookup import victim_lookup
from tests.victims.conftest import KNOWN_NAME, key_entries


def _grant(world, incident, victim, *, kind="suspension", erase=False, decision="comply"):
    actor = world.actor("provider")
    request = rights_request_receive(
        actor=actor,
        incident=incident,
        kind=kind,
        channel="call",
        received_on=date(2025, 10, 3),
        asked="私の情報の利用停止と消去を求めます。",
        victim_id=victim.pk,
    )
    rights_request_verify_identity(actor=actor, request=request, method="電話で氏名・生年月日を確認")
    reasons = "" if decision == "comply" else "法令上の保存義務があるため"
    return rights_request_decide(
        actor=actor, request=request, decision=decision, erase=erase, reasons=reasons
    )


def _letter_run(world, incident):
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 6), batch_size=10
    )
    return letters.letter_run_execute(run.pk)


def _lookup_patient(world, incident, patient_id):
    case = selectors.case_get(world.actor("provider"), incident.reference)[1]
    return victim_lookup(
        actor=world.actor("provider"),
        incident=incident,
        case=case,
        mode="patient_id",
        patient_id=patient_id,
        reason="本人からの電話",
    )


def test_an_erasure_also_drops_an_inquiry_code_key_that_a_migrated_list_keeps_in_a_bucket(
    world, incident, imported
):
    # Lists imported before buckets existed had every key in VictimKey; migration 0003 copied them all, the
    # inquiry-code keys included, into buckets.
    job = imported()
    _letter_run(world, incident)
    person = Victim.objects.get(incident=incident, line=2)
    keyring = get_keyring()
    code_key = inquiry_key(
        keyring, incident.pk, codes.inquiry_digits(keyring, incident.pk, person.letter_sequence)
    )
    builder = BucketBuilder()
    builder.add(array("q", [k for k, _v in key_entries()] + [code_key]),
                array("q", [v & MAX_LINE for _k, v in key_entries()] + [2]))  # fmt: skip
    VictimKeyBucket.objects.all().delete()
    VictimKeyBucket.objects.bulk_create(
        VictimKeyBucket(incident=incident, job=job, bucket=b, keys=k, lines=n)
        for b, k, n in builder.buckets()
    )
    assert (code_key, person.pk) in key_entries()

    _grant(world, incident, person, erase=True)

    assert person.pk not in {victim for _key, victim in key_entries()}
    assert len(key_entries()) == 2 * 2  # the others' keys stay


def test_a_granted_erasure_leaves_the_person_out_of_the_next_letter_run_and_mailing_list(
    world, incident, imported
):
    imported()
    person = Victim.objects.get(incident=incident, line=2)
    _grant(world, incident, person, erase=True)

    person.refresh_from_db()
    assert person.excluded is True and person.excluded_reason == "erased"
    assert person.record == {}
    assert not VictimKey.objects.filter(victim_id=person.pk).exists()
    assert person.pk not in {victim for _key, victim in key_entries()}
    assert len(key_entries()) == 2 * 2  # the others' keys stay
    assert excluded_victim_ids(incident) == {person.pk}
    assert Restriction.objects.get(victim_id=person.pk).erased is True
    # The leak still concerned the person: the figures the duties engine and the PPC report drafts read keep them.
    assert selectors.case_figures(incident)["persons"] == 3

    run = _letter_run(world, incident)
    assert run.done == 2
    person.refresh_from_db()
    assert person.letter_batch_id is None and person.letter_sequence is None
    batch = LetterBatch.objects.get(run=run)
    _name, mailing, _type = letters.letter_batch_file(
        actor=world.actor("provider"), batch=batch, kind="csv", reason="入稿"
    )
    text = mailing.decode("utf-8-sig")
    assert "鈴鹿" not in text and "100-0001" not in text
    assert "山田 太郎 様" in text


def test_after_erasure_the_call_centre_no_longer_finds_the_person(world, incident, imported):
    imported()
    person = Victim.objects.get(incident=incident, line=2)
    assert [a.victim_id for a in _lookup_patient(world, incident, "P0001")] == [person.pk]
    _grant(world, incident, person, erase=True)

    assert _lookup_patient(world, incident, "P0001") == []


def test_a_suspension_without_erasure_keeps_the_record_but_stops_letters_and_gifts(world, incident, imported):
    imported()
    person = Victim.objects.get(incident=incident, line=2)
    _grant(world, incident, person, erase=False)

    person.refresh_from_db()
    assert person.excluded is True and person.excluded_reason == "suspension"
    assert person.record["name"].replace("\u3000", " ") == KNOWN_NAME.replace("\u3000", " ")
    answers = _lookup_patient(world, incident, "P0001")
    assert [a.excluded for a in answers] == [True]  # the call centre can still answer the person

    assert _letter_run(world, incident).done == 2
    gifts.gift_settings_update(actor=world.actor("provider"), incident=incident, kind="QUOカード", amount=500)
    assert gifts.gift_plan(actor=world.actor("provider"), incident=incident) == 2
    person.refresh_from_db()
    assert person.gift_status == GiftStatus.NONE


def test_a_refused_erasure_keeps_the_person_on_the_letter_run(world, incident, imported):
    imported()
    person = Victim.objects.get(incident=incident, line=2)
    _grant(world, incident, person, erase=True, decision="refuse")

    person.refresh_from_db()
    assert person.excluded is False and person.record["patient"] == "P0001"
    assert _letter_run(world, incident).done == 3


def test_a_request_cannot_name_a_person_of_another_case(world, incident, incident_b, imported):
    imported()
    person = Victim.objects.get(incident=incident, line=2)
    with pytest.raises(InvalidInput) as caught:
        rights_request_receive(
            actor=world.actor("provider_b"),
            incident=incident_b,
            kind="suspension",
            channel="call",
            received_on=date(2025, 10, 3),
            asked="消去してください。",
            victim_id=person.pk,
        )
    assert caught.value.field == "victim_id"
