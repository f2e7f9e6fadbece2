"""Pages of the provider's path — eligibility, quote, application — also used by the agency on its behalf."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.jp.calendar import tokyo_date
from sonae.programme.selectors import programme_year_get, terms_for, windows_open_at

from .. import pdf, selectors, services
from ..forms import ApplicationForm, ApplicationStartForm, QuoteForm, ReasonForm, ReviewForm
from ..models import Application, Policy, Quote
from .common import actor_for, add_form_error, domain_errors, now, pdf_response


@login_required
@require_GET
@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    """The enrolment home: a provider's status and next step; the agency and foundation go to their pages."""
    actor = request.actor
    if actor and actor.kind == "agency":
        return redirect("enrolment:funnel")
    if actor and actor.kind == "foundation":
        return redirect("enrolment:roster")
    actor = actor_for(request, "enrolment.quote.view")
    instant = now()
    windows = []
    for year, window in windows_open_at(instant):
        try:
            _, certifications = selectors.eligibility(actor.organisation, tokyo_date(window.cover_start))
            reason = ""
        except errors.NotEligible as exc:
            certifications, reason = [], exc.message
        windows.append(
            {
                "year": year,
                "window": window,
                "certifications": certifications,
                "reason": reason,
                "notice": terms_for(year).notice,
            }
        )
    policies = list(selectors.policies_for(actor)[:10])
    return render(
        request,
        "enrolment/index.html",
        {
            "windows": windows,
            "quotes": selectors.quotes_for(actor)[:5],
            "applications": selectors.applications_for(actor)[:5],
            "policies": policies,
            "in_force": selectors.policy_in_force(actor.organisation, instant),
            "can_quote": actor.may("enrolment.quote.create"),
        },
    )


def _quote_organisation(request, actor):
    """The provider being quoted: the actor's own, or (agency) the one chosen by ``?organisation=``."""
    if actor.kind != "agency":
        return actor.organisation
    pk = request.GET.get("organisation") or request.POST.get("organisation")
    if not pk:
        return None
    return selectors.provider_organisations_for(actor).filter(pk=pk).first() or _not_found()


def _not_found():
    raise errors.NotFound()


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def quote_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.quote.create")
    organisation = _quote_organisation(request, actor)
    if organisation is None:
        providers = (
            selectors.provider_organisations_for(actor).filter(roster_entries__isnull=False).distinct()
        )
        return render(
            request, "enrolment/quote_choose.html", {"providers": providers.order_by("name_kana", "name")}
        )
    instant = now()
    years = windows_open_at(instant)
    entry = selectors.roster_entry_for_organisation(organisation)
    reason = ""
    businesses: list[str] = []
    for _, window in years:
        try:
            _, certs = selectors.eligibility(organisation, tokyo_date(window.cover_start))
            businesses += [c.business for c in certs if c.business not in businesses]
        except errors.NotEligible as exc:
            reason = reason or exc.message
    if not years or not businesses:
        return render(
            request,
            "enrolment/quote_closed.html",
            {"organisation": organisation, "reason": reason, "has_years": bool(years)},
        )
    plans = list(terms_for(years[0][0]).plans.values())
    score = selectors.security_score_for(organisation)
    initial = {
        "company_name": entry.name if entry else organisation.name,
        "company_kana": entry.name_kana if entry else organisation.name_kana,
        "address": entry.address if entry else "",
        "business_codes": businesses,
        "plans": [p.code for p in plans],
        "security_score": score,
        "incidents_5y": 0,
    }
    form = QuoteForm(
        request.POST or None,
        initial=initial,
        years=years,
        businesses=businesses,
        plans=plans,
        selfcheck_score=score,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote = services.quote_create(
                actor=actor,
                organisation=organisation,
                year=programme_year_get(data["programme_year"]),
                annual_sales=data["annual_sales"],
                records_held=data["records_held"],
                employees=data["employees"],
                plans=data["plans"],
                business_codes=data["business_codes"],
                security_score=data.get("security_score"),
                incidents_5y=data["incidents_5y"],
                company_name=data["company_name"],
                company_kana=data["company_kana"],
                address=data["address"],
            )
        except errors.PermissionDenied:
            raise
        except errors.DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"見積（{quote.number}）を作成しました。")
            return redirect("enrolment:quote_detail", pk=quote.pk)
    return render(
        request,
        "enrolment/quote_form.html",
        {"form": form, "organisation": organisation, "years": years, "notice": terms_for(years[0][0]).notice},
    )


def _filter(queryset, request, **fields):
    for param, lookup in fields.items():
        value = request.GET.get(param)
        if value:
            queryset = queryset.filter(**{lookup: value})
    return queryset


@login_required
@require_GET
@domain_errors
def quote_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.quote.view")
    quotes = _filter(
        selectors.quotes_for(actor), request, year="programme_year__code", status="status", joining="joining"
    )
    if request.GET.get("q"):
        quotes = quotes.filter(company_name__icontains=request.GET["q"])
    page = Paginator(quotes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/quote_list.html",
        {"page": page, "statuses": Quote.Status.choices, "filters": request.GET},
    )


@login_required
@require_GET
@domain_errors
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.quote.view")
    quote = selectors.quote_get(actor, pk)
    terms = terms_for(quote.programme_year)
    plans = [{"plan": terms.plan(code), "premium": quote.premiums[code]} for code in quote.plans]
    start_form = ApplicationStartForm(
        plans=[(p["plan"].code, p["plan"].name) for p in plans], initial={"plan": quote.plans[0]}
    )
    return render(
        request,
        "enrolment/quote_detail.html",
        {
            "quote": quote,
            "plans": plans,
            "notice": terms.notice,
            "start_form": start_form,
            "can_apply": quote.status == Quote.Status.ISSUED and actor.may("enrolment.application.edit"),
            "expired": tokyo_date(now()) > quote.valid_until,
            "is_agency": actor.kind == "agency",
            "application": Application.objects.filter(quote=quote).first(),
        },
    )


