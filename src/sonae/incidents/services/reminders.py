"""Reminders to task owners one business day before a task is due (issue 4 point 9)."""

from __future__ import annotations

from datetime import datetime

from sonae.core.models import Membership
from sonae.incidents.models import Task
from sonae.incidents.models.work import ACTIVE_TASK_STATUSES
from sonae.jp.calendar import tokyo_date
from sonae.jp.wareki import format_date_ja

from .common import case_url, sla_policy_at
from .notify import notify_users


def reminder_day(due, calendar):
    """The day a reminder goes out: the last business day before the due date."""
    return calendar.previous_business_day(due)


def task_reminders_send(*, now: datetime) -> int:
    """Remind the owners of open tasks whose reminder day (one business day before due) has come and whose due
    date has not passed; each due date is reminded once, even when several schedulers run at the same time.

    The owner is the task's person, or the staff and admins of its organisation when no person is named; vendor
    tasks are followed up by the desk and not reminded here. Returns how many tasks were reminded.
    """
    today = tokyo_date(now)
    calendar = sla_policy_at(now).calendar
    candidates = (
        Task.objects.filter(status__in=ACTIVE_TASK_STATUSES, due_date__gte=today, owner_vendor=None)
        .exclude(owner_user=None, owner_organisation=None)
        .select_related("incident", "owner_user", "owner_organisation")
        .order_by("due_date", "pk")
    )
    reminded = 0
    for task in candidates:
        if task.reminded_for == task.due_date or today < reminder_day(task.due_date, calendar):
            continue
        # Claim the reminder with a conditional update: of concurrent runs only one sees a row change.
        claimed = (
            Task.objects.filter(pk=task.pk, due_date=task.due_date)
            .exclude(reminded_for=task.due_date)
            .update(reminded_for=task.due_date)
        )
        if not claimed:
            continue
        if task.owner_user is not None:
            users = [task.owner_user]
        else:
            users = [
                m.user
                for m in Membership.objects.filter(
                    organisation=task.owner_organisation, role__in=("admin", "staff"), user__is_active=True
                ).select_related("user")
            ]
        notify_users(
            users,
            title=f"タスクの期限が近づいています（{format_date_ja(task.due_date)}）: {task.title}",
            body=f"{task.incident.reference} {task.incident.title}\n期限: {format_date_ja(task.due_date, weekday=True)}",
            url=case_url(task.incident, "tasks"),
            organisation=task.owner_organisation,
        )
        reminded += 1
    return reminded
