"""Assessment versions, the duties and tasks they give rise to, and done-marks.

Each service takes the actor, checks the action (``policy``) and the case (the provider on its own case, the desk
on any), runs in one transaction with its audit row and timeline event, and uses the incident desk's services for
the case's tasks (``task_create``, ``task_update``), so tasks behave exactly like the desk's own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import assess, assessment_to_dict, parse_facts
from sonae.incidents import selectors as incident_selectors
from sonae.incidents import services as incident_services
from sonae.incidents.models import Incident, Phase, Task, TaskStatus, TimelineKind
from sonae.incidents.services.common import audit_actor, timeline_add
from sonae.jp.wareki import format_date_ja, format_datetime_ja

from ..checklist import checklist_lines
from ..diff import diff_context, diff_facts, diff_results
from ..labels import basis_label
from ..models import (
    STATUS_TRANSITIONS,
    AssessmentStatus,
    DutyAssessment,
    DutyItem,
    DutyKind,
)
from ..prefill import incident_changes, instant_text, normalised_facts
from ..specs import DEADLINE, PROMPTLY, duty_specs

CLOCK_TOLERANCE = timedelta(minutes=5)
MAX_REFERENCE_LENGTH = 100
MAX_NOTE_LENGTH = 500

# Task title and the coverage item its costs fall under (programme/coverage_items.py).
TASK_TITLES: dict[str, tuple[str, str]] = {
    DutyKind.PPC_PRELIMINARY: ("個人情報保護委員会への速報（法的対応）", "regulatory"),
    DutyKind.PPC_FINAL: ("個人情報保護委員会への確報（法的対応）", "regulatory"),
    DutyKind.ENTRUSTING_PARTY_NOTICE: ("委託元への通知（法的対応）", ""),
    DutyKind.INDIVIDUAL_NOTICE: ("本人への通知（法的対応）", "apology_letter"),
    DutyKind.MY_NUMBER_PRELIMINARY: ("マイナンバー法の速報（法的対応）", "regulatory"),
    DutyKind.MY_NUMBER_FINAL: ("マイナンバー法の確報（法的対応）", "regulatory"),
    DutyKind.MY_NUMBER_INDIVIDUAL_NOTICE: ("マイナンバー法による本人への通知（法的対応）", "apology_letter"),
}


def require_case(actor: Actor, action: str, incident: Incident) -> None:
    """The action is allowed for the actor's kind and role, and the case is its own (provider) or any (desk)."""
    if actor is None or not actor.may(action) or not incident_selectors.may_work_on(actor, incident):
        raise PermissionDenied()


def _actor_label(actor: Actor) -> str:
    if actor.user is not None:
        return f"{actor.user}（{actor.organisation.name}）"
    return f"APIトークン（{actor.organisation.name}）"


# --- assessments -----------------------------------------------------------------------------------------------


def _check_entrusting_party(hospital: Organisation | None, name: str) -> str:
    if hospital is not None and hospital.kind != OrganisationKind.HOSPITAL:
        raise InvalidInput("委託元には医療機関を選んでください。", field="entrusting_hospital")
    name = (name or "").strip()
    if len(name) > 200:
        raise InvalidInput("委託元の名称は200文字以内で入力してください。", field="entrusting_party_name")
    return name


def assessment_transition(
    *, actor: Actor | None, assessment: DutyAssessment, to_status: str
) -> DutyAssessment:
    """Move an assessment along ``STATUS_TRANSITIONS`` (confirm the latest; a new version supersedes it).

    A person confirms (``confirmed``) through this service; ``superseded`` is set by ``assessment_create`` only.
    """
    if to_status == AssessmentStatus.CONFIRMED:
        require_case(actor, "duties.assess", assessment.incident)
    with transaction.atomic():
        assessment = DutyAssessment.objects.select_for_update().get(pk=assessment.pk)
        if to_status not in STATUS_TRANSITIONS.get(assessment.status, frozenset()):
            raise IllegalTransition(
                f"「{assessment.get_status_display()}」の判定を「{AssessmentStatus(to_status).label}」にはできません。"
            )
        assessment.status = to_status
        assessment.status_changed_by = actor.user if actor is not None else None
        assessment.status_changed_at = timezone.now()
        assessment.save(update_fields=["status", "status_changed_by", "status_changed_at", "updated_at"])
        if to_status == AssessmentStatus.CONFIRMED:
            timeline_add(
                assessment.incident,
                kind=TimelineKind.DECISION,
                actor=actor,
                text=f"法的対応の判定（第{assessment.version}版）の内容を確認しました。",
                data={"duty_assessment": assessment.pk},
            )
        audit_record(
            action="duties.assessment_transition",
            target=assessment,
            data={"to": to_status, "version": assessment.version},
            **audit_actor(actor),
        )
    return assessment


