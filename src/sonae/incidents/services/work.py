"""Work on a case: tasks (create, update, assign) and the notes and calls users add to the timeline."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import Membership, Organisation, OrganisationKind, User
from sonae.incidents.models import Incident, Phase, Task, TaskStatus, TimelineKind
from sonae.jp.wareki import format_date_ja
from sonae.programme.coverage_items import ITEMS
from sonae.webhooks import emitters as webhooks

from .common import audit_actor, case_url, require, require_case_access, timeline_add
from .lifecycle import incident_mark_first_response
from .notify import notify_users

NOTE_KINDS = (TimelineKind.NOTE, TimelineKind.DECISION)
CALL_DIRECTIONS = {"in": "着信", "out": "発信"}
MAX_NOTE_LENGTH = 5000


def _check_owner(incident: Incident, organisation: Organisation | None, user: User | None) -> None:
    """A task belongs to the case's provider or to the desk, and its person to that organisation."""
    if organisation is None:
        if user is not None:
            raise InvalidInput(
                "担当者を指定するときは担当組織も指定してください。", field="owner_organisation"
            )
        return
    if organisation.pk != incident.provider_id and organisation.kind != OrganisationKind.DESK:
        raise InvalidInput(
            "担当組織は、この案件の事業者かデスクを選んでください。", field="owner_organisation"
        )
    if user is not None and not Membership.objects.filter(organisation=organisation, user=user).exists():
        raise InvalidInput("担当者は担当組織に所属する人を選んでください。", field="owner_user")


def _check_task_fields(
    title: str | None, coverage_item: str | None, phase: str | None, status: str | None
) -> None:
    if title is not None and (not title.strip() or len(title.strip()) > 200):
        raise InvalidInput("タスク名は1〜200文字で入力してください。", field="title")
    if coverage_item and coverage_item not in ITEMS:
        raise InvalidInput(f"補償項目のコードが正しくありません: {coverage_item}", field="coverage_item")
    if phase and phase not in Phase.values:
        raise InvalidInput(f"段階のコードが正しくありません: {phase}", field="phase")
    if status is not None and status not in TaskStatus.values:
        raise InvalidInput(
            "タスクの状態は open / in_progress / done / cancelled のいずれかです。", field="status"
        )


def _notify_assignment(task: Task, actor: Actor) -> None:
    webhooks.task_assigned(task)
    if task.owner_user is None:
        return
    due = f"（期限 {format_date_ja(task.due_date)}）" if task.due_date else ""
    notify_users(
        [task.owner_user],
        title=f"タスクの担当になりました: {task.title}",
        body=f"{task.incident.reference} {task.incident.title}\n{task.title}{due}",
        url=case_url(task.incident, "tasks"),
        organisation=task.owner_organisation,
        exclude=actor.user,
    )


def task_create(
    *,
    actor: Actor,
    incident: Incident,
    title: str,
    description: str = "",
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    due_date: date | None = None,
    coverage_item: str = "",
    phase: str = "",
) -> Task:
    """Add a task to a case (provider on its own case, or the desk). The owner is told when one is named."""
    require(actor, "incident.work")
    require_case_access(actor, incident)
    _check_task_fields(title, coverage_item, phase, None)
    _check_owner(incident, owner_organisation, owner_user)
    with transaction.atomic():
        last = incident.tasks.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
        task = Task.objects.create(
            incident=incident,
            title=title.strip(),
            description=(description or "").strip(),
            owner_organisation=owner_organisation,
            owner_user=owner_user,
            due_date=due_date,
            coverage_item=coverage_item or "",
            phase=phase or "",
            sort_order=last + 10,
            created_by=actor.user,
        )
        timeline_add(
            incident,
            kind=TimelineKind.TASK,
            actor=actor,
            text=f"タスク「{task.title}」を追加しました。"
            + (f"担当: {task.owner_display}" if task.owner_display else ""),
            data={"task": task.pk},
        )
        audit_record(
            action="incident.task_created",
            target=task,
            data={"incident": incident.reference},
            **audit_actor(actor),
        )
        _notify_assignment(task, actor)
    return task


_TASK_FIELD_LABELS = {
    "title": "タスク名",
    "description": "内容",
    "due_date": "期限",
    "status": "状態",
    "coverage_item": "補償項目",
    "phase": "段階",
}


