"""Every write of rights requests: intake, forwarding, verification, decision, reply, effects, purge."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_personal_data_access, audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, NotFound
from sonae.core.keyring import get_keyring
from sonae.core.models import Membership
from sonae.core.services import notify
from sonae.incidents.models import Incident
from sonae.incidents.services.common import audit_actor, require, require_case_access
from sonae.incidents.services.evidence import check_evidence_file
from sonae.incidents.services.notify import members_of, notify_users
from sonae.jp.calendar import tokyo_date

from . import rules
from .models import STATUS_TRANSITIONS, Attachment, Decision, Kind, Restriction, RightsRequest, Status


def target_days() -> int:
    """The programme's answer target in days (``SONAE_RIGHTS_TARGET_DAYS``, default 14)."""
    return int(getattr(settings, "SONAE_RIGHTS_TARGET_DAYS", rules.DEFAULT_TARGET_DAYS))


def retention_days() -> int:
    """Days ID documents are kept after closure (``SONAE_RIGHTS_ATTACHMENT_RETENTION_DAYS``, default 90)."""
    return int(getattr(settings, "SONAE_RIGHTS_ATTACHMENT_RETENTION_DAYS", 90))


def check_fee(kind: str, fee_yen: int) -> None:
    """APPI art. 38: no fee except for disclosure."""
    if fee_yen and not rules.fee_allowed(kind):
        raise InvalidInput(
            "手数料を徴収できるのは開示の請求のみです（個人情報保護法38条）。", field="fee_yen"
        )
    if fee_yen < 0:
        raise InvalidInput("手数料は0円以上で入力してください。", field="fee_yen")


def rights_request_transition(
    *, actor: Actor | None, request: RightsRequest, to: str, **changes
) -> RightsRequest:
    """Move a request along STATUS_TRANSITIONS, saving ``changes`` with it, audited in the same transaction."""
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if to not in STATUS_TRANSITIONS.get(locked.status, frozenset()):
            raise IllegalTransition()
        previous = locked.status
        locked.status = to
        for name, value in changes.items():
            setattr(locked, name, value)
        if to in (Status.CLOSED, Status.WITHDRAWN, Status.FORWARDED) and locked.closed_at is None:
            locked.closed_at = timezone.now()
            changes["closed_at"] = locked.closed_at
        locked.save(update_fields=["status", *changes.keys(), "updated_at"])
        audit_record(
            action="rights.transition",
            target=locked,
            data={"from": previous, "to": to, "fields": sorted(changes)},
            **audit_actor(actor),
        )
    for name in ("status", *changes.keys(), "updated_at"):
        setattr(request, name, getattr(locked, name))
    return request


def _check_victim(incident: Incident, victim_id) -> int | None:
    """The person named by a request must be on this case's list (a URL's ``?victim=`` is user input)."""
    if victim_id is None or victim_id == "":
        return None
    try:
        victim_model = apps.get_model("victims", "Victim")
    except LookupError:  # without the victims app a request names no list entry
        raise InvalidInput("対象者を特定できません。", field="victim_id") from None
    if isinstance(victim_id, bool) or not str(victim_id).isdigit() or int(victim_id) >= 1 << 63:
        # Beyond a 64-bit id the database itself would fail (SQLite raises OverflowError): bad input, not a 500.
        raise InvalidInput("対象者を特定できません。", field="victim_id")
    if not victim_model.objects.filter(pk=int(victim_id), incident=incident).exists():
        raise InvalidInput("この事案の対象者一覧にいない方は指定できません。", field="victim_id")
    return int(victim_id)


def rights_request_receive(
    *,
    actor: Actor,
    incident: Incident,
    kind: str,
    channel: str,
    received_on: date,
    asked: str,
    victim_id: int | None = None,
    requester_name: str = "",
    fee_yen: int = 0,
    by_contract: bool = False,
) -> RightsRequest:
    """Record a request; a contractor's request about entrusted data is forwarded to the hospital at once, unless
    its contract with the hospital makes it answer on the hospital's behalf (``by_contract``)."""
    require(actor, "rights.manage")
    require_case_access(actor, incident)
    if kind not in Kind.values:
        raise InvalidInput("請求の種類を選んでください。", field="kind")
    check_fee(kind, fee_yen)
    victim_id = _check_victim(incident, victim_id)
    responder, rule = rules.who_answers(entrusted=incident.is_entrusted, by_contract=by_contract)
    with transaction.atomic():
        request = RightsRequest.objects.create(
            incident=incident,
            organisation=incident.provider,
            victim_id=victim_id,
            kind=kind,
            channel=channel,
            received_on=received_on,
            asked=asked,
            requester_name=requester_name,
            fee_yen=fee_yen,
            target_on=rules.target_date(received_on, target_days()),
            responder=responder,
            responder_rule=rule,
            created_by=actor.user,
        )
        audit_record(
            action="rights.received",
            target=request,
            data={"kind": kind, "channel": channel},
            **audit_actor(actor),
        )
    if responder == "forward" and incident.entrusting_hospital_id:
        rights_request_forward(actor=actor, request=request)
    return request


