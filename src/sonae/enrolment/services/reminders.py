"""Reminder e-mails before each deadline to those who have not taken the next step.

Steps and who is reminded (days before each deadline from the year's ``reminders.days_before``, e.g. 7 and 1):
- ``quote``: eligible businesses with a Sonae organisation and no quote for the year, before the quote deadline;
- ``application``: issued quotes not yet taken to an application, or forms still draft/returned, before the
  quote's application deadline (main enrolment or the mid-term month's 20th);
- ``payment``: submitted or accepted applications not fully paid, before the same deadline.
A reminder already sent (same year, organisation, step, deadline and day) is not sent again.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from sonae.core.audit import audit_record
from sonae.core.models import Membership, Organisation, Role
from sonae.jp.calendar import tokyo_date
from sonae.jp.wareki import format_date_ja
from sonae.programme.models import ProgrammeYear
from sonae.programme.selectors import terms_for

from ..models import Application, Quote, ReminderLog, RosterEntry
from .common import now_or

STEP_TEXT = {
    "quote": ("お見積りシートのご提出期限", "お見積りシート（見積依頼）"),
    "application": ("加入依頼書のご提出期限", "加入依頼書"),
    "payment": ("保険料のお払込期限", "保険料のお払込み"),
}


def _recipients(organisation: Organisation) -> list[str]:
    emails = list(
        Membership.objects.filter(
            organisation=organisation, role__in=[Role.ADMIN, Role.STAFF], user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not emails and organisation.email:
        emails = [organisation.email]
    return sorted(set(emails))


def _due(year: ProgrammeYear, today) -> list[tuple[str, Organisation, object, int]]:
    """(step, organisation, deadline, days_before) for everything due a reminder today."""
    terms = terms_for(year)
    days = set(terms.reminder_days)
    due: list = []
    left = (terms.quote_deadline - today).days
    if left in days:
        quoted = set(Quote.objects.filter(programme_year=year).values_list("organisation_id", flat=True))
        day = tokyo_date(terms.period_start)
        entries = (
            RosterEntry.objects.filter(
                organisation__isnull=False,
                organisation__is_active=True,
                certifications__certified_from__lte=day,
                certifications__valid_until__gte=day,
            )
            .select_related("organisation")
            .distinct()
        )
        due += [
            ("quote", e.organisation, terms.quote_deadline, left)
            for e in entries
            if e.organisation_id not in quoted
        ]
    for quote in Quote.objects.filter(programme_year=year, status=Quote.Status.ISSUED).select_related(
        "organisation"
    ):
        left = (quote.application_deadline - today).days
        if left in days:
            due.append(("application", quote.organisation, quote.application_deadline, left))
    open_apps = (
        Application.objects.filter(programme_year=year, policy__isnull=True)
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("quote", "organisation")
        .prefetch_related("deposits")  # payment_status reads them: one query, not one per application
    )
    for app in open_apps:
        left = (app.deadline - today).days
        if left not in days:
            continue
        if app.status in (Application.Status.DRAFT, Application.Status.RETURNED):
            due.append(("application", app.organisation, app.deadline, left))
        if app.payment_status in ("unpaid", "partial"):
            due.append(("payment", app.organisation, app.deadline, left))
    return due


def reminders_send(*, at: datetime | None = None, dry_run: bool = False) -> dict:
    """Send today's reminders (Tokyo date of ``at``). Returns a summary {"date", "sent", "skipped", "items"}."""
    instant = now_or(at)
    today = tokyo_date(instant)
    items, sent, skipped = [], 0, 0
    for year in ProgrammeYear.objects.exclude(terms={}).filter(period_end__gt=instant):
        seen = set()
        for step, organisation, deadline, left in _due(year, today):
            key = (step, organisation.pk, deadline, left)
            if key in seen:
                continue
            seen.add(key)
            recipients = _recipients(organisation)
            item = {
                "year": year.code,
                "step": step,
                "organisation": organisation.code,
                "deadline": deadline.isoformat(),
                "days_before": left,
                "recipients": len(recipients),
            }
            if dry_run:
                items.append(item)
                continue
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        programme_year=year,
                        organisation=organisation,
                        step=step,
                        deadline=deadline,
                        days_before=left,
                        sent_at=instant,
                        recipients=len(recipients),
                    )
                    audit_record(
                        action="enrolment.reminder_sent",
                        organisation=organisation,
                        target=("enrolment.reminder", f"{year.code}:{step}:{deadline}:{left}"),
                        data={"step": step, "recipients": len(recipients)},
                    )
                    transaction.on_commit(
                        lambda o=organisation, s=step, d=deadline, n=left, r=recipients, y=year: _send(
                            o, s, d, n, r, y
                        )
                    )
            except IntegrityError:
                skipped += 1
                continue
            sent += 1
            items.append(item)
    return {"date": today.isoformat(), "sent": sent, "skipped": skipped, "dry_run": dry_run, "items": items}


def _send(organisation, step, deadline, days_before, recipients, year) -> None:
    if not recipients:
        return
    title, what = STEP_TEXT[step]
    when = "明日" if days_before == 1 else ("本日" if days_before == 0 else f"{days_before}日後")
    body = (
        f"{organisation.name} ご担当者様\n\n"
        f"{year.name}の{what}の期限は{format_date_ja(deadline)}（{when}）です。\n"
        "まだお手続きが済んでいないため、ご案内いたします。Sonae からお手続きください。\n"
        f"{settings.SONAE_SITE_URL}/enrolment/\n\n"
        "期限を過ぎると、この保険期間の開始日からの加入ができなくなる場合があります。\n"
        "ご不明な点は取扱代理店までお問い合わせください。\n"
    )
    send_mail(
        f"【Sonae】{title}のご案内（{format_date_ja(deadline)}）", body, None, recipients, fail_silently=False
    )
