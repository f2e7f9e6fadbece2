"""Quotes (お見積りシート): eligibility, the joining window, the premium of each plan from the rating table."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import DeadlinePassed, IllegalTransition, InvalidInput
from sonae.core.models import Organisation
from sonae.jp.calendar import tokyo_date
from sonae.jp.wareki import format_date_ja
from sonae.programme.joining import window_at
from sonae.programme.models import ProgrammeYear
from sonae.programme.rating import RatingInput, quote_premium
from sonae.programme.selectors import terms_for

from ..models import Quote
from ..selectors import eligibility, security_score_for
from .common import next_number, now_or, require, require_own, user_of


def _count(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{label}は0以上の整数で入力してください。", field=field)
    return value


def quote_create(
    *,
    actor: Actor,
    organisation: Organisation,
    year: ProgrammeYear,
    annual_sales: int,
    records_held: int,
    employees: int,
    plans: list[str],
    business_codes: list[str] | None = None,
    security_score: int | None = None,
    incidents_5y: int = 0,
    company_name: str = "",
    company_kana: str = "",
    address: str = "",
    at: datetime | None = None,
) -> Quote:
    """Issue a quote for a provider (by itself, or by the agency on its behalf).

    The joining window comes from the year's rules at the moment of quoting (main enrolment until the quote
    deadline, then mid-term joining); eligibility is judged on the cover start date. The security score comes from
    the self-check when there is one, else from ``security_score`` as entered. Raises NotEligible, DeadlinePassed,
    InvalidInput, PermissionDenied.
    """
    require(actor, "enrolment.quote.create")
    require_own(actor, organisation.pk)
    if organisation.kind != "provider":
        raise InvalidInput("見積は医療関連サービス事業者についてのみ作成できます。")
    instant = now_or(at)
    terms = terms_for(year)
    window = window_at(terms, instant)
    if window is None:
        if terms.quote_opens and tokyo_date(instant) < terms.quote_opens:
            raise DeadlinePassed(
                f"{year.name}の見積受付は{format_date_ja(terms.quote_opens)}から始まります。",
                code="not_open_yet",
            )
        raise DeadlinePassed(f"{year.name}の見積・加入の受付は終了しました。")
    entry, certifications = eligibility(organisation, tokyo_date(window.cover_start))

    certified = list(dict.fromkeys(c.business for c in certifications))
    codes = list(dict.fromkeys(business_codes or certified))
    uncertified = [c for c in codes if c not in certified]
    if uncertified:
        raise InvalidInput("保険始期に有効な認定のない業務は選べません。", field="business_codes")
    plans = list(dict.fromkeys(plans or []))
    if not plans:
        raise InvalidInput("見積もるプランを1つ以上選んでください。", field="plans")
    for plan in plans:
        terms.plan(plan)

    annual_sales = _count(annual_sales, "annual_sales", "売上高")
    records_held = _count(records_held, "records_held", "保有する個人データの人数")
    employees = _count(employees, "employees", "従業員数")
    incidents_5y = _count(incidents_5y, "incidents_5y", "過去5年の事故件数")
    score = security_score_for(organisation)
    if score is not None:
        source = Quote.ScoreSource.SELFCHECK
    elif security_score is not None:
        score, source = security_score, Quote.ScoreSource.ENTERED
    else:
        source = Quote.ScoreSource.NONE

    premiums = {}
    for plan in plans:
        breakdown = quote_premium(
            terms.rating,
            RatingInput(
                annual_sales=annual_sales, business_codes=tuple(codes), plan=plan, security_score=score
            ),
            months=window.months,
            months_in_period=window.months_in_period,
        )
        premiums[plan] = breakdown.as_dict()

    with transaction.atomic():
        quote = Quote.objects.create(
            number=next_number("Q", year.code),
            programme_year=year,
            organisation=organisation,
            roster_entry=entry,
            created_by=user_of(actor),
            created_by_organisation=actor.organisation,
            joining=window.joining,
            cover_start=window.cover_start,
            cover_end=window.cover_end,
            quote_deadline=window.quote_deadline,
            application_deadline=window.application_deadline,
            months=window.months,
            company_name=(company_name or entry.name).strip()[:200],
            company_kana=(company_kana or entry.name_kana).strip()[:200],
            address=(address or entry.address).strip()[:300],
            corporate_number=entry.corporate_number,
            business_codes=codes,
            annual_sales=annual_sales,
            records_held=records_held,
            employees=employees,
            security_score=score,
            security_score_source=source,
            incidents_5y=incidents_5y,
            plans=plans,
            premiums=premiums,
            terms_version=year.terms_version,
            issued_at=instant,
        )
        audit_record(
            action="quote.issued",
            actor=user_of(actor),
            organisation=organisation,
            target=quote,
            data={
                "number": quote.number,
                "by_organisation": actor.organisation.code,
                "joining": window.joining,
                "premiums": {p: premiums[p]["premium"] for p in plans},
                "terms_version": year.terms_version,
            },
        )
    return quote


def quote_transition(
    *, actor: Actor, quote: Quote, to: str, reason: str = "", at: datetime | None = None
) -> Quote:
    """Move a quote along ``Quote.STATUS_TRANSITIONS`` (issued → accepted / declined)."""
    require(actor, "enrolment.quote.create")
    require_own(actor, quote.organisation_id)
    with transaction.atomic():
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        if to not in Quote.STATUS_TRANSITIONS[Quote.Status(locked.status)]:
            raise IllegalTransition(
                f"見積の状態「{locked.get_status_display()}」から「{Quote.Status(to).label}」へは変更できません。"
            )
        before = locked.status
        locked.status = to
        locked.decided_at = now_or(at)
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            action=f"quote.{to}",
            actor=user_of(actor),
            organisation=locked.organisation,
            target=locked,
            reason=reason,
            data={"from": before, "to": to},
        )
    quote.refresh_from_db()
    return quote


def quote_decline(*, actor: Actor, quote: Quote, reason: str = "") -> Quote:
    return quote_transition(actor=actor, quote=quote, to=Quote.Status.DECLINED, reason=reason)