def rights_request_forward(*, actor: Actor | None, request: RightsRequest) -> RightsRequest:
    """Forward to the entrusting hospital: a notification in its portal and an e-mail (after commit)."""
    hospital = request.incident.entrusting_hospital
    if hospital is None:
        raise InvalidInput("委託元の医療機関が登録されていません。", field="forwarded_to")
    with transaction.atomic():
        rights_request_transition(
            actor=actor,
            request=request,
            to=Status.FORWARDED,
            forwarded_to=hospital,
            forwarded_at=timezone.now(),
        )
        title = f"開示等の請求の転送（{request.get_kind_display()}）: {request.organisation.name}"
        body = (
            f"委託先 {request.organisation.name} が受け付けた本人からの請求（{request.get_kind_display()}、"
            f"到達日 {request.received_on:%Y-%m-%d}）を転送します。貴院が保有個人データの管理者として回答してください。"
        )
        # In-app notice now, e-mail after commit (as a task), muted while the demo loads.
        notify_users(
            members_of(hospital),
            title=title,
            body=body,
            url=f"/rights/hospital/{request.pk}/",
            organisation=hospital,
        )
    return request


def rights_request_verify_identity(*, actor: Actor, request: RightsRequest, method: str) -> RightsRequest:
    """Record how the requester's identity was checked and by whom; checks the grounds for suspension requests."""
    require(actor, "rights.manage")
    require_case_access(actor, request.incident)
    if not (method or "").strip():
        raise InvalidInput("本人確認の方法を入力してください。", field="identity_method")
    changes = {
        "identity_method": method.strip(),
        "identity_verified_at": timezone.now(),
        "identity_verified_by": actor.user,
    }
    changes.update(_grounds(request))
    return rights_request_transition(actor=actor, request=request, to=Status.VERIFIED, **changes)


def _grounds(request: RightsRequest) -> dict:
    """Art. 35(5) grounds from the case's latest duties assessment (other kinds: not needed)."""
    if request.kind not in (Kind.SUSPENSION, Kind.THIRD_PARTY):
        return {"grounds_hold": None, "grounds_note": ""}
    from sonae.duties.models import DutyAssessment

    latest = DutyAssessment.objects.filter(incident=request.incident).order_by("-version").first()
    reportable = bool(latest and (latest.result.get("appi") or {}).get("reportable_situation"))
    holds, note = rules.grounds_for_suspension(
        reportable_situation=reportable, person_on_list=request.victim_id is not None
    )
    return {
        "grounds_hold": holds,
        "grounds_note": note,
        "grounds_assessment_version": latest.version if latest else None,
    }


def rights_request_decide(
    *,
    actor: Actor,
    request: RightsRequest,
    decision: str,
    reasons: str = "",
    alternative_measure: str = "",
    fee_yen: int = 0,
    erase: bool = False,
) -> RightsRequest:
    """Decide; a granted suspension/erasure marks the person (Restriction) and, when asked, erases their fields."""
    require(actor, "rights.manage")
    require_case_access(actor, request.incident)
    _check_decision(decision, reasons, alternative_measure)
    check_fee(request.kind, fee_yen)
    with transaction.atomic():
        _decide(actor, request, decision, reasons, alternative_measure, fee_yen, erase)
    return request


def _check_decision(decision: str, reasons: str, alternative_measure: str) -> None:
    if decision not in Decision.values:
        raise InvalidInput("決定を選んでください。", field="decision")
    if decision in (Decision.REFUSE, Decision.PARTLY) and not reasons.strip():
        # APPI art. 36: explain the reasons (effort duty; Sonae requires them).
        raise InvalidInput("応じない（一部応じない）理由を入力してください。", field="decision_reasons")
    if decision == Decision.ALTERNATIVE and not alternative_measure.strip():
        raise InvalidInput("代替措置の内容を入力してください。", field="alternative_measure")


