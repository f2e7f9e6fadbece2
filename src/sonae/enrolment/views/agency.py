"""The agency's back office: funnel, payments (deposit lists and matching), policies, Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sonae.core import errors
from sonae.jp.calendar import tokyo_date
from sonae.programme.models import ProgrammeYear
from sonae.programme.selectors import programme_year_get, terms_for

from .. import pdf, selectors, services, stats
from ..exports import KINDS, export_workbook
from ..forms import CancelForm, DepositUploadForm, MatchForm, OverpaymentForm, ReasonForm
from ..models import Deposit, Policy
from .common import actor_for, domain_errors, file_response, now, pdf_response


def _year(request) -> ProgrammeYear | None:
    code = request.GET.get("year")
    return programme_year_get(code) if code else stats.default_year(now())


@login_required
@require_GET
@domain_errors
def funnel(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.backoffice.view")
    year = _year(request)
    result = stats.funnel(actor, year, at=now()) if year else None
    return render(
        request,
        "enrolment/funnel.html",
        {
            "funnel": result,
            "year": year,
            "years": ProgrammeYear.objects.exclude(terms={}),
            "kinds": KINDS,
            "can_export": actor.may("enrolment.export"),
        },
    )


@login_required
@require_GET
@domain_errors
def export(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.export")
    kind = request.GET.get("kind")
    kinds = [kind] if kind in KINDS else None
    year = programme_year_get(request.GET["year"]) if request.GET.get("year") else None
    content = export_workbook(actor, kinds=kinds, year=year)
    name = f"enrolment-{kind or 'all'}-{year.code if year else 'all'}-{tokyo_date(now()):%Y%m%d}.xlsx"
    return file_response(
        content, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", inline=False
    )


def _payments_context(actor, upload_form=None, upload_errors=None) -> dict:
    unmatched = list(
        selectors.deposits_for(actor).filter(status=Deposit.Status.UNMATCHED).order_by("deposited_on")
    )
    unpaid = list(selectors.unpaid_applications(actor))  # the page matches against all of them
    rows = []
    for deposit in unmatched:
        candidates = [a for a in unpaid if a.payer_key and a.payer_key == deposit.payer_key]
        form = MatchForm(
            initial={"deposit": deposit.pk, "application": candidates[0].pk if candidates else ""},
            applications=candidates + [a for a in unpaid if a not in candidates],
            prefix=f"d{deposit.pk}",
        )
        rows.append({"deposit": deposit, "candidates": candidates, "form": form})
    return {
        "rows": rows,
        "unpaid": unpaid,
        "recent": selectors.deposits_for(actor)
        .exclude(status=Deposit.Status.UNMATCHED)
        .order_by("-matched_at", "-id")[:30],
        "imports": selectors.deposit_imports_for(actor)[:10],
        "upload_form": upload_form or DepositUploadForm(),
        "upload_errors": upload_errors,
        "can_manage": actor.may("enrolment.payment.manage"),
        "reason_form": ReasonForm(),
    }


@login_required
@require_GET
@domain_errors
def payments(request: HttpRequest) -> HttpResponse:
    """Unmatched deposits and unpaid applications side by side, for manual matching."""
    actor = actor_for(request, "enrolment.payment.view")
    return render(request, "enrolment/payments.html", _payments_context(actor))


@login_required
@require_POST
@domain_errors
def deposit_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.payment.manage")
    form = DepositUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.deposit_import(
                actor=actor,
                file_name=upload.name,
                data=upload.read(),
                accept_valid_only=form.cleaned_data["accept_valid_only"],
            )
        except services.ImportRejected as exc:
            return render(
                request,
                "enrolment/payments.html",
                _payments_context(actor, form, {"message": exc.message, "errors": exc.errors}),
                status=400,
            )
        except errors.InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                f"入金明細を取り込みました（新規 {result.rows_new}件、取込済みで除外 {result.rows_duplicate}件、"
                f"自動消込 {result.rows_matched}件）。",
            )
            return redirect("enrolment:payments")
    return render(request, "enrolment/payments.html", _payments_context(actor, form), status=400)


@login_required
@require_POST
@domain_errors
def deposit_match(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, pk)
    prefix = f"d{deposit.pk}"
    form = MatchForm(request.POST, prefix=prefix, applications=selectors.unpaid_applications(actor))
    if not form.is_valid():
        messages.error(request, "消し込む加入依頼を選んでください。")
        return redirect("enrolment:payments")
    application = selectors.application_get(actor, form.cleaned_data["application"])
    try:
        services.deposit_match(
            actor=actor,
            deposit=deposit,
            application=application,
            note=form.cleaned_data["note"],
            accept_difference=form.cleaned_data["accept_difference"],
        )
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, f"{deposit.payer_name}（{deposit.amount:,}円）：{exc.message}")
    else:
        messages.success(
            request, f"{deposit.payer_name}（{deposit.amount:,}円）を {application.number} に消し込みました。"
        )
    return redirect("enrolment:payments")


@login_required
@require_POST
@domain_errors
def deposit_unmatch(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, pk)
    try:
        services.deposit_unmatch(actor=actor, deposit=deposit, reason=request.POST.get("reason", ""))
        messages.info(request, "消込を取り消しました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:payments")


@login_required
@require_POST
@domain_errors
def deposit_ignore(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, pk)
    try:
        services.deposit_ignore(actor=actor, deposit=deposit, reason=request.POST.get("reason", ""))
        messages.info(request, "入金を対象外にしました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:payments")


@login_required
@require_POST
@domain_errors
def overpayment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.payment.manage")
    application = selectors.application_get(actor, pk)
    form = OverpaymentForm(request.POST)
    try:
        services.application_resolve_overpayment(
            actor=actor, application=application, note=form.data.get("note", "")
        )
        messages.success(request, "過入金の処理を記録しました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:application_detail", pk=application.pk)


@login_required
@require_GET
@domain_errors
def policy_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.policy.view")
    policies = selectors.policies_for(actor)
    for param, lookup in {
        "year": "programme_year__code",
        "status": "status",
        "plan": "plan",
        "joining": "joining",
    }.items():
        if request.GET.get(param):
            policies = policies.filter(**{lookup: request.GET[param]})
    if request.GET.get("q"):
        policies = policies.filter(insured_name__icontains=request.GET["q"])
    page = Paginator(policies, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/policy_list.html",
        {"page": page, "statuses": Policy.Status.choices, "filters": request.GET, "now": now()},
    )


@login_required
@require_GET
@domain_errors
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.policy.view")
    policy = selectors.policy_get(actor, pk)
    terms = terms_for(policy.programme_year)
    return render(
        request,
        "enrolment/policy_detail.html",
        {
            "policy": policy,
            "plan": terms.plan(policy.plan),
            "terms": terms,
            "active_now": policy.is_active_at(now()),
            "can_cancel": actor.may("enrolment.policy.cancel") and policy.status == Policy.Status.IN_FORCE,
            "cancel_form": CancelForm(),
            "show_premium": actor.kind in ("provider", "agency", "insurer"),
        },
    )


@login_required
@require_GET
@domain_errors
def policy_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(actor_for(request, "enrolment.policy.view"), pk)
    return pdf_response(pdf.certificate_pdf(policy), f"certificate-{policy.number}.pdf")


@login_required
@require_POST
@domain_errors
def policy_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.policy.cancel")
    policy = selectors.policy_get(actor, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "解約日と理由を入力してください。")
        return redirect("enrolment:policy_detail", pk=policy.pk)
    try:
        services.policy_cancel(
            actor=actor,
            policy=policy,
            effective_date=form.cleaned_data["effective_date"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "契約を解約しました。")
    except errors.PermissionDenied:
        raise
    except errors.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("enrolment:policy_detail", pk=policy.pk)