@login_required
@require_GET
@domain_errors
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    quote = selectors.quote_get(actor_for(request, "enrolment.quote.view"), pk)
    return pdf_response(pdf.quote_pdf(quote), f"quote-{quote.number}.pdf")


@login_required
@require_POST
@domain_errors
def quote_decline(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.quote.create")
    quote = selectors.quote_get(actor, pk)
    try:
        services.quote_decline(actor=actor, quote=quote, reason=request.POST.get("reason", ""))
        messages.info(request, "見積を見送りにしました。")
    except errors.IllegalTransition as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:quote_detail", pk=quote.pk)


@login_required
@require_POST
@domain_errors
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.edit")
    quote = selectors.quote_get(actor, pk)
    form = ApplicationStartForm(request.POST, plans=[(p, p) for p in quote.plans])
    if not form.is_valid():
        messages.error(request, "加入するプランを選んでください。")
        return redirect("enrolment:quote_detail", pk=quote.pk)
    try:
        application = services.application_start(
            actor=actor, quote=quote, plan=form.cleaned_data["plan"], late_reason=form.cleaned_data["reason"]
        )
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
        return redirect("enrolment:quote_detail", pk=quote.pk)
    messages.success(request, "加入依頼書を作成しました。告知事項と代表者を記入して提出してください。")
    return redirect("enrolment:application_edit", pk=application.pk)


@login_required
@require_GET
@domain_errors
def application_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.view")
    apps = _filter(selectors.applications_for(actor), request, year="programme_year__code", status="status")
    if request.GET.get("q"):
        apps = apps.filter(organisation__name__icontains=request.GET["q"])
    apps = selectors.applications_by_payment(apps, request.GET.get("payment"))
    page = Paginator(apps, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/application_list.html",
        {"page": page, "statuses": Application.Status.choices, "filters": request.GET},
    )


@login_required
@require_GET
@domain_errors
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.view")
    application = selectors.application_get(actor, pk)
    terms = terms_for(application.programme_year)
    editable = application.status in (Application.Status.DRAFT, Application.Status.RETURNED)
    return render(
        request,
        "enrolment/application_detail.html",
        {
            "application": application,
            "quote": application.quote,
            "plan": terms.plan(application.plan),
            "deposits": application.deposits.all(),
            "policy": Policy.objects.filter(application=application).first(),
            "can_edit": editable and actor.may("enrolment.application.edit"),
            "can_submit": editable and actor.may("enrolment.application.edit"),
            "can_review": actor.may("enrolment.application.review")
            and application.status
            in (Application.Status.DRAFT, Application.Status.SUBMITTED, Application.Status.RETURNED),
            "can_withdraw": actor.may("enrolment.application.edit")
            and application.status not in (Application.Status.ACCEPTED, Application.Status.WITHDRAWN),
            "can_resolve_overpayment": actor.may("enrolment.payment.manage")
            and application.payment_status == "overpaid"
            and not application.overpayment_note,
            "deadline_passed": tokyo_date(now()) > application.deadline,
            "review_form": ReviewForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.edit")
    application = selectors.application_get(actor, pk)
    if application.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        messages.info(request, "この加入依頼書は提出済みのため変更できません。")
        return redirect("enrolment:application_detail", pk=application.pk)
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(actor=actor, application=application, data=form.cleaned_data)
        except errors.PermissionDenied:
            raise
        except errors.DomainError as exc:
            add_form_error(form, exc)
        else:
            if "submit" in request.POST:
                return application_submit(request, pk)
            messages.success(request, "加入依頼書を保存しました。")
            return redirect("enrolment:application_detail", pk=application.pk)
    return render(request, "enrolment/application_form.html", {"form": form, "application": application})


@login_required
@require_POST
@domain_errors
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.edit")
    application = selectors.application_get(actor, pk)
    try:
        services.application_submit(actor=actor, application=application)
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "加入依頼書を提出しました。取扱代理店が確認します。保険料のお振込みもお願いします。"
        )
    return redirect("enrolment:application_detail", pk=application.pk)


@login_required
@require_POST
@domain_errors
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency accepts (late only with a reason) or returns (with reasons) an application."""
    actor = actor_for(request, "enrolment.application.review")
    application = selectors.application_get(actor, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    reason = form.cleaned_data["reason"]
    try:
        if form.cleaned_data["decision"] == "accept":
            services.application_accept(actor=actor, application=application, reason=reason)
            messages.success(request, "加入依頼を受理しました。")
        else:
            services.application_return(actor=actor, application=application, reason=reason)
            messages.success(request, "加入依頼書を差し戻しました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:application_detail", pk=application.pk)


@login_required
@require_POST
@domain_errors
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.application.edit")
    application = selectors.application_get(actor, pk)
    try:
        services.application_withdraw(
            actor=actor, application=application, reason=request.POST.get("reason", "")
        )
        messages.info(request, "加入依頼を取り下げました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:application_detail", pk=application.pk)


@login_required
@require_GET
@domain_errors
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(actor_for(request, "enrolment.application.view"), pk)
    return pdf_response(pdf.application_pdf(application), f"application-{application.number}.pdf")