def latest_assessment(incident: Incident) -> DutyAssessment | None:
    """The case's latest version (for services; pages and the API read through ``selectors``)."""
    return DutyAssessment.objects.filter(incident=incident).order_by("-version").first()


def assessment_create(
    *,
    actor: Actor,
    incident: Incident,
    facts: dict,
    entrusting_hospital: Organisation | None = None,
    entrusting_party_name: str = "",
    note: str = "",
) -> DutyAssessment:
    """Assess the facts and store them as the case's next version, with its duties, tasks and timeline event.

    ``facts`` is the contract's input (``duties-contract.md``); invalid facts raise ``InvalidInput`` naming the
    field in Japanese. When neither the facts, the result nor the entrusting party changed, no version is made
    and the latest is returned. Each due date becomes a task on the case (one per duty); a duty that a new
    version no longer requires has its open task cancelled.
    """
    require_case(actor, "duties.assess", incident)
    parsed = parse_facts(facts)
    normalised = normalised_facts(parsed)
    result = assessment_to_dict(assess(parsed))
    name = _check_entrusting_party(entrusting_hospital, entrusting_party_name)
    note = (note or "").strip()[:MAX_NOTE_LENGTH]
    with transaction.atomic():
        # Lock the case so that two submissions draw consecutive version numbers.
        incident = (
            Incident.objects.select_for_update(of=("self",)).select_related("provider").get(pk=incident.pk)
        )
        previous = latest_assessment(incident)
        hospital_id = entrusting_hospital.pk if entrusting_hospital is not None else None
        if (
            previous is not None
            and previous.facts == normalised
            and previous.result == result
            and previous.entrusting_hospital_id == hospital_id
            and previous.entrusting_party_name == name
        ):
            return previous
        assessment = DutyAssessment.objects.create(
            incident=incident,
            version=(previous.version + 1) if previous else 1,
            facts=normalised,
            result=result,
            entrusting_hospital=entrusting_hospital,
            entrusting_party_name=name,
            note=note,
            created_by=actor.user,
            created_by_label=_actor_label(actor),
        )
        changed: list[str] = []
        if previous is not None:
            if previous.is_latest:
                assessment_transition(actor=actor, assessment=previous, to_status=AssessmentStatus.SUPERSEDED)
            rows = (
                diff_facts(previous.facts, normalised)
                + diff_context(previous.entrusting_party_display, assessment.entrusting_party_display)
                + diff_results(previous.result, result)
            )
            changed = [row.field for row in rows]
        _sync_items(actor=actor, incident=incident, assessment=assessment)
        lines = checklist_lines(result, normalised, assessment.entrusting_party_display)
        summary = "\n".join(f"・{line.text}" for line in lines)
        timeline_add(
            incident,
            kind=TimelineKind.DECISION,
            actor=actor,
            text=f"法的対応を判定しました（第{assessment.version}版）。\n{summary}",
            data={"duty_assessment": assessment.pk, "version": assessment.version},
        )
        audit_record(
            action="duties.assessment_created",
            target=assessment,
            data={"incident": incident.reference, "version": assessment.version, "changed": changed},
            **audit_actor(actor),
        )
    return assessment


def assessment_refresh(*, actor: Actor, incident: Incident) -> DutyAssessment | None:
    """Re-assess with what the incident now records (data at risk, persons, whose data, discovery, cause, a notice
    sent to the hospital) over the latest version's facts. Returns the new version, the latest when nothing
    changed, or None when the case has no assessment yet (the first one is made on the 法的対応 tab).

    For the incident desk to call after its facts or triage change (DESIGN §4: each change of the known facts
    re-runs the engine); the page offers it too.
    """
    require_case(actor, "duties.assess", incident)
    latest = latest_assessment(incident)
    if latest is None:
        return None
    changes = incident_changes(incident, latest.facts)
    if not changes:
        return latest
    hospital, name = latest.entrusting_hospital, latest.entrusting_party_name
    if incident.entrusting_hospital_id or incident.entrusting_party_name:
        hospital, name = incident.entrusting_hospital, incident.entrusting_party_name
    return assessment_create(
        actor=actor,
        incident=incident,
        facts={**latest.facts, **changes},
        entrusting_hospital=hospital,
        entrusting_party_name=name,
        note="案件の事実の更新を反映",
    )


