"""The life of a case after intake: facts, the desk's triage, status transitions, the first response."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import OrganisationKind
from sonae.duties.rules import CAUSES, DATA_ITEMS
from sonae.incidents import hooks, triage
from sonae.incidents.models import STATUS_TRANSITIONS, Incident, Status, TimelineKind
from sonae.webhooks import emitters as webhooks

from .common import audit_actor, case_url, require, require_case_access, timeline_add
from .intake import triage_text
from .notify import desk_members, members_of, notify_users
from .playbooks import playbook_seed
from .validation import check_codes, check_owner, check_past, check_persons, check_symptoms

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
        changes["discovered_at"] = check_past("discovered_at", discovered_at, timezone.now(), "発覚日時")
    if data_items is not _UNSET:
        changes["data_items"] = check_codes("data_items", data_items, DATA_ITEMS, "個人データの項目")
    if persons_estimate is not _UNSET:
        changes["persons_estimate"] = check_persons(persons_estimate)
    if cause is not _UNSET:
        if cause and cause not in CAUSES:
            raise InvalidInput(f"原因のコードが正しくありません: {cause}", field="cause")
        changes["cause"] = cause or ""
    if data_owner is not _UNSET or entrusting_hospital is not _UNSET or entrusting_party_name is not _UNSET:
        owner, hospital, party = check_owner(
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
            + triage_text(incident, automatic=incident.triaged_at is None),
            data={"changed": changed},
        )
        playbook_seed(incident=incident, actor=actor)
        audit_record(
            action="incident.facts_updated", target=incident, data={"changed": changed}, **audit_actor(actor)
        )
        hooks.facts_changed(actor=actor, incident=incident)
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
    symptoms = check_symptoms(symptoms)
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
        text = triage_text(incident, automatic=False)
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
        hooks.facts_changed(actor=actor, incident=incident)
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
        webhooks.incident_status_changed(incident, from_status=previous)
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
        webhooks.incident_status_changed(incident, from_status=current)
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