def _decide(
    actor: Actor,
    request: RightsRequest,
    decision: str,
    reasons: str,
    alternative_measure: str,
    fee_yen: int,
    erase: bool,
) -> None:
    """Record the decision and its effect on the person (inside the caller's transaction)."""
    now = timezone.now()
    rights_request_transition(
        actor=actor,
        request=request,
        to=Status.DECIDED,
        decision=decision,
        decision_reasons=reasons.strip(),
        alternative_measure=alternative_measure.strip(),
        fee_yen=fee_yen,
        decided_at=now,
        decided_by=actor.user,
    )
    if rules.restricts_person(request.kind, decision) and request.victim_id is not None:
        erased = bool(erase and request.kind == Kind.SUSPENSION and decision == Decision.COMPLY)
        Restriction.objects.create(
            incident=request.incident,
            victim_id=request.victim_id,
            request=request,
            kind=request.kind,
            decision=decision,
            erased=erased,
            decided_at=now,
        )
        _mark_victim(request, erased=erased)
        audit_record(
            action="rights.restricted",
            target=("victims.Victim", request.victim_id),
            data={"kind": request.kind, "erased": erased, "request": request.pk},
            **audit_actor(actor),
        )


def rights_request_decide_as_hospital(
    *,
    actor: Actor,
    request: RightsRequest,
    decision: str,
    reasons: str = "",
    alternative_measure: str = "",
    fee_yen: int = 0,
    erase: bool = False,
) -> RightsRequest:
    """The entrusting hospital decides a request its contractor forwarded (it holds the data as controller).

    The contractor handles the data on the hospital's instruction, so a granted suspension/erasure marks the person
    on the contractor's list at once, exactly as the contractor's own decision would; its staff are told.
    The caller has scoped ``request`` to the hospital (``selectors.forwarded_get``).
    """
    require(actor, "rights.decide_forwarded")
    if request.forwarded_to_id != actor.organisation.pk:
        raise NotFound()
    _check_decision(decision, reasons, alternative_measure)
    check_fee(request.kind, fee_yen)
    with transaction.atomic():
        _decide(actor, request, decision, reasons, alternative_measure, fee_yen, erase)
        title = (
            f"委託元（{actor.organisation.name}）が開示等の請求を決定しました（{request.incident.reference}）"
        )
        body = f"{request.get_kind_display()}の請求：{request.get_decision_display()}"
        if rules.restricts_person(request.kind, decision) and request.victim_id is not None:
            body += "。対象者を以後の郵送・出力から除外しました。"
        for user in members_of(request.organisation):
            notify(
                user=user,
                organisation=request.organisation,
                title=title,
                body=body,
                url=f"/rights/{request.incident.reference}/{request.pk}/",
            )
    return request


def rights_request_reply_as_hospital(
    *, actor: Actor, request: RightsRequest, replied_on: date, method: str
) -> RightsRequest:
    """The hospital records when and how it answered the person."""
    require(actor, "rights.decide_forwarded")
    if request.forwarded_to_id != actor.organisation.pk:
        raise NotFound()
    if not method:
        raise InvalidInput("回答方法を選んでください。", field="reply_method")
    return rights_request_transition(
        actor=actor, request=request, to=Status.REPLIED, replied_on=replied_on, reply_method=method
    )


def _mark_victim(request: RightsRequest, *, erased: bool) -> None:
    """Set the victims app's exclusion mark; on erasure blank the personal record and drop its look-up keys.

    Kept: the leaked-item bits, letter/gift status and the tombstone (Restriction) — non-personal facts the
    insurance claim and the PPC report still need (retention). Erased: name, kana, birth, address, phone, IDs.
    """
    try:
        victim_model = apps.get_model("victims", "Victim")
    except LookupError:  # victims app without models yet: the Restriction row is the mark
        return
    victim = victim_model.objects.filter(pk=request.victim_id, incident=request.incident).first()
    if victim is None:
        return
    fields = {"excluded": True, "excluded_reason": "erased" if erased else request.kind}
    if erased:
        from sonae.victims.services.lookup import forget_lookup_keys

        forget_lookup_keys(victim)  # before the record is blanked: the keys are computed from it
        fields["record"] = {}
    for name, value in fields.items():
        setattr(victim, name, value)
    victim.save(update_fields=list(fields))


def rights_request_reply(
    *, actor: Actor, request: RightsRequest, replied_on: date, method: str
) -> RightsRequest:
    """Record when and how the reply was sent."""
    require(actor, "rights.manage")
    require_case_access(actor, request.incident)
    if not method:
        raise InvalidInput("回答方法を選んでください。", field="reply_method")
    return rights_request_transition(
        actor=actor, request=request, to=Status.REPLIED, replied_on=replied_on, reply_method=method
    )


def rights_request_close(*, actor: Actor, request: RightsRequest) -> RightsRequest:
    require(actor, "rights.manage")
    require_case_access(actor, request.incident)
    return rights_request_transition(actor=actor, request=request, to=Status.CLOSED)


