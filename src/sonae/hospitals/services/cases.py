"""Writes around a notified case: the hospital's acknowledgement (the incidents app's flow), questions and answers,
the joint-report flag, report drafts, and the audit record of every view of shared information."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.incidents.models import HospitalNotice, Incident, TimelineKind

from ..models import CaseMessage, ContractorLink, JointReport
from ..rules import SHARING_SECTIONS
from ..selectors import notices_for, notified_hospitals
from .common import actor_label, audit_actor, notify_organisation, require, url_of

MAX_MESSAGE_LENGTH = 5000


def shared_view_record(*, actor: Actor, links: list[ContractorLink], what: str) -> None:
    """Audit one view by a hospital of what its contractors share (issue 11 point 2: every view is logged): which
    contractors, which sections were shown, and where (``list``, ``detail``, ``export``, ``api``)."""
    audit_record(
        action="hospitals.shared_viewed",
        target=links[0] if len(links) == 1 else None,
        data={
            "what": what,
            "contractors": [
                {
                    "provider": link.provider_id,
                    "sections": [c for c in SHARING_SECTIONS if link.shares(c)],
                }
                for link in links
            ],
        },
        **audit_actor(actor),
    )


def notice_acknowledge(*, actor: Actor, notice: HospitalNotice) -> HospitalNotice:
    """Confirm receipt of a notice: the incidents app's acknowledgement (timeline, audit, provider and desk told)."""
    from sonae.incidents.services import hospital_notice_acknowledge

    return hospital_notice_acknowledge(actor=actor, notice=notice)


def _check_party(actor: Actor, incident: Incident, hospital: Organisation) -> Organisation:
    """The case's two parties only: the hospital that received a notice of it, and the case's provider. Returns the
    other party's organisation."""
    if actor.kind == OrganisationKind.HOSPITAL:
        if hospital.pk != actor.organisation.pk or not notices_for(actor).filter(incident=incident).exists():
            raise NotFound()
        return incident.provider
    if actor.kind == OrganisationKind.PROVIDER:
        if incident.provider_id != actor.organisation.pk:
            raise NotFound()
        if hospital.pk not in {h.pk for h in notified_hospitals(incident)}:
            raise NotFound()
        return hospital
    raise NotFound()


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("本文を入力してください。", field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise InvalidInput(f"本文は{MAX_MESSAGE_LENGTH}文字以内で入力してください。", field="body")
    return body


def _case_url(actor_kind_of_recipient: str, incident: Incident, hospital: Organisation) -> str:
    if actor_kind_of_recipient == OrganisationKind.PROVIDER:
        return url_of("hospitals:case_questions", incident.reference)
    notice = (
        HospitalNotice.objects.filter(incident=incident, hospital=hospital, sent_at__isnull=False)
        .order_by("sent_at")
        .first()
    )
    return url_of("hospitals:notice_questions", notice.pk) if notice else ""


def _post(
    *, actor: Actor, incident: Incident, hospital: Organisation, body: str, subject: str = "", parent=None
) -> CaseMessage:
    require(actor, "hospitals.question.post")
    other = _check_party(actor, incident, hospital)
    body = _clean_body(body)
    if actor.user is None:
        raise PermissionDenied("質問・回答はログインした担当者が行います。")
    with transaction.atomic():
        message = CaseMessage.objects.create(
            incident=incident,
            hospital=hospital,
            parent=parent,
            subject=subject,
            body=body,
            author=actor.user,
            author_label=actor_label(actor),
            author_organisation=actor.organisation,
        )
        # The text may name a patient: the audit row records that a message was written, never its content.
        audit_record(
            action="hospitals.answer_posted" if parent else "hospitals.question_posted",
            target=message,
            data={"incident": incident.reference, "hospital": hospital.pk, "thread": (parent or message).pk},
            **audit_actor(actor),
        )
        kind = "回答" if parent else "質問"
        notify_organisation(
            other,
            title=f"{incident.reference}: {actor.organisation.name} から{kind}が届きました",
            body="内容はSonaeでご確認ください（メールには本文を載せていません）。",
            url=_case_url(other.kind, incident, hospital),
        )
    return message


def question_post(
    *, actor: Actor, incident: Incident, hospital: Organisation, subject: str, body: str
) -> CaseMessage:
    """Start a thread on the case between ``hospital`` and the contractor (either side may ask)."""
    subject = (subject or "").strip()
    if not subject or len(subject) > 200:
        raise InvalidInput("件名を200文字以内で入力してください。", field="subject")
    return _post(actor=actor, incident=incident, hospital=hospital, subject=subject, body=body)


def answer_post(*, actor: Actor, thread: CaseMessage, body: str) -> CaseMessage:
    """Answer in a thread (either side)."""
    if thread.parent_id is not None:
        raise InvalidInput("回答は質問に対して投稿してください。", field="thread")
    return _post(actor=actor, incident=thread.incident, hospital=thread.hospital, body=body, parent=thread)


def joint_report_set(
    *, actor: Actor, incident: Incident, hospital: Organisation, enabled: bool
) -> JointReport:
    """Either side records that the case is (or is no longer) reported jointly (連名). Both sides see the flag; the
    case's timeline says who set it (Sonae reading R8: the contractor's clock governs the joint report)."""
    require(actor, "hospitals.joint_report.set")
    other = _check_party(actor, incident, hospital)
    from sonae.incidents.services.common import timeline_add

    with transaction.atomic():
        joint, _ = JointReport.objects.select_for_update().get_or_create(incident=incident, hospital=hospital)
        if joint.enabled == bool(enabled) and joint.updated_by_id is not None:
            return joint
        joint.enabled = bool(enabled)
        joint.updated_by = actor.user
        joint.updated_by_organisation = actor.organisation
        joint.updated_at = timezone.now()
        joint.save(update_fields=["enabled", "updated_by", "updated_by_organisation", "updated_at"])
        text = (
            f"{hospital.name} と連名で個人情報保護委員会へ報告することにしました（設定: {actor.organisation.name}）。"
            if joint.enabled
            else f"{hospital.name} との連名報告を取りやめました（設定: {actor.organisation.name}）。"
        )
        timeline_add(
            incident, kind=TimelineKind.DECISION, actor=actor, text=text, data={"hospital": hospital.pk}
        )
        audit_record(
            action="hospitals.joint_report_set",
            target=joint,
            data={"incident": incident.reference, "hospital": hospital.pk, "enabled": joint.enabled},
            **audit_actor(actor),
        )
        notify_organisation(
            other,
            title=f"{incident.reference}: 連名報告の設定が変更されました",
            body=text,
            url=_case_url(other.kind, incident, hospital),
        )
    return joint


def draft_pdf(*, actor: Actor, notice: HospitalNotice, kind: str) -> bytes:
    """The hospital's PPC report draft (``ppc``) or patient notice draft (``patients``) as a PDF, prefilled from the
    contractor's information. Generating a draft is audited (it is a document about the case)."""
    from ..drafts import DRAFT_KINDS, draft_context, render_draft_pdf
    from ..selectors import case_view

    require(actor, "hospitals.case.draft", OrganisationKind.HOSPITAL)
    if kind not in DRAFT_KINDS:
        raise NotFound()
    view = case_view(actor, notice)
    context = draft_context(view, actor.organisation)
    pdf = render_draft_pdf(kind, context)
    with transaction.atomic():
        audit_record(
            action="hospitals.draft_generated",
            target=notice,
            data={"incident": notice.incident.reference, "kind": kind},
            **audit_actor(actor),
        )
    return pdf
