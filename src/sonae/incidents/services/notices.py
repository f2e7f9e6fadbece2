"""Notices to the entrusting hospital (委託元への通知): prefilled letter, sending, PDF, acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.documents.pdf import render_pdf
from sonae.incidents.models import HospitalNotice, Incident, TimelineKind
from sonae.jp.formatting import format_persons
from sonae.jp.wareki import format_date_ja, format_datetime_ja
from sonae.webhooks import emitters as webhooks

from .common import audit_actor, case_url, require, require_case_access, timeline_add
from .notify import desk_members, email_notice, members_of, notify_users

MAX_LETTER_LENGTH = 20000


def notice_letter_text(incident: Incident, recipient_name: str) -> str:
    """The Japanese letter prefilled from the case (first report to the entrusting party)."""
    persons = format_persons(incident.persons_estimate) if incident.persons_estimate is not None else "調査中"
    return (
        render_to_string(
            "incidents/letters/hospital_notice.txt",
            {
                "incident": incident,
                "provider": incident.provider,
                "recipient_name": recipient_name,
                "today": format_date_ja(timezone.localdate()),
                "discovered": format_datetime_ja(incident.discovered_at)
                if incident.discovered_at
                else "調査中",
                "items": "、".join(incident.data_item_labels) or "調査中",
                "persons": persons if incident.persons_estimate is None else f"約{persons}",
                "desk_phone": settings.SONAE_DESK_PHONE,
            },
        ).strip()
        + "\n"
    )


def hospital_notice_create(
    *, actor: Actor, incident: Incident, hospital: Organisation | None = None, recipient_name: str = ""
) -> HospitalNotice:
    """A draft notice to the entrusting party of a case whose data was entrusted, with the letter prefilled.

    The recipient defaults to the case's entrusting hospital (or the entrusting party's name when that hospital
    is not registered in Sonae).
    """
    require(actor, "hospital_notice.prepare")
    require_case_access(actor, incident)
    if not incident.is_entrusted:
        raise InvalidInput(
            "委託を受けた情報が含まれる案件でのみ、委託元への通知を作成できます。", field="incident"
        )
    hospital = hospital or incident.entrusting_hospital
    if hospital is not None and hospital.kind != OrganisationKind.HOSPITAL:
        raise InvalidInput("宛先には医療機関を選んでください。", field="hospital")
    recipient_name = (recipient_name or "").strip() or (
        hospital.name if hospital else incident.entrusting_party_name
    )
    if not recipient_name:
        raise InvalidInput("宛先を入力してください。", field="recipient_name")
    with transaction.atomic():
        notice = HospitalNotice.objects.create(
            incident=incident,
            hospital=hospital,
            recipient_name=recipient_name[:200],
            subject=f"個人情報の漏えい等のおそれに関するご報告（{incident.reference}）",
            letter_text=notice_letter_text(incident, recipient_name),
            created_by=actor.user,
        )
        timeline_add(
            incident,
            kind=TimelineKind.NOTICE,
            actor=actor,
            text=f"委託元（{notice.recipient_name}）への通知の下書きを作成しました。",
            data={"notice": notice.pk},
        )
        audit_record(
            action="incident.notice_created",
            target=notice,
            data={"incident": incident.reference},
            **audit_actor(actor),
        )
    return notice


def hospital_notice_update(
    *, actor: Actor, notice: HospitalNotice, subject: str, letter_text: str
) -> HospitalNotice:
    """Edit a draft notice; a sent notice is never changed."""
    require(actor, "hospital_notice.prepare")
    require_case_access(actor, notice.incident)
    subject = (subject or "").strip()
    letter_text = (letter_text or "").strip()
    if not subject or len(subject) > 200:
        raise InvalidInput("件名は1〜200文字で入力してください。", field="subject")
    if not letter_text or len(letter_text) > MAX_LETTER_LENGTH:
        raise InvalidInput(f"本文は1〜{MAX_LETTER_LENGTH}文字で入力してください。", field="letter_text")
    with transaction.atomic():
        notice = HospitalNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.sent_at is not None:
            raise IllegalTransition("送信済みの通知は変更できません。")
        notice.subject = subject
        notice.letter_text = letter_text + "\n"
        notice.save(update_fields=["subject", "letter_text", "updated_at"])
        audit_record(action="incident.notice_updated", target=notice, **audit_actor(actor))
    return notice


def hospital_notice_send(*, actor: Actor, notice: HospitalNotice) -> HospitalNotice:
    """Send a draft to the hospital: in-app for its users, e-mail with the PDF to them and the hospital's address.

    Only a hospital registered in Sonae can receive a notice here; others get the PDF by post or by hand.
    """
    require(actor, "hospital_notice.prepare")
    require_case_access(actor, notice.incident)
    if notice.hospital_id is None:
        raise InvalidInput(
            "宛先の医療機関がSonaeに登録されていないため送信できません。PDFをダウンロードして郵送等でお送りください。",
            field="hospital",
        )
    with transaction.atomic():
        notice = (
            HospitalNotice.objects.select_for_update(of=("self",))
            .select_related("incident", "hospital")
            .get(pk=notice.pk)
        )
        if notice.sent_at is not None:
            raise IllegalTransition("この通知は送信済みです。")
        notice.sent_at = timezone.now()
        notice.sent_by = actor.user
        notice.save(update_fields=["sent_at", "sent_by", "updated_at"])
        incident = notice.incident
        timeline_add(
            incident,
            kind=TimelineKind.NOTICE,
            actor=actor,
            text=f"委託元（{notice.recipient_name}）へ通知を送信しました。",
            data={"notice": notice.pk},
        )
        audit_record(
            action="incident.notice_sent",
            target=notice,
            data={"incident": incident.reference, "hospital": notice.hospital_id},
            **audit_actor(actor),
        )
        users = members_of(notice.hospital)
        url = _notice_url(notice)
        notify_users(
            users,
            title=f"{incident.provider.name} から通知が届きました",
            body=notice.subject,
            url=url,
            organisation=notice.hospital,
            email=False,
        )
        addresses = sorted(
            {u.email for u in users if u.email}
            | ({notice.hospital.email} if notice.hospital.email else set())
        )
        link = f"{settings.SONAE_SITE_URL.rstrip('/')}{url}" if url else ""
        body = (
            f"{notice.recipient_name} 御中\n\n{incident.provider.name} から、委託業務で取り扱う個人情報に関する通知が届きました。\n"
            f"添付のPDFをご確認のうえ、Sonaeで受領確認をお願いします。\n{link}"
        )
        email_notice(notice.subject, body, addresses, notice.pk)
    return notice


def hospital_notice_acknowledge(*, actor: Actor, notice: HospitalNotice) -> HospitalNotice:
    """A user of the addressed hospital confirms receipt: the time is recorded and shown on the case, the timeline
    says so and the provider (and the desk) are told."""
    require(actor, "hospital_notice.acknowledge")
    if actor.user is None:
        raise PermissionDenied("受領確認はログインした医療機関の担当者が行います。")
    with transaction.atomic():
        notice = (
            HospitalNotice.objects.select_for_update(of=("self",))
            .select_related("incident__provider")
            .get(pk=notice.pk)
        )
        if notice.hospital_id != actor.organisation.pk or notice.sent_at is None:
            raise NotFound()
        if notice.acknowledged_at is not None:
            raise IllegalTransition("この通知は受領確認済みです。")
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = actor.user
        notice.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        incident = notice.incident
        timeline_add(
            incident,
            kind=TimelineKind.NOTICE,
            actor=actor,
            text=f"委託元（{notice.recipient_name}）が通知の受領を確認しました。",
            data={"notice": notice.pk, "acknowledged_at": notice.acknowledged_at.isoformat()},
        )
        audit_record(
            action="incident.notice_acknowledged",
            target=notice,
            data={"incident": incident.reference},
            **audit_actor(actor),
        )
        webhooks.notice_acknowledged(notice)
        notify_users(
            members_of(incident.provider) + desk_members(),
            title=f"{incident.reference}: {notice.recipient_name} が通知の受領を確認しました",
            body=f"受領確認: {format_datetime_ja(notice.acknowledged_at)}",
            url=case_url(incident, "notices"),
        )
    return notice


def notice_pdf(notice: HospitalNotice) -> bytes:
    """The notice as a PDF (A4, Japanese fonts)."""
    return render_pdf("incidents/pdf/hospital_notice.html", {"notice": notice})


def _notice_url(notice: HospitalNotice) -> str:
    from django.urls import NoReverseMatch, reverse

    # The hospital portal's page shows the notice with the hospital's own duties and drafts.
    for name in ("hospitals:notice", "incidents:hospital_notice"):
        try:
            return reverse(name, args=[notice.pk])
        except NoReverseMatch:
            continue
    return ""
