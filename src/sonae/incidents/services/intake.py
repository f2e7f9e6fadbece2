"""Intake (web, phone, API): references, validation of a report, the new case with its clocks and playbook."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import DATA_ITEMS
from sonae.incidents import sla, triage
from sonae.incidents.models import Channel, DataOwner, Incident, IncidentCounter, TimelineKind
from sonae.jp.calendar import tokyo_date
from sonae.jp.formatting import format_persons, normalize_phone
from sonae.jp.wareki import format_datetime_ja
from sonae.webhooks import emitters as webhooks

from .common import audit_actor, case_url, require, sla_policy_at, timeline_add
from .notify import desk_members, members_of, notify_users
from .playbooks import playbook_seed
from .validation import CLOCK_TOLERANCE, check_codes, check_owner, check_past, check_persons, check_symptoms

REFERENCE_PATTERN = re.compile(r"INC-[0-9A-Z]+-[0-9]+")


# --- references ------------------------------------------------------------------------------------------------


def reference_year(received_at: datetime, programme_year=None) -> str:
    """The year part of a reference: the programme year's code when it is a year (``2025``), else the calendar
    year of receipt in Tokyo."""
    code = getattr(programme_year, "code", "") or ""
    if re.fullmatch(r"[0-9]{4}", code):
        return code
    return str(tokyo_date(received_at).year)


def next_reference(year: str) -> str:
    """Draw the next ``INC-<year>-NNNNNN``. The year's counter row is locked until the caller's transaction ends,
    so concurrent intakes (any number of app servers) never draw the same number."""
    with transaction.atomic():
        counter = IncidentCounter.objects.select_for_update().filter(year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    counter = IncidentCounter.objects.create(year=year, last_number=0)
            except IntegrityError:
                # Another transaction created the row first: wait for its lock, then continue from its number.
                counter = IncidentCounter.objects.select_for_update().get(year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
    return f"INC-{year}-{counter.last_number:06d}"


# --- intake ----------------------------------------------------------------------------------------------------


def incident_report(
    *,
    actor: Actor,
    channel: str,
    provider: Organisation,
    symptoms: Sequence[str],
    title: str = "",
    description: str = "",
    data_items: Sequence[str] = (),
    persons_estimate: int | None = None,
    data_owner: str = DataOwner.UNKNOWN,
    entrusting_hospital: Organisation | None = None,
    entrusting_party_name: str = "",
    discovered_at: datetime | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    called_at: datetime | None = None,
    received_at: datetime | None = None,
    reference: str | None = None,
) -> Incident:
    """Open an incident from any intake channel and start its clocks (issue 4 points 1–4).

    ``web`` and ``api``: a provider reports its own incident (``received_at`` is now). ``phone``: a desk operator
    records a call for ``provider`` with the caller's name, call-back number and the time of the call, which is
    the received time. All channels: triage suggestion (category, severity, cause), SLA times stored, playbook
    tasks seeded, timeline written, audited, the desk (and for a phone intake the provider) notified after commit.
    ``received_at`` and ``reference`` are for demo data and imports; ``reference`` must not exist yet.
    """
    now = timezone.now()
    if channel not in Channel.values:
        raise InvalidInput("受付経路は web / phone / api のいずれかです。", field="channel")
    if channel == Channel.PHONE:
        require(actor, "incident.intake")
    else:
        require(actor, "incident.report")
        if provider is None or provider.pk != actor.organisation.pk:
            raise PermissionDenied("自社以外のインシデントは報告できません。")
    if provider is None or provider.kind != OrganisationKind.PROVIDER or not provider.is_active:
        raise InvalidInput("事業者を選んでください。", field="provider")

    symptoms = check_symptoms(symptoms)
    data_items = check_codes("data_items", data_items, DATA_ITEMS, "個人データの項目")
    persons_estimate = check_persons(persons_estimate)
    data_owner, entrusting_hospital, entrusting_party_name = check_owner(
        data_owner, entrusting_hospital, entrusting_party_name
    )
    title = (title or "").strip()
    if len(title) > 200:
        raise InvalidInput("件名は200文字以内で入力してください。", field="title")

    caller_name = (caller_name or "").strip()
    caller_phone = (caller_phone or "").strip()
    if channel == Channel.PHONE:
        if not caller_name:
            raise InvalidInput("通報者の氏名を入力してください。", field="caller_name")
        if len(caller_name) > 100:
            raise InvalidInput("通報者の氏名は100文字以内で入力してください。", field="caller_name")
        try:
            caller_phone = normalize_phone(caller_phone)
        except ValueError as exc:
            raise InvalidInput(str(exc), field="caller_phone") from None
        called_at = check_past("called_at", called_at or now, now, "着信日時")
        received = received_at or called_at
    else:
        caller_name = caller_phone = ""
        called_at = None
        received = received_at or now
    discovered_at = check_past("discovered_at", discovered_at, max(now, received), "発覚日時")
    if discovered_at is not None and discovered_at > received + CLOCK_TOLERANCE:
        raise InvalidInput("発覚日時は受付日時より前の日時を入力してください。", field="discovered_at")
    if reference is not None and not REFERENCE_PATTERN.fullmatch(reference):
        raise InvalidInput("受付番号の形式が正しくありません。", field="reference")

    result = triage.triage(
        symptoms, data_items, persons_estimate, entrusted=data_owner == DataOwner.ENTRUSTED
    )
    policy = sla_policy_at(received)
    times = sla.compute_sla(received, policy)

    from sonae.programme.selectors import programme_year_at

    with transaction.atomic():
        programme_year = programme_year_at(received)
        incident = Incident(
            reference=reference or next_reference(reference_year(received, programme_year)),
            programme_year=programme_year,
            channel=channel,
            provider=provider,
            reported_by=actor.user,
            reported_by_label=actor.label,
            caller_name=caller_name or None,
            caller_phone=caller_phone or None,
            called_at=called_at,
            title=title or f"{triage.CATEGORIES[result.category]}の疑い",
            description=(description or "").strip(),
            received_at=times.received_at,
            discovered_at=discovered_at,
            handling_starts_at=times.handling_starts_at,
            first_response_due=times.first_response_due,
            symptoms=symptoms,
            category=result.category,
            severity=result.severity,
            cause=result.cause,
            data_items=data_items,
            persons_estimate=persons_estimate,
            data_owner=data_owner,
            entrusting_hospital=entrusting_hospital,
            entrusting_party_name=entrusting_party_name,
        )
        incident.save()
        timeline_add(
            incident,
            kind=TimelineKind.INTAKE,
            actor=actor,
            at=times.received_at,
            text=_intake_text(incident),
            data={
                "channel": channel,
                "handling_starts_at": times.handling_starts_at.isoformat(),
                "first_response_due": times.first_response_due.isoformat(),
            },
        )
        timeline_add(
            incident,
            kind=TimelineKind.TRIAGE,
            actor=actor,
            text=triage_text(incident, automatic=True),
            data={"symptoms": symptoms, "category": incident.category, "severity": incident.severity},
        )
        seeded = playbook_seed(incident=incident, actor=actor, policy=policy)
        audit_record(
            action="incident.reported",
            target=incident,
            data={
                "reference": incident.reference,
                "channel": channel,
                "category": incident.category,
                "severity": incident.severity,
                "tasks_seeded": seeded,
                "caller_recorded": channel == Channel.PHONE,
            },
            **audit_actor(actor),
        )
        webhooks.incident_created(incident)
        url = case_url(incident)
        notify_users(
            desk_members(),
            title=f"新しいインシデント {incident.reference}（{provider.name}）",
            body=(
                f"{provider.name} から{incident.get_channel_display()}で受付しました。\n"
                f"分類: {incident.get_category_display()}／重大度: {incident.get_severity_display()}\n"
                f"初動連絡期限: {format_datetime_ja(incident.first_response_due)}"
            ),
            url=url,
            exclude=actor.user,
        )
        if channel == Channel.PHONE:
            notify_users(
                members_of(provider),
                title=f"デスクがお電話の内容を受付しました（{incident.reference}）",
                body=f"分類: {incident.get_category_display()}。案件ページで初動対応と今後のタスクをご確認ください。",
                url=url,
                organisation=provider,
            )
    return incident


def _intake_text(incident: Incident) -> str:
    channel = {
        Channel.WEB: "ウェブの報告フォーム",
        Channel.PHONE: "電話（デスク受付）",
        Channel.API: "API",
    }[incident.channel]
    lines = [
        f"{channel}で受付しました（受付番号 {incident.reference}）。",
        f"対応開始: {format_datetime_ja(incident.handling_starts_at)}／初動連絡期限: "
        f"{format_datetime_ja(incident.first_response_due)}",
    ]
    if incident.channel == Channel.PHONE and incident.called_at:
        lines.append(f"着信: {format_datetime_ja(incident.called_at)}（通報者の連絡先は概要に記録）")
    return "\n".join(lines)


def triage_text(incident: Incident, *, automatic: bool) -> str:
    how = "自動判定" if automatic else "デスク判定"
    symptoms = "、".join(incident.symptom_labels) or "—"
    items = "、".join(incident.data_item_labels) or "未確認"
    persons = format_persons(incident.persons_estimate) if incident.persons_estimate is not None else "未確認"
    return (
        f"分類: {incident.get_category_display()}（{how}）／重大度: {incident.severity}（{incident.get_severity_display()}）\n"
        f"症状: {symptoms}\n対象の情報: {items}／対象人数: {persons}／{incident.get_data_owner_display()}"
        + (f"（委託元: {incident.entrusting_party_display}）" if incident.is_entrusted else "")
    )
