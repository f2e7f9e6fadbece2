"""Links, consents, invitations and sites (services)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from sonae.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from sonae.core.models import AuditEvent, Notification
from sonae.hospitals import selectors, services
from sonae.hospitals.models import ContractorLink, HospitalInvitation, HospitalSite, LinkStatus

pytestmark = pytest.mark.django_db

TERMS = {
    "business_codes": ["clinical_lab"],
    "data_items": ["name", "test_results"],
    "since": date(2020, 4, 1),
}


def test_declaring_a_link_leaves_it_pending_and_tells_the_hospital(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.link_declare(actor=world.actor("provider"), hospital=world.org("hospital"), **TERMS)
    assert link.status == LinkStatus.PENDING
    assert not any(link.shares(c) for c in ("insurance", "selfcheck", "checklist", "bcp"))
    assert Notification.objects.filter(user=world.user("hospital"), title__contains="登録申請").exists()
    assert {m.to[0] for m in mail.outbox} >= {world.user("hospital").email}
    assert AuditEvent.objects.filter(action="hospitals.link_declared", target_id=str(link.pk)).exists()


def test_a_second_live_link_to_the_same_hospital_is_refused(world, link_for):
    link_for(accept=False)
    with pytest.raises(InvalidInput) as exc:
        services.link_declare(actor=world.actor("provider"), hospital=world.org("hospital"), **TERMS)
    assert exc.value.field == "hospital"


def test_a_new_link_may_follow_an_ended_one(world, link_for):
    old = link_for()
    services.link_transition(actor=world.actor("provider"), link=old, to_status="ended")
    again = services.link_declare(actor=world.actor("provider"), hospital=world.org("hospital"), **TERMS)
    assert again.pk != old.pk and again.status == LinkStatus.PENDING


@pytest.mark.parametrize("target", ["provider_b", "desk"])
def test_only_a_hospital_can_be_declared(world, target):
    with pytest.raises(InvalidInput):
        services.link_declare(actor=world.actor("provider"), hospital=world.org(target), **TERMS)


def test_a_site_of_another_hospital_is_refused(world):
    site = services.site_create(actor=world.actor("hospital_admin"), name="本院")
    with pytest.raises(InvalidInput) as exc:
        services.link_declare(
            actor=world.actor("provider"), hospital=world.org("hospital_b"), site=site, **TERMS
        )
    assert exc.value.field == "site"


@pytest.mark.parametrize("who", ["provider_viewer", "hospital", "desk"])
def test_only_provider_staff_declare_links(world, who):
    with pytest.raises(PermissionDenied):
        services.link_declare(actor=world.actor(who), hospital=world.org("hospital"), **TERMS)


@pytest.mark.parametrize(("to", "label"), [("accepted", "承認しました"), ("declined", "承認しませんでした")])
def test_the_hospital_answers_a_pending_link_and_the_provider_is_told(world, link_for, to, label):
    link = link_for(accept=False)
    link = services.link_transition(
        actor=world.actor("hospital"), link=link, to_status=to, note="よろしくお願いします"
    )
    assert link.status == to and link.responded_by == world.user("hospital")
    assert Notification.objects.filter(user=world.user("provider"), title__contains=label).exists()


def test_another_hospital_cannot_answer_the_link(world, link_for):
    link = link_for(accept=False)
    with pytest.raises(NotFound):
        services.link_transition(actor=world.actor("hospital_b"), link=link, to_status="accepted")


def test_the_provider_cannot_accept_its_own_link(world, link_for):
    link = link_for(accept=False)
    with pytest.raises(PermissionDenied):
        services.link_transition(actor=world.actor("provider"), link=link, to_status="accepted")


@pytest.mark.parametrize(
    ("start", "to"), [("declined", "accepted"), ("ended", "accepted"), ("accepted", "declined")]
)
def test_illegal_link_transitions_are_refused(world, link_for, start, to):
    link = link_for(accept=False)
    if start == "ended":
        services.link_transition(actor=world.actor("provider"), link=link, to_status="ended")
    else:
        services.link_transition(actor=world.actor("hospital"), link=link, to_status=start)
    with pytest.raises(IllegalTransition):
        services.link_transition(actor=world.actor("hospital"), link=link, to_status=to)


def test_either_side_may_end_an_accepted_link(world, link_for):
    link = link_for()
    link = services.link_transition(actor=world.actor("hospital"), link=link, to_status="ended")
    assert link.status == LinkStatus.ENDED and link.ended_by == world.user("hospital")


def test_consents_change_section_by_section_and_are_audited(world, link_for):
    link = link_for()
    link = services.consent_update(actor=world.actor("provider_admin"), link=link, checklist=True)
    assert link.share_checklist and not link.share_insurance
    event = AuditEvent.objects.get(action="hospitals.consent_changed", target_id=str(link.pk))
    assert event.data["before"]["checklist"] is False and event.data["after"]["checklist"] is True


def test_an_unchanged_consent_writes_no_audit_row(world, link_for):
    link = link_for(shared={"bcp": True})
    before = AuditEvent.objects.filter(action="hospitals.consent_changed").count()
    services.consent_update(actor=world.actor("provider_admin"), link=link, bcp=True)
    assert AuditEvent.objects.filter(action="hospitals.consent_changed").count() == before


def test_consent_is_an_admin_decision(world, link_for):
    link = link_for()
    with pytest.raises(PermissionDenied):
        services.consent_update(actor=world.actor("provider"), link=link, checklist=True)


def test_another_providers_link_is_not_found_for_consent(world, link_for):
    link = link_for(provider="provider_b")
    with pytest.raises(NotFound):
        services.consent_update(actor=world.actor("provider_admin"), link=link, checklist=True)


def test_an_ended_links_consents_cannot_change(world, link_for):
    link = link_for()
    services.link_transition(actor=world.actor("provider"), link=link, to_status="ended")
    with pytest.raises(IllegalTransition):
        services.consent_update(actor=world.actor("provider_admin"), link=link, checklist=True)


def test_unknown_sharing_sections_are_refused(world, link_for):
    with pytest.raises(InvalidInput):
        services.consent_update(actor=world.actor("provider_admin"), link=link_for(), premium=True)


# --- invitations --------------------------------------------------------------------------------------------------


def _invite(world, **overrides):
    kwargs = {"hospital_name": "ひかりクリニック", "email": "Info@Hikari.example.jp", **TERMS, **overrides}
    return services.invitation_create(actor=world.actor("provider"), **kwargs)


def test_an_invitation_mails_a_token_link_and_stores_only_its_hash(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(world)
    assert invitation.email == "info@hikari.example.jp"
    assert token not in invitation.token_hash
    assert invitation.token_hash == selectors.invitation_token_hash(token)
    (message,) = mail.outbox
    assert message.to == ["info@hikari.example.jp"]
    assert f"https://sonae.example.jp/hospitals/invitations/{token}/" in message.body


def test_a_hospital_admin_opening_the_invitation_gets_an_accepted_link(world):
    invitation, token = _invite(world)
    link = services.invitation_accept(actor=world.actor("hospital_admin"), token=token)
    assert link.status == LinkStatus.ACCEPTED
    assert (link.provider, link.hospital) == (world.org("provider"), world.org("hospital"))
    assert link.business_codes == ["clinical_lab"]
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.link == link
    assert Notification.objects.filter(user=world.user("provider"), title__contains="招待を承諾").exists()


def test_an_invitation_accepts_a_pending_link_instead_of_making_another(world, link_for):
    pending = link_for(accept=False)
    _, token = _invite(world)
    link = services.invitation_accept(actor=world.actor("hospital_admin"), token=token)
    assert link.pk == pending.pk and link.status == LinkStatus.ACCEPTED
    assert ContractorLink.objects.count() == 1


def test_an_invitation_works_once(world):
    _, token = _invite(world)
    services.invitation_accept(actor=world.actor("hospital_admin"), token=token)
    with pytest.raises(NotFound):
        services.invitation_accept(actor=world.actor("hospital_admin"), token=token)


def test_an_expired_invitation_is_not_found(world, _now):
    _, token = _invite(world)
    _now.shift(timedelta(days=31))
    with pytest.raises(NotFound):
        services.invitation_accept(actor=world.actor("hospital_admin"), token=token)


def test_a_cancelled_invitation_is_not_found(world):
    invitation, token = _invite(world)
    services.invitation_cancel(actor=world.actor("provider"), invitation=invitation)
    with pytest.raises(NotFound):
        services.invitation_accept(actor=world.actor("hospital_admin"), token=token)


@pytest.mark.parametrize("who", ["hospital", "provider_admin", "desk"])
def test_only_a_hospital_admin_accepts_an_invitation(world, who):
    _, token = _invite(world)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=world.actor(who), token=token)
    assert HospitalInvitation.objects.get().status == "open"


def test_another_provider_cannot_cancel_the_invitation(world):
    invitation, _ = _invite(world)
    with pytest.raises(NotFound):
        services.invitation_cancel(actor=world.actor("provider_b"), invitation=invitation)


@pytest.mark.parametrize(("field", "value"), [("hospital_name", " "), ("email", "not-an-address")])
def test_invitations_need_a_name_and_an_address(world, field, value):
    with pytest.raises(InvalidInput) as exc:
        _invite(world, **{field: value})
    assert exc.value.field == field


# --- sites ------------------------------------------------------------------------------------------------------


def test_a_hospital_admin_adds_sites_with_unique_names(world):
    services.site_create(actor=world.actor("hospital_admin"), name="本院", address="東京都港区")
    with pytest.raises(InvalidInput):
        services.site_create(actor=world.actor("hospital_admin"), name="本院")
    assert HospitalSite.objects.filter(hospital=world.org("hospital")).count() == 1


def test_hospital_staff_cannot_add_sites(world):
    with pytest.raises(PermissionDenied):
        services.site_create(actor=world.actor("hospital"), name="分院")


def test_another_hospital_cannot_switch_a_site_off(world):
    site = services.site_create(actor=world.actor("hospital_admin"), name="本院")
    admin_b = world.hospital_b
    admin_b.role = "admin"
    admin_b.save()
    with pytest.raises(NotFound):
        services.site_set_active(actor=world.actor("hospital_b"), site=site, active=False)