def attachment_add(*, actor: Actor, request: RightsRequest, name: str, data: bytes) -> Attachment:
    """Store an ID document encrypted (AES-256-GCM bound to the row), as evidence files are."""
    require(actor, "rights.manage")
    require_case_access(actor, request.incident)
    content_type = check_evidence_file(name, data)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            request=request,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        ciphertext = get_keyring().encrypt(data, attachment.aad)
        attachment.storage_name = default_storage.save(f"rights/{attachment.pk}.bin", ContentFile(ciphertext))
        attachment.save(update_fields=["storage_name"])
        audit_record(action="rights.attachment_added", target=attachment, **audit_actor(actor))
    return attachment


def attachment_read(*, actor: Actor, attachment: Attachment, reason: str) -> bytes:
    """Decrypt an ID document for viewing; logged as personal-data access."""
    require(actor, "rights.manage")
    require_case_access(actor, attachment.request.incident)
    if attachment.purged_at:
        raise InvalidInput("保存期間を過ぎたため削除されています。")
    audit_personal_data_access(
        actor=actor.user, organisation=actor.organisation, target=attachment, reason=reason, kind="viewed"
    )
    with default_storage.open(attachment.storage_name, "rb") as handle:
        return get_keyring().decrypt(handle.read(), attachment.aad)


def attachments_purge(*, now=None) -> int:
    """Delete ID documents of requests closed more than the retention period ago; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    count = 0
    due = Attachment.objects.filter(purged_at__isnull=True, request__closed_at__lte=cutoff)
    for attachment in due:
        with transaction.atomic():
            if attachment.storage_name:
                default_storage.delete(attachment.storage_name)
            attachment.storage_name = ""
            attachment.name = None
            attachment.purged_at = now
            attachment.save(update_fields=["storage_name", "name", "purged_at"])
            audit_record(action="rights.attachment_purged", target=attachment)
        count += 1
    return count


def rights_remind(*, today: date | None = None) -> int:
    """Notify the provider's staff of open requests due within 3 days or late (once a day per request)."""
    today = today or tokyo_date(timezone.now())
    open_requests = RightsRequest.objects.filter(
        status__in=[Status.RECEIVED, Status.VERIFIED, Status.DECIDED],
        target_on__lte=today + timedelta(days=3),
    ).exclude(reminded_on=today)
    count = 0
    for request in open_requests.select_related("organisation", "incident"):
        late = request.is_late(today)
        title = f"開示等の請求の回答{'期限超過' if late else '目標日が近づいています'}（{request.incident.reference}）"
        with transaction.atomic():
            for membership in Membership.objects.filter(organisation=request.organisation).select_related(
                "user"
            ):
                notify(
                    user=membership.user,
                    organisation=request.organisation,
                    title=title,
                    body=f"回答目標日 {request.target_on:%Y-%m-%d}",
                    url=f"/rights/{request.incident.reference}/{request.pk}/",
                )
            RightsRequest.objects.filter(pk=request.pk).update(reminded_on=today)
        count += 1
    return count


def forwarded_request_viewed(*, actor: Actor, request: RightsRequest) -> None:
    """The hospital opened a forwarded request (requester's name and words): logged as personal-data access."""
    audit_personal_data_access(
        actor=actor.user,
        organisation=actor.organisation,
        target=request,
        reason="委託先から転送された開示等の請求への対応",
    )


def rights_request_receive_from_person(
    *, incident: Incident, victim_id: int, kind: str, asked: str, received_on: date | None = None
) -> RightsRequest:
    """A request the person files on the self-service inquiry page, after the victims app has checked the
    inquiry code and birth date (that check is the caller's; this function trusts ``victim_id``).

    No fee is possible here. A contractor's request is forwarded to the entrusting hospital, as at the desk.
    """
    if kind not in Kind.values:
        raise InvalidInput("請求の種類を選んでください。", field="kind")
    if not (asked or "").strip():
        raise InvalidInput("ご請求の内容を入力してください。", field="asked")
    received_on = received_on or tokyo_date(timezone.now())
    responder, rule = rules.who_answers(entrusted=incident.is_entrusted)
    with transaction.atomic():
        request = RightsRequest.objects.create(
            incident=incident,
            organisation=incident.provider,
            victim_id=victim_id,
            kind=kind,
            channel="web",
            received_on=received_on,
            asked=asked.strip(),
            target_on=rules.target_date(received_on, target_days()),
            responder=responder,
            responder_rule=rule,
        )
        audit_record(action="rights.received", target=request, data={"kind": kind, "channel": "web"})
        if responder == "forward" and incident.entrusting_hospital_id:
            rights_request_forward(actor=None, request=request)
    return request
