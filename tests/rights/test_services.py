"""Rights requests: intake, who answers, grounds, decision, reply, effects, fees, lateness, purge, scoping."""

from __future__ import annotations

from datetime import date

import pytest

from sonae.core.errors import IllegalTransition, InvalidInput, NotFound
from sonae.rights import rules
from sonae.rights.models import Attachment, RightsRequest, Status
from sonae.rights.selectors import (
    excluded_victim_ids,
    forwarded_for,
    report_for_incident,
    request_get,
)
from sonae.rights.services import (
    attachment_add,
    attachment_read,
    attachments_purge,
    rights_request_close,
    rights_request_decide,
    rights_request_receive,
    rights_request_reply,
    rights_request_verify_identity,
)
from tests.rights.conftest import person_on


def _receive(world, incident, kind="suspension", **kw):
    return rights_request_receive(
        actor=world.actor("provider"),
        incident=incident,
        kind=kind,
        channel=kw.pop("channel", "call"),
        received_on=kw.pop("received_on", date(2026, 3, 11)),
        asked="私の情報を消去してください。",
        victim_id=kw.pop("victim_id", None) or person_on(world, incident),
        **kw,
    )


def test_erasure_request_from_a_call_excludes_the_person_after_decision_and_reply(world, own_case):
    request = _receive(world, own_case)
    assert request.responder == "self" and request.status == Status.RECEIVED
    rights_request_verify_identity(
        actor=world.actor("provider"), request=request, method="電話で氏名・生年月日・照会番号を確認"
    )
    assert request.grounds_hold is True and request.grounds_assessment_version == 1
    rights_request_decide(actor=world.actor("provider"), request=request, decision="comply", erase=True)
    rights_request_reply(
        actor=world.actor("provider"), request=request, replied_on=date(2026, 3, 13), method="post"
    )
    assert RightsRequest.objects.get(pk=request.pk).status == Status.REPLIED
    assert excluded_victim_ids(own_case) == {request.victim_id}
    assert request.restriction.erased is True


def test_a_refused_request_does_not_exclude_the_person(world, own_case):
    request = _receive(world, own_case)
    rights_request_verify_identity(actor=world.actor("provider"), request=request, method="書面")
    rights_request_decide(
        actor=world.actor("provider"), request=request, decision="refuse", reasons="根拠なし"
    )
    assert excluded_victim_ids(own_case) == set()


def test_refusal_needs_reasons(world, own_case):
    request = _receive(world, own_case)
    rights_request_verify_identity(actor=world.actor("provider"), request=request, method="書面")
    with pytest.raises(InvalidInput) as error:
        rights_request_decide(actor=world.actor("provider"), request=request, decision="refuse")
    assert error.value.field == "decision_reasons"


def test_grounds_do_not_hold_without_a_reportable_assessment(world, entrusted_case):
    entrusted_case.data_owner = "own"
    entrusted_case.save(update_fields=["data_owner"])
    request = _receive(world, entrusted_case)
    rights_request_verify_identity(actor=world.actor("provider"), request=request, method="書面")
    assert request.grounds_hold is False


def test_a_contractors_request_is_forwarded_to_the_hospital_and_appears_in_its_view(world, entrusted_case):
    request = _receive(world, entrusted_case)
    assert request.status == Status.FORWARDED
    assert request.forwarded_to == world.hospital.organisation
    assert "委託元" in request.responder_rule
    assert list(forwarded_for(world.actor("hospital"))) == [request]


def test_the_hospital_is_told_in_its_portal(world, entrusted_case):
    from sonae.core.models import Notification

    _receive(world, entrusted_case)
    assert Notification.objects.filter(user=world.user("hospital"), title__contains="転送").exists()


def test_another_hospital_does_not_see_the_forwarded_request(world, entrusted_case):
    from sonae.core.actors import Actor
    from tests.factories import member

    _receive(world, entrusted_case)
    other = Actor.from_membership(member("hospital", code="other-hospital"))
    assert list(forwarded_for(other)) == []


def test_a_fee_cannot_be_entered_for_a_suspension_request(world, own_case):
    with pytest.raises(InvalidInput) as error:
        _receive(world, own_case, kind="suspension", fee_yen=500)
    assert error.value.field == "fee_yen"
    assert not RightsRequest.objects.exists()


def test_a_fee_may_be_entered_for_disclosure(world, own_case):
    assert _receive(world, own_case, kind="disclosure", fee_yen=500).fee_yen == 500


