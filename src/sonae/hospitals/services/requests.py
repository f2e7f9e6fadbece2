"""The hospital's yearly request to its contractors to update the MHLW vendor checklist, and its reminders.

MHLW's checklist (insurance-and-sector.md §5.2) is sent by the hospital to each vendor once a year; here one click
asks every accepted contractor (in-app notification and e-mail). A contractor has answered when it has saved a
checklist since the request and shares it with this hospital. Reminders go weekly, at most ``MAX_REMINDERS``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput
from sonae.core.models import OrganisationKind
from sonae.jp.calendar import tokyo_date
from sonae.jp.wareki import format_date_ja

from ..models import ChecklistRequest, ChecklistRequestRecipient, LinkStatus
from ..rules import checklist_due_clean, fiscal_year_of, reminder_due
from ..selectors import contractor_links_for
from .common import audit_actor, notify_organisation, require, url_of

DEFAULT_MESSAGE = (
    "厚生労働省「医療機関におけるサイバーセキュリティ対策チェックリスト」（事業者確認用）の今年度の回答をお願いします。"
    "Sonaeのセルフチェック「事業者向けチェックリスト」で回答し、当院への共有を有効にしてください。"
    "「いいえ」の項目には今年度中の対応目標日をご記入ください。"
)


def _request_text(request: ChecklistRequest) -> str:
    return f"{request.message}\n回答期限: {format_date_ja(request.due_date)}"


def checklist_request_send(*, actor: Actor, due_date: date | None, message: str = "") -> ChecklistRequest:
    """Ask every accepted contractor at once to update the checklist this fiscal year (one request a year)."""
    require(actor, "hospitals.checklist_request.send", OrganisationKind.HOSPITAL)
    now = timezone.now()
    today = tokyo_date(now)
    due_date = checklist_due_clean(due_date, today)
    message = (message or "").strip()[:2000] or DEFAULT_MESSAGE
    links = list(contractor_links_for(actor))
    if not links:
        raise InvalidInput("承認済みの委託先がないため、依頼を送れません。")
    try:
        with transaction.atomic():
            request = ChecklistRequest.objects.create(
                hospital=actor.organisation,
                fiscal_year=fiscal_year_of(today),
                due_date=due_date,
                message=message,
                created_by=actor.user,
                created_at=now,
            )
            for link in links:
                ChecklistRequestRecipient.objects.create(request=request, link=link, notified_at=now)
                notify_organisation(
                    link.provider,
                    title=f"{actor.organisation.name} からチェックリストの更新依頼が届きました",
                    body=_request_text(request),
                    url=url_of("selfcheck:vendor_checklist_new") or url_of("hospitals:links"),
                )
            audit_record(
                action="hospitals.checklist_requested",
                target=request,
                data={"fiscal_year": request.fiscal_year, "recipients": [link.provider_id for link in links]},
                **audit_actor(actor),
            )
    except IntegrityError:
        raise InvalidInput(
            f"{fiscal_year_of(today)}年度の更新依頼はすでに送信済みです。未回答の委託先には自動で督促されます。"
        ) from None
    return request


def recipient_answered(recipient: ChecklistRequestRecipient) -> bool:
    """A checklist saved since the request, shared with the requesting hospital."""
    from sonae.selfcheck.models import VendorChecklist

    link = recipient.link
    if not link.share_checklist:
        return False
    return VendorChecklist.objects.filter(
        organisation_id=link.provider_id, created_at__gte=recipient.request.created_at
    ).exists()


def checklist_reminders_send(*, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Record answers and remind contractors that have not answered, a week after the request or the last
    reminder. Idempotent within the week. Returns a JSON-able summary."""
    now = now or timezone.now()
    summary = {
        "date": tokyo_date(now).isoformat(),
        "sent": 0,
        "completed": 0,
        "dry_run": dry_run,
        "items": [],
    }
    pending = (
        ChecklistRequestRecipient.objects.filter(completed_at__isnull=True, link__status=LinkStatus.ACCEPTED)
        .select_related("request__hospital", "link__provider")
        .order_by("request_id", "id")
    )
    for recipient in pending:
        request = recipient.request
        item = {"hospital": request.hospital.code, "provider": recipient.link.provider.code}
        if recipient_answered(recipient):
            summary["completed"] += 1
            summary["items"].append({**item, "action": "completed"})
            if not dry_run:
                ChecklistRequestRecipient.objects.filter(pk=recipient.pk).update(completed_at=now)
            continue
        if not reminder_due(
            notified_at=recipient.notified_at,
            reminded_at=recipient.reminded_at,
            reminder_count=recipient.reminder_count,
            now=now,
        ):
            continue
        summary["sent"] += 1
        summary["items"].append({**item, "action": "reminded", "reminder": recipient.reminder_count + 1})
        if dry_run:
            continue
        with transaction.atomic():
            locked = ChecklistRequestRecipient.objects.select_for_update().get(pk=recipient.pk)
            if locked.reminder_count != recipient.reminder_count:
                continue  # another run reminded it meanwhile
            locked.reminded_at = now
            locked.reminder_count += 1
            locked.save(update_fields=["reminded_at", "reminder_count"])
            overdue = tokyo_date(now) > request.due_date
            notify_organisation(
                recipient.link.provider,
                title=f"【{'期限超過' if overdue else '再送'}】{request.hospital.name} からのチェックリスト更新依頼",
                body=_request_text(request),
                url=url_of("selfcheck:vendor_checklist_new") or url_of("hospitals:links"),
            )
            audit_record(
                action="hospitals.checklist_reminded",
                target=locked,
                data={"reminder": locked.reminder_count},
            )
    return summary
