"""The events other apps emit, one function each: who receives them and what the payload holds.

Apps call these inside the transaction of the change (``from sonae.webhooks import emitters as webhooks`` then
``webhooks.incident_created(incident)``). Objects are read by attribute only, so this module imports no app
above ``core`` and apps below cannot form an import cycle through it.

Recipients: the incident's provider always; for notice events also the hospital addressed; for claim events also
the programme's insurer organisations; for task events also the organisation the task is assigned to.
Payloads hold references, codes, statuses and dates only — never victims', callers' or patients' personal data,
nor free text a user typed (titles and descriptions may contain it).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from sonae.core.models import Organisation, OrganisationKind

from .models import WebhookEndpoint
from .services import emit


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def incident_ref(incident) -> dict:
    """The reference part of every incident-related payload."""
    return {
        "reference": incident.reference,
        "provider": incident.provider.code,
        "status": incident.status,
        "category": incident.category,
        "severity": incident.severity,
    }


def incident_created(incident) -> None:
    """A new incident was received (any channel)."""
    emit(
        "incident.created",
        organisation=incident.provider,
        payload={
            "incident": incident_ref(incident),
            "channel": incident.channel,
            "received_at": _iso(incident.received_at),
            "first_response_due": _iso(incident.first_response_due),
        },
    )


def incident_status_changed(incident, *, from_status: str) -> None:
    """The case moved from ``from_status`` to ``incident.status``."""
    if from_status == incident.status:
        return
    emit(
        "incident.status_changed",
        organisation=incident.provider,
        payload={"incident": incident_ref(incident), "from": from_status, "to": incident.status},
    )


def task_assigned(task) -> None:
    """A task got an owner (organisation and/or person); nothing when it has none."""
    if task.owner_organisation_id is None and task.owner_user_id is None:
        return
    incident = task.incident
    emit(
        "task.assigned",
        organisations=[incident.provider, task.owner_organisation],
        payload={
            "incident": incident_ref(incident),
            "task": {
                "id": task.pk,
                "phase": task.phase,
                "status": task.status,
                "coverage_item": task.coverage_item,
                "due_date": _iso(task.due_date),
                "owner_organisation": task.owner_organisation.code if task.owner_organisation_id else None,
                "owner_person_assigned": task.owner_user_id is not None,
            },
        },
    )


def notice_acknowledged(notice) -> None:
    """The addressed hospital confirmed receipt of a notice."""
    incident = notice.incident
    emit(
        "notice.acknowledged",
        organisations=[incident.provider, notice.hospital],
        payload={
            "incident": incident_ref(incident),
            "notice": {
                "id": notice.pk,
                "hospital": notice.hospital.code if notice.hospital_id else None,
                "sent_at": _iso(notice.sent_at),
                "acknowledged_at": _iso(notice.acknowledged_at),
            },
        },
    )


def _insurers() -> list[Organisation]:
    # The programme has one underwriting insurer; every active insurer organisation is "the insurer concerned".
    return list(Organisation.objects.filter(kind=OrganisationKind.INSURER, is_active=True))


def claim_status_changed(claim, *, from_status: str) -> None:
    """A claim moved from ``from_status`` to ``claim.status`` (submitted, decided, paid, …)."""
    if from_status == claim.status:
        return
    incident = claim.incident
    emit(
        "claim.status_changed",
        organisations=[incident.provider, *_insurers()],
        payload={
            "incident": incident_ref(incident),
            "claim": {"number": claim.number, "from": from_status, "to": claim.status},
        },
    )


def _duty(item) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "due_date": _iso(item.due_date),
        "due_type": item.due_type,
    }


def duty_due_soon(item, *, on_day: bool) -> None:
    """A legal duty's date is the next business day (``on_day=False``) or today (``on_day=True``)."""
    emit(
        "duty.due_soon",
        organisation=item.incident.provider,
        payload={
            "incident": incident_ref(item.incident),
            "duty": _duty(item),
            "reminder": "on_day" if on_day else "day_before",
        },
    )


def duty_overdue(item) -> None:
    """A required duty passed its date without a done-mark: emitted once per duty and due date."""
    emit(
        "duty.overdue",
        organisation=item.incident.provider,
        payload={"incident": incident_ref(item.incident), "duty": _duty(item)},
        once_key=f"duty.overdue:{item.pk}:{_iso(item.due_date)}",
    )


def duties_overdue_sweep(*, now: datetime | None = None) -> int:
    """Emit ``duty.overdue`` for every required, not-done duty whose date has passed (each once per date).

    Lives here until the duties app's reminders take it over (its reminder run covers dates not yet passed only).
    Returns how many duties were looked at.
    """
    from sonae.duties.models import INFORMATIONAL_KINDS, DutyItem
    from sonae.jp.calendar import tokyo_date

    today = tokyo_date(now or timezone.now())
    overdue = (
        DutyItem.objects.filter(required=True, done_at__isnull=True, due_date__lt=today)
        .exclude(kind__in=INFORMATIONAL_KINDS)
        # Only providers with an active endpoint: the once-marks are not spent on organisations that listen to
        # nothing, so a duty still overdue when an endpoint is added is reported then.
        .filter(incident__provider__in=WebhookEndpoint.objects.filter(is_active=True).values("organisation"))
        .select_related("incident__provider")
        .order_by("due_date", "pk")
    )
    count = 0
    for item in overdue.iterator(chunk_size=500):
        duty_overdue(item)
        count += 1
    return count