def task_update(
    *,
    actor: Actor,
    task: Task,
    title: str | None = None,
    description: str | None = None,
    due_date: date | None | type[Ellipsis] = ...,
    status: str | None = None,
    coverage_item: str | None = None,
    phase: str | None = None,
) -> Task:
    """Change a task's fields (``None``/``...`` leaves a field as it is; ``due_date=None`` clears the date)."""
    require(actor, "incident.work")
    require_case_access(actor, task.incident)
    _check_task_fields(title, coverage_item, phase, status)
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).select_related("incident").get(pk=task.pk)
        wanted = {
            "title": title.strip() if title is not None else None,
            "description": description.strip() if description is not None else None,
            "status": status,
            "coverage_item": coverage_item,
            "phase": phase,
        }
        changed = [
            name for name, value in wanted.items() if value is not None and getattr(task, name) != value
        ]
        for name in changed:
            setattr(task, name, wanted[name])
        if due_date is not ... and task.due_date != due_date:
            task.due_date = due_date
            changed.append("due_date")
        if not changed:
            return task
        if "status" in changed:
            task.completed_at = timezone.now() if task.status == TaskStatus.DONE else None
        task.save()
        if changed == ["status"]:
            text = f"タスク「{task.title}」を「{task.get_status_display()}」にしました。"
        else:
            text = f"タスク「{task.title}」を更新しました: " + "、".join(
                _TASK_FIELD_LABELS[n] for n in changed
            )
            if "status" in changed:
                text += f"（状態: {task.get_status_display()}）"
        timeline_add(
            task.incident,
            kind=TimelineKind.TASK,
            actor=actor,
            text=text,
            data={"task": task.pk, "changed": changed},
        )
        audit_record(
            action="incident.task_updated", target=task, data={"changed": changed}, **audit_actor(actor)
        )
    return task


def task_assign(
    *, actor: Actor, task: Task, owner_organisation: Organisation | None, owner_user: User | None = None
) -> Task:
    """Give a task to an organisation (the case's provider or the desk) and optionally a person in it; the person
    is notified in-app and by e-mail."""
    require(actor, "incident.work")
    require_case_access(actor, task.incident)
    if task.owner_vendor_id:
        raise PermissionDenied("ベンダーへの依頼タスクの担当は変更できません。")
    _check_owner(task.incident, owner_organisation, owner_user)
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).select_related("incident").get(pk=task.pk)
        task.owner_organisation = owner_organisation
        task.owner_user = owner_user
        task.reminded_for = None
        task.save(update_fields=["owner_organisation", "owner_user", "reminded_for", "updated_at"])
        timeline_add(
            task.incident,
            kind=TimelineKind.TASK,
            actor=actor,
            text=f"タスク「{task.title}」の担当: {task.owner_display or '未定'}",
            data={"task": task.pk},
        )
        audit_record(
            action="incident.task_assigned",
            target=task,
            data={
                "organisation": getattr(owner_organisation, "pk", None),
                "user": getattr(owner_user, "pk", None),
            },
            **audit_actor(actor),
        )
        _notify_assignment(task, actor)
    return task


def note_add(*, actor: Actor, incident: Incident, text: str, kind: str = TimelineKind.NOTE):
    """A note or a decision on the timeline, by the provider or the desk."""
    require(actor, "incident.work")
    require_case_access(actor, incident)
    text = (text or "").strip()
    if kind not in NOTE_KINDS:
        raise InvalidInput("記録の種類は note / decision のいずれかです。", field="kind")
    if not text:
        raise InvalidInput("内容を入力してください。", field="text")
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"内容は{MAX_NOTE_LENGTH}文字以内で入力してください。", field="text")
    with transaction.atomic():
        event = timeline_add(incident, kind=kind, actor=actor, text=text)
        audit_record(
            action=f"incident.{kind}_added", target=incident, data={"event": event.pk}, **audit_actor(actor)
        )
    return event


def call_add(
    *,
    actor: Actor,
    incident: Incident,
    direction: str,
    counterpart: str,
    summary: str,
    called_at: datetime | None = None,
):
    """A telephone call on the timeline (in or out, with whom, what was said). A desk call is a first response."""
    require(actor, "incident.work")
    require_case_access(actor, incident)
    if direction not in CALL_DIRECTIONS:
        raise InvalidInput("通話の種類は in（着信）/ out（発信）のいずれかです。", field="direction")
    counterpart = (counterpart or "").strip()
    summary = (summary or "").strip()
    if not counterpart:
        raise InvalidInput("通話の相手を入力してください。", field="counterpart")
    if not summary or len(summary) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"通話の要旨を{MAX_NOTE_LENGTH}文字以内で入力してください。", field="summary")
    now = timezone.now()
    if called_at is not None and called_at > now:
        raise InvalidInput("通話日時に未来の日時は指定できません。", field="called_at")
    with transaction.atomic():
        event = timeline_add(
            incident,
            kind=TimelineKind.CALL,
            actor=actor,
            at=called_at or now,
            text=f"{CALL_DIRECTIONS[direction]}（相手: {counterpart[:100]}）\n{summary}",
            data={"direction": direction},
        )
        incident_mark_first_response(incident, actor)
        audit_record(
            action="incident.call_added", target=incident, data={"event": event.pk}, **audit_actor(actor)
        )
    return event
