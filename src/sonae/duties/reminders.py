"""Reminders of the legal duties' dates: one business day before, and on the day (issue 3 point 4).

The day before is the last day before the due date that is not a closed day of the administrative calendar
(Sat/Sun, holidays, 12/29–1/3): a 速報 target on a Monday is reminded on the Friday before. Each duty's task carries
the claim of the day-before reminder (``Task.reminded_for``, shared with the incident desk's own task reminders,
so the owner never gets it twice); the on-the-day reminder is claimed on the duty (``reminded_on_day_for``).
Claims are conditional updates, so concurrent runs on several machines send each reminder once.
"""

from __future__ import annotations

from datetime import datetime

from sonae.core.models import Membership, Role
from sonae.incidents.models import Task
from sonae.incidents.services.common import case_url
from sonae.incidents.services.notify import notify_users
from sonae.jp.calendar import ADMINISTRATIVE_CALENDAR, tokyo_date
from sonae.jp.wareki import format_date_ja
from sonae.webhooks import emitters as webhooks

from .models import INFORMATIONAL_KINDS, DueType, DutyItem


def reminder_days(due, calendar=ADMINISTRATIVE_CALENDAR) -> tuple:
    """(the day-before reminder's day, the on-the-day reminder's day) for a due date."""
    return calendar.previous_business_day(due), due


def _recipients(item: DutyItem) -> list:
    task = item.task
    if task is not None and task.owner_user is not None and task.owner_user.is_active:
        return [task.owner_user]
    organisation = (task.owner_organisation if task is not None else None) or item.incident.provider
    return [
        m.user
        for m in Membership.objects.filter(
            organisation=organisation, role__in=(Role.ADMIN, Role.STAFF), user__is_active=True
        ).select_related("user")
    ]


def _claim_day_before(item: DutyItem) -> bool:
    if item.task_id is None:
        return False
    return bool(
        Task.objects.filter(pk=item.task_id, due_date=item.due_date)
        .exclude(reminded_for=item.due_date)
        .update(reminded_for=item.due_date)
    )


def _claim_on_day(item: DutyItem) -> bool:
    return bool(
        DutyItem.objects.filter(pk=item.pk, due_date=item.due_date)
        .exclude(reminded_on_day_for=item.due_date)
        .update(reminded_on_day_for=item.due_date)
    )


def _send(item: DutyItem, *, on_day: bool) -> None:
    webhooks.duty_due_soon(item, on_day=on_day)
    due = format_date_ja(item.due_date, weekday=True)
    what = "目安" if item.due_type == DueType.TARGET else "期限"
    if on_day:
        title = f"本日が法的対応の{what}です: {item.get_kind_display()}"
    else:
        title = f"法的対応の{what}が近づいています（{due}）: {item.get_kind_display()}"
    notify_users(
        _recipients(item),
        title=title,
        body=f"{item.incident.reference} {item.incident.title}\n{item.get_kind_display()}：{what} {due}\n"
        "実施したら「法的対応」タブで実施日時を記録してください。",
        url=_duties_url(item),
        organisation=item.incident.provider,
    )


def _duties_url(item: DutyItem) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("duties:case", args=[item.incident.reference])
    except NoReverseMatch:
        return case_url(item.incident, "tasks")


def duty_reminders_send(*, now: datetime) -> int:
    """Send the reminders that are due at ``now``: for every required duty not yet done that has a date, one
    business day before (if not yet sent for this date by anyone) and on the day. Returns how many were sent."""
    today = tokyo_date(now)
    candidates = (
        DutyItem.objects.filter(required=True, done_at__isnull=True, due_date__gte=today)
        .exclude(kind__in=INFORMATIONAL_KINDS)
        .select_related("incident__provider", "task__owner_user", "task__owner_organisation")
        .order_by("due_date", "pk")
    )
    sent = 0
    for item in candidates:
        if item.task is not None and not item.task.is_active:
            continue
        before, on_day = reminder_days(item.due_date)
        if today == on_day:
            # Claim the day before too, so that a late run of the desk's task reminders does not add a second one.
            _claim_day_before(item)
            if item.reminded_on_day_for != item.due_date and _claim_on_day(item):
                _send(item, on_day=True)
                sent += 1
        elif today >= before and _claim_day_before(item):
            _send(item, on_day=False)
            sent += 1
    return sent