# --- duties and their tasks --------------------------------------------------------------------------------------


def _task_description(item: DutyItem) -> str:
    if item.due_type == PROMPTLY or item.due_date is None:
        when = "速やかに行います。"
    elif item.due_type == DEADLINE:
        when = f"期限は{format_date_ja(item.due_date, weekday=True)}です。"
    else:
        when = f"目安は{format_date_ja(item.due_date, weekday=True)}です。"
    rules = "、".join(basis_label(b)[0] for b in item.basis)
    return (
        f"{item.get_kind_display()}を{when}根拠: {rules}。"
        "実施したら「法的対応」タブで実施日時（と受付番号）を記録してください。"
    )


def _ensure_task(actor: Actor, item: DutyItem) -> None:
    title, coverage = TASK_TITLES[item.kind]
    description = _task_description(item)
    task = Task.objects.filter(pk=item.task_id).first() if item.task_id else None
    if task is None:
        item.task = incident_services.task_create(
            actor=actor,
            incident=item.incident,
            title=title,
            description=description,
            owner_organisation=item.incident.provider,
            due_date=item.due_date,
            coverage_item=coverage,
            phase=Phase.AUTHORITIES,
        )
        return
    if task.status == TaskStatus.DONE:
        return  # closed by hand on the tasks tab: the duty's own done-mark is what counts here
    wanted_status = TaskStatus.OPEN if task.status == TaskStatus.CANCELLED else None
    if task.due_date != item.due_date or task.description != description or wanted_status:
        incident_services.task_update(
            actor=actor, task=task, due_date=item.due_date, description=description, status=wanted_status
        )


def _close_task(actor: Actor, item: DutyItem, status: str) -> None:
    task = Task.objects.filter(pk=item.task_id).first() if item.task_id else None
    if task is not None and task.is_active:
        incident_services.task_update(actor=actor, task=task, status=status)


def _sync_items(*, actor: Actor, incident: Incident, assessment: DutyAssessment) -> None:
    """Bring the case's ``DutyItem`` rows (and their tasks) in line with ``assessment``."""
    items = {item.kind: item for item in DutyItem.objects.select_for_update().filter(incident=incident)}
    notified_at = assessment.facts.get("entrusting_party_notified_at")
    for spec in duty_specs(assessment.result):
        item = items.get(spec.kind)
        if item is None and not spec.required:
            continue
        if item is None:
            item = DutyItem(incident=incident, kind=spec.kind)
        item.incident = incident
        item.assessment = assessment
        item.required = spec.required
        if spec.required:
            # A duty no longer required keeps the date and rules it had, next to its done-mark.
            item.due_date, item.due_type, item.basis = spec.due_date, spec.due_type, list(spec.basis)
        if spec.kind == DutyKind.ENTRUSTING_PARTY_NOTICE and notified_at and not item.is_done:
            # The facts say the notice was given: that is its done-mark (R5 counts from it).
            item.done_at = datetime.fromisoformat(notified_at)
            item.done_by = actor.user
            item.done_by_label = "判定の事実（委託元へ通知した日時）から"
        item.save()
        if spec.informational:
            continue
        if spec.required and not item.is_done:
            _ensure_task(actor, item)
            item.save(update_fields=["task", "updated_at"])
        elif item.is_done:
            _close_task(actor, item, TaskStatus.DONE)
        else:
            _close_task(actor, item, TaskStatus.CANCELLED)


def _check_done_at(item: DutyItem, done_at: datetime | None, latest: DutyAssessment | None) -> datetime:
    if done_at is None:
        raise InvalidInput("実施した日時を入力してください。", field="done_at")
    if timezone.is_naive(done_at):
        raise InvalidInput("実施した日時に時差（+09:00 など）がありません。", field="done_at")
    if done_at > timezone.now() + CLOCK_TOLERANCE:
        raise InvalidInput("実施した日時に未来の日時は指定できません。", field="done_at")
    discovered = latest.facts.get("discovered_at") if latest is not None else None
    if discovered and done_at < datetime.fromisoformat(discovered):
        raise InvalidInput(
            f"実施した日時が発覚日時（{format_datetime_ja(datetime.fromisoformat(discovered))}）より前になっています。",
            field="done_at",
        )
    return done_at


