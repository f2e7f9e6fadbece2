"""Template filters of the enrolment pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def exact_amount(value) -> str:
    """An exact decimal amount of the premium breakdown with separators and no trailing zeros: 193,190.4."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def factor(value) -> str:
    """A rating factor without trailing zeros: 1.50 → 1.5, 1.0 → 1."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _actor(context):
    request = context.get("request")
    return getattr(request, "actor", None) if request is not None else None


@register.simple_tag(takes_context=True)
def enrolment_provider_panel(context):
    """For a provider's dashboard: the policy in force now and the next enrolment step (None for other kinds)."""
    from django.utils import timezone

    from sonae.enrolment import selectors
    from sonae.enrolment.models import Application, Quote

    actor = _actor(context)
    if not actor or actor.kind != "provider" or not actor.may("enrolment.quote.view"):
        return None
    now = timezone.now()
    application = (
        selectors.applications_for(actor)
        .filter(policy__isnull=True)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )
    quote = selectors.quotes_for(actor).filter(status=Quote.Status.ISSUED).first()
    if application is not None:
        if application.status in (Application.Status.DRAFT, Application.Status.RETURNED):
            step = ("加入依頼書を記入・提出してください", "enrolment:application_detail", application.pk)
        elif application.payment_status in ("unpaid", "partial"):
            step = ("保険料をお振込みください", "enrolment:application_detail", application.pk)
        else:
            step = ("取扱代理店が確認しています", "enrolment:application_detail", application.pk)
        deadline = application.deadline
    elif quote is not None:
        step, deadline = (
            ("見積から加入依頼書へ進んでください", "enrolment:quote_detail", quote.pk),
            quote.valid_until,
        )
    else:
        step, deadline = None, None
    return {
        "in_force": selectors.policy_in_force(actor.organisation, now),
        "step": step,
        "deadline": deadline,
    }


@register.simple_tag(takes_context=True)
def enrolment_agency_panel(context):
    """For the agency's dashboard: overdue and at-risk items, applications awaiting review, unmatched deposits."""
    from django.utils import timezone

    from sonae.enrolment import selectors, stats
    from sonae.enrolment.models import Application, Deposit

    actor = _actor(context)
    if not actor or not actor.may("enrolment.backoffice.view"):
        return None
    now = timezone.now()
    year = stats.default_year(now)
    funnel = stats.funnel(actor, year, at=now) if year and year.terms else None
    review = selectors.applications_for(actor).filter(status=Application.Status.SUBMITTED)
    return {
        "year": year,
        "overdue": funnel.overdue[:5] if funnel else [],
        "overdue_count": len(funnel.overdue) if funnel else 0,
        "at_risk": funnel.at_risk[:5] if funnel else [],
        "at_risk_count": len(funnel.at_risk) if funnel else 0,
        "review": list(review[:5]),
        "review_count": review.count(),
        "unmatched_count": selectors.deposits_for(actor).filter(status=Deposit.Status.UNMATCHED).count(),
    }
