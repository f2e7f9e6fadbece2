"""Playbook seeding: the tasks of a case's playbook whose condition holds."""

from __future__ import annotations

from sonae.core.actors import Actor
from sonae.incidents import sla
from sonae.incidents.models import Incident, PlaybookTemplate, StepCondition, StepOwner, Task, TimelineKind
from sonae.jp.calendar import tokyo_date

from .common import desk_organisation, sla_policy_at, timeline_add


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
