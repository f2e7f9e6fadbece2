"""Intake (web, phone, API), facts, triage and the status lifecycle of an incident."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import CAUSES, DATA_ITEMS
from sonae.incidents import sla, triage
from sonae.incidents.models import (
    STATUS_TRANSITIONS,
    Channel,
    DataOwner,
    Incident,
    IncidentCounter,
    PlaybookTemplate,
    Status,
    StepCondition,
    StepOwner,
    Task,
    TimelineKind,
)
from sonae.jp.calendar import tokyo_date
from sonae.jp.formatting import format_persons, normalize_phone
from sonae.jp.wareki import format_datetime_ja

from .common import (
    audit_actor,
    case_url,
    desk_organisation,
    require,
    require_case_access,
    sla_policy_at,
    timeline_add,
)
from .notify import desk_members, members_of, notify_users

# A call time typed by the operator may run a little ahead of the server clock; more than this is a typo.
CLOCK_TOLERANCE = timedelta(minutes=5)
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


# --- validation ------------------------------------------------------------------------------------------------


def _check_codes(field: str, values: Sequence[str] | None, vocabulary: dict, what: str) -> list[str]:
    values = list(dict.fromkeys(values or []))  # keep order, drop repeats
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        raise InvalidInput(f"{what}のコードが正しくありません: {'、'.join(map(str, unknown))}", field=field)
    return values


def _check_symptoms(symptoms: Sequence[str] | None) -> list[str]:
    values = _check_codes("symptoms", symptoms, triage.SYMPTOMS, "症状")
    if not values:
        raise InvalidInput(
            "あてはまる症状を1つ以上選んでください（わからない場合は「その他」）。", field="symptoms"
        )
    return values


def _check_persons(persons: int | None) -> int | None:
    if persons is None:
        return None
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 0:
        raise InvalidInput("対象人数は0以上の整数で入力してください。", field="persons_estimate")
    return persons


def _check_owner(
    data_owner: str, hospital: Organisation | None, party_name: str
) -> tuple[str, Organisation | None, str]:
    if data_owner not in DataOwner.values:
        raise InvalidInput("「誰の情報か」は own / entrusted / unknown のいずれかです。", field="data_owner")
    party_name = (party_name or "").strip()
    if data_owner != DataOwner.ENTRUSTED:
        return data_owner, None, ""
    if hospital is not None and hospital.kind != OrganisationKind.HOSPITAL:
        raise InvalidInput("委託元には医療機関を指定してください。", field="entrusting_hospital")
    if hospital is None and not party_name:
        raise InvalidInput("委託元の医療機関を選ぶか、名称を入力してください。", field="entrusting_hospital")
    return data_owner, hospital, ("" if hospital is not None else party_name[:200])


def _check_past(field: str, instant: datetime | None, now: datetime, label: str) -> datetime | None:
    if instant is None:
        return None
    if timezone.is_naive(instant):
        raise InvalidInput(f"{label}に時差（+09:00 など）を付けてください。", field=field)
    if instant > now + CLOCK_TOLERANCE:
        raise InvalidInput(f"{label}に未来の日時は指定できません。", field=field)
    return instant


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

    symptoms = _check_symptoms(symptoms)
    data_items = _check_codes("data_items", data_items, DATA_ITEMS, "個人データの項目")
    persons_estimate = _check_persons(persons_estimate)
    data_owner, entrusting_hospital, entrusting_party_name = _check_owner(
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
        called_at = _check_past("called_at", called_at or now, now, "着信日時")
        received = received_at or called_at
    else:
        caller_name = caller_phone = ""
        called_at = None
        received = received_at or now
    discovered_at = _check_past("discovered_at", discovered_at, max(now, received), "発覚日時")
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
            text=_triage_text(incident, automatic=True),
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


def _triage_text(incident: Incident, *, automatic: bool) -> str:
    how = "自動判定" if automatic else "デスク判定"
    symptoms = "、".join(incident.symptom_labels) or "—"
    items = "、".join(incident.data_item_labels) or "未確認"
    persons = format_persons(incident.persons_estimate) if incident.persons_estimate is not None else "未確認"
    return (
        f"分類: {incident.get_category_display()}（{how}）／重大度: {incident.severity}（{incident.get_severity_display()}）\n"
        f"症状: {symptoms}\n対象の情報: {items}／対象人数: {persons}／{incident.get_data_owner_display()}"
        + (f"（委託元: {incident.entrusting_party_display}）" if incident.is_entrusted else "")
    )


# --- playbook --------------------------------------------------------------------------------------------------


def playbook_for(category: str) -> PlaybookTemplate | None:
    """The active template for ``category``, else the active general template (blank category)."""
    active = PlaybookTemplate.objects.filter(is_active=True)
    return (
        active.filter(category=category).order_by("pk").first()
        or active.filter(category="").order_by("pk").first()
    )


def _condition_holds(condition: str, incident: Incident) -> bool:
    if condition == StepCondition.ENTRUSTED:
        return incident.is_entrusted
    if condition == StepCondition.PERSONAL_DATA:
        # Unknown at first report: seeded once items or a number of persons are known (facts, triage).
        return bool(incident.data_items) or bool(incident.persons_estimate)
    return True


def playbook_seed(*, incident: Incident, actor: Actor | None, policy: sla.SlaPolicy | None = None) -> int:
    """Create the tasks of the case's playbook whose condition holds and that do not exist yet.

    Idempotent: run again after the facts or the category change, it adds only what is now due (a step already
    seeded, from any template, is never added twice; nothing is removed). Due dates count business days from the
    day handling starts. Returns how many tasks were created.
    """
    template = playbook_for(incident.category)
    if template is None:
        return 0
    policy = policy or sla_policy_at(incident.received_at)
    if incident.playbook_id != template.pk:
        incident.playbook = template
        incident.save(update_fields=["playbook", "updated_at"])
    existing_steps = set(incident.tasks.exclude(step=None).values_list("step_id", flat=True))
    existing_titles = set(incident.tasks.values_list("title", flat=True))
    start = tokyo_date(incident.handling_starts_at)
    desk = None
    created = []
    next_order = (
        incident.tasks.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    ) + 10
    for step in template.steps.order_by("order", "id"):
        if step.pk in existing_steps or step.title in existing_titles:
            continue
        if not _condition_holds(step.condition, incident):
            continue
        if step.owner == StepOwner.DESK:
            desk = desk or desk_organisation()
            owner = desk
        else:
            owner = incident.provider
        created.append(
            Task(
                incident=incident,
                step=step,
                phase=step.phase,
                title=step.title,
                description=step.description,
                owner_organisation=owner,
                due_date=policy.calendar.add_business_days(start, step.due_business_days),
                coverage_item=step.coverage_item,
                sort_order=next_order,
            )
        )
        next_order += 10
    if created:
        Task.objects.bulk_create(created)
        timeline_add(
            incident,
            kind=TimelineKind.TASK,
            actor=actor,
            text=f"対応手順「{template.name}」から{len(created)}件のタスクを作成しました。",
            data={"template": template.code, "tasks": [t.title for t in created]},
        )
    return len(created)


# --- facts and triage ------------------------------------------------------------------------------------------

_FACT_LABELS = {
    "title": "件名",
    "description": "状況",
    "discovered_at": "発覚日時",
    "data_items": "対象の情報",
    "persons_estimate": "対象人数",
    "data_owner": "誰の情報か",
    "entrusting_hospital": "委託元",
    "entrusting_party_name": "委託元の名称",
    "cause": "原因",
}
_UNSET = object()


def _apply_facts(
    incident: Incident,
    *,
    title=_UNSET,
    description=_UNSET,
    discovered_at=_UNSET,
    data_items=_UNSET,
    persons_estimate=_UNSET,
    data_owner=_UNSET,
    entrusting_hospital=_UNSET,
    entrusting_party_name=_UNSET,
    cause=_UNSET,
) -> list[str]:
    """Validate and set the given facts on ``incident``; returns the names of the fields that changed."""
    changes: dict[str, object] = {}
    if title is not _UNSET:
        title = (title or "").strip()
        if not title or len(title) > 200:
            raise InvalidInput("件名は1〜200文字で入力してください。", field="title")
        changes["title"] = title
    if description is not _UNSET:
        changes["description"] = (description or "").strip()
    if discovered_at is not _UNSET:
        changes["discovered_at"] = _check_past("discovered_at", discovered_at, timezone.now(), "発覚日時")
    if data_items is not _UNSET:
        changes["data_items"] = _check_codes("data_items", data_items, DATA_ITEMS, "個人データの項目")
    if persons_estimate is not _UNSET:
        changes["persons_estimate"] = _check_persons(persons_estimate)
    if cause is not _UNSET:
        if cause and cause not in CAUSES:
            raise InvalidInput(f"原因のコードが正しくありません: {cause}", field="cause")
        changes["cause"] = cause or ""
    if data_owner is not _UNSET or entrusting_hospital is not _UNSET or entrusting_party_name is not _UNSET:
        owner, hospital, party = _check_owner(
            incident.data_owner if data_owner is _UNSET else data_owner,
            incident.entrusting_hospital if entrusting_hospital is _UNSET else entrusting_hospital,
            incident.entrusting_party_name if entrusting_party_name is _UNSET else entrusting_party_name,
        )
        changes.update(data_owner=owner, entrusting_hospital=hospital, entrusting_party_name=party)
    changed = []
    for name, value in changes.items():
        if getattr(incident, name) != value:
            setattr(incident, name, value)
            changed.append(name)
    return changed


def incident_update_facts(*, actor: Actor, incident: Incident, **facts) -> Incident:
    """Update what is known (title, description, discovered_at, data at risk, persons, whose data, cause).

    The provider updates its own case, the desk any case. Severity follows the new facts unless the desk set it
    by hand at triage; playbook steps whose condition now holds are added. Written to the timeline and audited.
    """
    require(actor, "incident.update_facts")
    require_case_access(actor, incident)
    if "cause" in facts and actor.kind != OrganisationKind.DESK:
        raise PermissionDenied("原因の区分はデスクが設定します。")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if not incident.is_open:
            raise IllegalTransition("完了・取り下げ済みの案件は変更できません。")
        changed = _apply_facts(incident, **facts)
        if not changed:
            return incident
        if incident.triaged_at is None:
            incident.severity = triage.severity_for(
                incident.category, incident.data_items, incident.persons_estimate
            )
        incident.save()
        timeline_add(
            incident,
            kind=TimelineKind.FACTS,
            actor=actor,
            text="事実を更新しました: "
            + "、".join(_FACT_LABELS[name] for name in changed)
            + "\n"
            + _triage_text(incident, automatic=incident.triaged_at is None),
            data={"changed": changed},
        )
        playbook_seed(incident=incident, actor=actor)
        audit_record(
            action="incident.facts_updated", target=incident, data={"changed": changed}, **audit_actor(actor)
        )
        if actor.kind == OrganisationKind.PROVIDER:
            notify_users(
                desk_members(),
                title=f"{incident.reference} の事実が更新されました",
                body="、".join(_FACT_LABELS[name] for name in changed),
                url=case_url(incident),
            )
    return incident


def incident_triage(
    *,
    actor: Actor,
    incident: Incident,
    symptoms: Sequence[str],
    category: str | None = None,
    severity: int | None = None,
    cause: str | None = None,
    note: str = "",
    **facts,
) -> Incident:
    """The desk's triage: confirm the symptoms, category, severity and cause (suggested when not given) and the
    facts; a reported case becomes triaged. Counts as the first response. Adds the new category's playbook steps.
    """
    require(actor, "incident.triage")
    symptoms = _check_symptoms(symptoms)
    if category is not None and category not in triage.CATEGORIES:
        raise InvalidInput(f"分類のコードが正しくありません: {category}", field="category")
    if severity is not None and severity not in triage.SEVERITIES:
        raise InvalidInput("重大度は1〜4で指定してください。", field="severity")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if not incident.is_open:
            raise IllegalTransition("完了・取り下げ済みの案件はトリアージできません。")
        _apply_facts(incident, **facts)
        previous = incident.status
        incident.symptoms = symptoms
        incident.category = category or triage.category_for(symptoms)
        incident.severity = severity or triage.severity_for(
            incident.category, incident.data_items, incident.persons_estimate
        )
        incident.cause = cause if cause is not None else triage.cause_for(incident.category)
        if incident.cause and incident.cause not in CAUSES:
            raise InvalidInput(f"原因のコードが正しくありません: {incident.cause}", field="cause")
        now = timezone.now()
        incident.triaged_at = now
        if incident.status == Status.REPORTED:
            incident.status = Status.TRIAGED
        if incident.first_responded_at is None:
            incident.first_responded_at = now
        incident.save()
        text = _triage_text(incident, automatic=False)
        if note.strip():
            text += f"\n所見: {note.strip()}"
        timeline_add(
            incident,
            kind=TimelineKind.TRIAGE,
            actor=actor,
            text=text,
            data={
                "symptoms": symptoms,
                "category": incident.category,
                "severity": incident.severity,
                "cause": incident.cause,
            },
        )
        if previous != incident.status:
            timeline_add(
                incident,
                kind=TimelineKind.STATUS,
                actor=actor,
                text=f"状態: {Status(previous).label} → {incident.get_status_display()}",
                data={"from": previous, "to": incident.status},
            )
        playbook_seed(incident=incident, actor=actor)
        audit_record(
            action="incident.triaged",
            target=incident,
            data={
                "category": incident.category,
                "severity": incident.severity,
                "from": previous,
                "to": incident.status,
            },
            **audit_actor(actor),
        )
        _notify_provider(incident, actor, f"デスクがトリアージしました: {incident.get_category_display()}")
    return incident


def incident_transition(*, actor: Actor, incident: Incident, to_status: str, reason: str = "") -> Incident:
    """Move a case along ``STATUS_TRANSITIONS`` (IllegalTransition otherwise). The desk moves any case; a provider
    may only withdraw its own report while it is still 受付."""
    if to_status not in Status.values:
        raise InvalidInput("状態のコードが正しくありません。", field="to_status")
    if actor.kind == OrganisationKind.PROVIDER:
        require(actor, "incident.withdraw")
        require_case_access(actor, incident)
        if to_status != Status.WITHDRAWN:
            raise PermissionDenied("状態の変更はデスクが行います。")
    else:
        require(actor, "incident.transition")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        current = incident.status
        if to_status not in STATUS_TRANSITIONS[current]:
            raise IllegalTransition(
                f"「{Status(current).label}」から「{Status(to_status).label}」には変更できません。"
            )
        if actor.kind == OrganisationKind.PROVIDER and current != Status.REPORTED:
            raise IllegalTransition("デスクが対応を始めた案件は、デスクに連絡して取り下げてください。")
        if to_status == Status.WITHDRAWN and not reason.strip():
            raise InvalidInput("取り下げの理由を入力してください。", field="reason")
        now = timezone.now()
        incident.status = to_status
        fields = ["status", "updated_at"]
        if to_status == Status.TRIAGED and incident.triaged_at is None:
            incident.triaged_at = now
            fields.append("triaged_at")
        if to_status in (Status.CLOSED, Status.WITHDRAWN):
            incident.closed_at = now
            fields.append("closed_at")
        if actor.kind == OrganisationKind.DESK and incident.first_responded_at is None:
            incident.first_responded_at = now
            fields.append("first_responded_at")
        incident.save(update_fields=fields)
        text = f"状態: {Status(current).label} → {incident.get_status_display()}"
        if reason.strip():
            text += f"\n理由: {reason.strip()}"
        timeline_add(
            incident,
            kind=TimelineKind.STATUS,
            actor=actor,
            text=text,
            data={"from": current, "to": to_status},
        )
        audit_record(
            action="incident.status_changed",
            target=incident,
            reason=reason.strip(),
            data={"from": current, "to": to_status},
            **audit_actor(actor),
        )
        _notify_provider(incident, actor, f"状態が「{incident.get_status_display()}」になりました")
        if actor.kind == OrganisationKind.PROVIDER:
            notify_users(
                desk_members(), title=f"{incident.reference} が取り下げられました", url=case_url(incident)
            )
    return incident


def incident_mark_first_response(incident: Incident, actor: Actor) -> None:
    """Record the desk's first response (a call, a triage, a dispatch) if none is recorded yet."""
    if actor.kind == OrganisationKind.DESK and incident.first_responded_at is None:
        incident.first_responded_at = timezone.now()
        Incident.objects.filter(pk=incident.pk, first_responded_at=None).update(
            first_responded_at=incident.first_responded_at
        )


def _notify_provider(incident: Incident, actor: Actor, message: str) -> None:
    """Issue 4 point 9: the provider hears of every desk action on its case."""
    if actor.kind != OrganisationKind.DESK:
        return
    notify_users(
        members_of(incident.provider),
        title=f"{incident.reference}: {message}",
        url=case_url(incident),
        organisation=incident.provider,
    )