def test_a_request_past_its_target_shows_as_late(world, own_case, clock):
    request = _receive(world, own_case, received_on=date(2026, 3, 11))
    assert request.target_on == date(2026, 3, 25)
    clock.move_to("2026-03-26T10:00:00+09:00")
    assert request.is_late(date(2026, 3, 26))
    assert report_for_incident(world.actor("provider"), own_case, today=date(2026, 3, 26))["late"] == 1


def test_a_request_answered_by_its_target_is_on_time(world, own_case):
    request = _receive(world, own_case)
    assert not request.is_late(date(2026, 3, 25))


def test_the_person_may_sue_two_weeks_after_the_request_arrived(world, own_case):
    assert _receive(world, own_case).may_sue_from == date(2026, 3, 25)


def test_the_target_is_configurable(world, own_case, settings):
    settings.SONAE_RIGHTS_TARGET_DAYS = 7
    assert _receive(world, own_case).target_on == date(2026, 3, 18)


def test_a_decision_before_identity_is_verified_is_illegal(world, own_case):
    request = _receive(world, own_case)
    with pytest.raises(IllegalTransition):
        rights_request_decide(actor=world.actor("provider"), request=request, decision="comply")


def test_another_provider_gets_404(world, own_case):
    request = _receive(world, own_case)
    with pytest.raises(NotFound):
        request_get(world.actor("provider_b"), own_case.reference, request.pk)


def test_the_agency_gets_404_for_a_request(world, own_case):
    request = _receive(world, own_case)
    with pytest.raises(NotFound):
        request_get(world.actor("agency"), own_case.reference, request.pk)


def test_the_desk_sees_the_request_only_while_the_provider_grants_it_the_cases_personal_data(world, own_case):
    from sonae.core.actors import Actor
    from sonae.victims.services.case import desk_access_set
    from tests.factories import MembershipFactory

    admin = Actor.from_membership(MembershipFactory(organisation=world.provider.organisation, role="admin"))
    request = _receive(world, own_case)
    with pytest.raises(NotFound):
        request_get(world.actor("desk"), own_case.reference, request.pk)
    desk_access_set(actor=admin, incident=own_case, granted=True)
    assert request_get(world.actor("desk"), own_case.reference, request.pk) == request
    desk_access_set(actor=admin, incident=own_case, granted=False)
    with pytest.raises(NotFound):
        request_get(world.actor("desk"), own_case.reference, request.pk)


def test_id_documents_are_stored_encrypted_and_read_back_logged(world, own_case, settings, tmp_path):
    from sonae.core.models import AuditEvent

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    request = _receive(world, own_case)
    data = b"%PDF-1.4 license"
    attachment = attachment_add(actor=world.actor("provider"), request=request, name="免許証.pdf", data=data)
    assert data not in (tmp_path / attachment.storage_name).read_bytes()
    assert attachment_read(actor=world.actor("provider"), attachment=attachment, reason="本人確認") == data
    assert AuditEvent.objects.filter(action="personal_data.viewed").exists()


def test_id_documents_are_purged_after_closure_plus_retention(world, own_case, settings, tmp_path, clock):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    request = _receive(world, own_case, kind="disclosure")
    attachment = attachment_add(
        actor=world.actor("provider"), request=request, name="id.pdf", data=b"%PDF-1 x"
    )
    rights_request_verify_identity(actor=world.actor("provider"), request=request, method="書面")
    rights_request_decide(actor=world.actor("provider"), request=request, decision="comply")
    rights_request_reply(
        actor=world.actor("provider"), request=request, replied_on=date(2026, 3, 12), method="post"
    )
    rights_request_close(actor=world.actor("provider"), request=request)
    assert attachments_purge() == 0
    clock.move_to("2026-06-15T10:00:00+09:00")
    assert attachments_purge() == 1
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert attachment.purged_at is not None and attachment.storage_name == ""


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [("disclosure", True), ("correction", False), ("suspension", False), ("third_party", False)],
)
def test_only_disclosure_may_carry_a_fee(kind, allowed):
    assert rules.fee_allowed(kind) is allowed


def _decided(world, incident, kind="disclosure", decision="comply", **kw):
    request = _receive(world, incident, kind=kind, requester_name="山田 花子")
    rights_request_verify_identity(actor=world.actor("provider"), request=request, method="書面")
    return rights_request_decide(actor=world.actor("provider"), request=request, decision=decision, **kw)