def duty_mark_done(
    *, actor: Actor, item: DutyItem, done_at: datetime | None, reference: str = ""
) -> DutyItem:
    """Record when a report or notice was actually made (and the PPC filing's reception number, if any).

    Marking again corrects the record. The case's task for the duty is closed. For the notice to the entrusting
    party, the notice time also becomes a fact: a new assessment version is made with it (a timely notice
    releases a contractor from its own report and individual notice, R5).
    """
    require_case(actor, "duties.mark_done", item.incident)
    if item.informational:
        raise InvalidInput("参考として表示している委託元の対応には、実施を記録できません。", field="kind")
    reference = (reference or "").strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise InvalidInput(
            f"受付番号等は{MAX_REFERENCE_LENGTH}文字以内で入力してください。", field="reference_number"
        )
    with transaction.atomic():
        item = DutyItem.objects.select_for_update(of=("self",)).select_related("incident").get(pk=item.pk)
        latest = latest_assessment(item.incident)
        done_at = _check_done_at(item, done_at, latest)
        correcting = item.is_done
        item.done_at = done_at
        item.done_by = actor.user
        item.done_by_label = _actor_label(actor)
        item.reference_number = reference
        item.save(update_fields=["done_at", "done_by", "done_by_label", "reference_number", "updated_at"])
        _close_task(actor, item, TaskStatus.DONE)
        text = f"{item.get_kind_display()}を{format_datetime_ja(done_at)}に実施したと記録しました。"
        if correcting:
            text = f"{item.get_kind_display()}の実施の記録を訂正しました（{format_datetime_ja(done_at)}）。"
        if reference:
            text += f"受付番号等: {reference}"
        kind = TimelineKind.NOTICE if item.kind == DutyKind.ENTRUSTING_PARTY_NOTICE else TimelineKind.DOCUMENT
        timeline_add(item.incident, kind=kind, actor=actor, text=text, data={"duty_item": item.pk})
        audit_record(
            action="duties.item_done",
            target=item,
            data={"kind": item.kind, "done_at": done_at.isoformat(), "corrected": correcting},
            **audit_actor(actor),
        )
        if (
            item.kind == DutyKind.ENTRUSTING_PARTY_NOTICE
            and latest is not None
            and latest.facts.get("role") == "contractor"
            and latest.facts.get("entrusting_party_notified_at") != instant_text(done_at)
        ):
            assessment_create(
                actor=actor,
                incident=item.incident,
                facts={**latest.facts, "entrusting_party_notified_at": instant_text(done_at)},
                entrusting_hospital=latest.entrusting_hospital,
                entrusting_party_name=latest.entrusting_party_name,
                note="委託元への通知の実施を記録",
            )
            item.refresh_from_db()
    return item


def duty_mark_undone(*, actor: Actor, item: DutyItem) -> DutyItem:
    """Withdraw a done-mark entered by mistake; the duty's task opens again if the duty is still required."""
    require_case(actor, "duties.mark_done", item.incident)
    with transaction.atomic():
        item = DutyItem.objects.select_for_update(of=("self",)).select_related("incident").get(pk=item.pk)
        if not item.is_done:
            raise IllegalTransition("この義務には実施の記録がありません。")
        item.done_at = None
        item.done_by = None
        item.done_by_label = ""
        item.reference_number = ""
        item.save(update_fields=["done_at", "done_by", "done_by_label", "reference_number", "updated_at"])
        task = Task.objects.filter(pk=item.task_id).first() if item.task_id else None
        if item.required and task is not None and task.status == TaskStatus.DONE:
            incident_services.task_update(actor=actor, task=task, status=TaskStatus.OPEN)
        timeline_add(
            item.incident,
            kind=TimelineKind.DECISION,
            actor=actor,
            text=f"{item.get_kind_display()}の実施の記録を取り消しました。",
            data={"duty_item": item.pk},
        )
        audit_record(action="duties.item_undone", target=item, data={"kind": item.kind}, **audit_actor(actor))
    return item