@pytest.mark.parametrize(
    ("decision", "kw", "phrase"),
    [
        ("comply", {}, "ご請求のとおり"),
        ("partly", {"reasons": "一部は保存義務あり"}, "一部は保存義務あり"),
        ("refuse", {"reasons": "本人確認ができない"}, "応じることができません"),
        ("alternative", {"alternative_measure": "利用を停止し、保存期間後に消去"}, "代替措置"),
    ],
)
def test_the_reply_letter_states_the_decision(world, own_case, decision, kw, phrase):
    import io

    from docx import Document

    from sonae.rights.letters import reply_docx

    request = _decided(world, own_case, kind="suspension", decision=decision, **kw)
    document = Document(io.BytesIO(reply_docx(request)))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert phrase in text and "山田 花子 様" in text


def test_the_reply_letter_renders_as_pdf(world, own_case):
    from sonae.rights.letters import reply_pdf

    assert reply_pdf(_decided(world, own_case)).startswith(b"%PDF")


def test_the_disclosure_package_is_logged_as_a_personal_data_export(world, own_case):
    from sonae.core.models import AuditEvent
    from sonae.rights.letters import disclosure_package

    request = _decided(world, own_case)
    data = disclosure_package(
        actor=world.actor("provider"), request=request, reason="開示請求への回答", fmt="docx"
    )
    assert data.startswith(b"PK")
    assert AuditEvent.objects.filter(action="personal_data.exported", target_id=str(request.pk)).exists()


def test_a_self_service_request_is_recorded_without_a_fee_and_forwarded_when_entrusted(world, entrusted_case):
    from sonae.rights.services import rights_request_receive_from_person

    request = rights_request_receive_from_person(
        incident=entrusted_case,
        victim_id=person_on(world, entrusted_case),
        kind="suspension",
        asked="消去してください",
    )
    assert (request.channel, request.fee_yen, request.status) == ("web", 0, Status.FORWARDED)
    assert list(forwarded_for(world.actor("hospital"))) == [request]


# -- the entrusting hospital decides a forwarded request; or the contract lets the contractor answer ---------------


def _forwarded(world, entrusted_case, **kw):
    request = _receive(world, entrusted_case, **kw)
    assert request.status == Status.FORWARDED
    return request


def test_the_hospital_decides_a_forwarded_erasure_and_the_person_is_excluded_on_the_contractors_list(
    world, entrusted_case, mailoutbox
):
    from sonae.core.models import Notification
    from sonae.rights.services import rights_request_decide_as_hospital, rights_request_reply_as_hospital
    from sonae.victims.models import Victim

    request = _forwarded(world, entrusted_case)
    rights_request_decide_as_hospital(
        actor=world.actor("hospital"), request=request, decision="comply", erase=True
    )
    assert request.status == Status.DECIDED and request.decided_by == world.user("hospital")
    person = Victim.objects.get(pk=request.victim_id)
    assert person.excluded is True and person.record == {}
    assert excluded_victim_ids(entrusted_case) == {request.victim_id}
    assert Notification.objects.filter(user=world.user("provider"), title__contains="委託元").exists()

    rights_request_reply_as_hospital(
        actor=world.actor("hospital"), request=request, replied_on=date(2026, 3, 16), method="post"
    )
    assert RightsRequest.objects.get(pk=request.pk).status == Status.REPLIED


def test_only_the_hospital_the_request_was_forwarded_to_may_decide_it(world, entrusted_case):
    from sonae.core.errors import PermissionDenied
    from sonae.rights.services import rights_request_decide_as_hospital
    from tests.factories import member

    request = _forwarded(world, entrusted_case)
    other = member("hospital", name="さくら記念病院", code="sakura-kinen")
    from sonae.core.actors import Actor

    with pytest.raises(NotFound):
        rights_request_decide_as_hospital(
            actor=Actor.from_membership(other), request=request, decision="comply"
        )
    with pytest.raises((PermissionDenied, NotFound)):
        rights_request_decide_as_hospital(actor=world.actor("provider"), request=request, decision="comply")
    assert RightsRequest.objects.get(pk=request.pk).status == Status.FORWARDED


def test_the_hospital_may_not_charge_a_fee_for_a_suspension_either(world, entrusted_case):
    from sonae.rights.services import rights_request_decide_as_hospital

    request = _forwarded(world, entrusted_case)
    with pytest.raises(InvalidInput) as caught:
        rights_request_decide_as_hospital(
            actor=world.actor("hospital"), request=request, decision="comply", fee_yen=300
        )
    assert caught.value.field == "fee_yen"


def test_a_contract_may_make_the_contractor_answer_itself(world, entrusted_case):
    request = _receive(world, entrusted_case, by_contract=True)
    assert request.responder == "self" and request.forwarded_to_id is None
    assert "委託契約に基づき" in request.responder_rule and request.status == Status.RECEIVED
    assert forwarded_for(world.actor("hospital")).count() == 0
