"""Claims: the list, creating one from a case, the claim screen with the calculation in Japanese, the
transitions, the insurer's decision and payment, the claim pack (PDF) and the Excel of its expenses, and the
insurer's work queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind

from .. import selectors, services
from ..breakdown import line_reason_label
from ..exports import expenses_xlsx
from ..forms import ClaimCreateForm, ClaimDecisionForm, PaymentForm, TransitionForm
from ..models import OPEN_STATUSES, ClaimStatus
from ..pdf import claim_pack_pdf
from .common import actor_for, add_form_error, back_with_error, domain_errors, file_response

PAGE_SIZE = 50


@login_required
@require_GET
@domain_errors
def claim_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "claims.view")
    status = request.GET.get("status", "")
    qs = selectors.claims_for(actor)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in ClaimStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/list.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "is_provider": actor.kind == OrganisationKind.PROVIDER,
            "is_insurer": actor.kind == OrganisationKind.INSURER,
        },
    )


@login_required
@require_POST
@domain_errors
def claim_create(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for(request, "claims.claim.submit")
    incident = selectors.case_get(actor, reference)
    unclaimed = [e for e in selectors.expenses_for(actor, incident) if e.claim_id is None]
    form = ClaimCreateForm(request.POST, expenses=unclaimed)
    if not form.is_valid():
        messages.error(request, "請求に含める費用を1件以上選んでください。")
        return redirect("claims:expenses", incident.reference)
    try:
        claim = services.claim_create(
            actor=actor,
            incident=incident,
            expenses=form.cleaned_data["expenses"],
            note=form.cleaned_data["note"],
        )
    except (errors.InvalidInput, errors.NotEligible) as exc:
        return back_with_error(request, exc, "claims:expenses", incident.reference)
    messages.success(request, f"保険金請求（{claim.number}）を作成しました。内容を確認して提出してください。")
    return redirect("claims:detail", claim.number)


def _actions(actor, claim) -> list[dict]:
    """The buttons the actor has on this claim: (target status, label, whether a reason is asked, style)."""
    own = actor.kind == OrganisationKind.PROVIDER and claim.incident.provider_id == actor.organisation.pk
    allowed = set(claim.allowed_transitions())
    actions = []
    if own and actor.may("claims.claim.submit"):
        for target, label, needs, style in (
            ("submitted", "保険会社に提出する", False, "btn-primary"),
            ("resubmitted", "回答して再提出する", True, "btn-primary"),
            ("withdrawn", "この請求を取り下げる", False, "btn-outline-danger"),
        ):
            if target in allowed:
                actions.append({"to": target, "label": label, "reason": needs, "style": style})
    if actor.may("claims.claim.review"):
        for target, label, needs, style in (
            ("under_review", "審査を開始する", False, "btn-primary"),
            ("info_requested", "追加資料・確認を依頼する", True, "btn-outline-primary"),
        ):
            if target in allowed:
                actions.append({"to": target, "label": label, "reason": needs, "style": style})
    return actions


def _claim_page(request, actor, claim, *, payment_form=None, status=200):
    details = selectors.may_see_claim_details(actor)
    breakdown = selectors.claim_breakdown(claim) if details else None
    lines = (
        list(claim.lines.select_related("expense").prefetch_related("expense__attachments"))
        if details
        else []
    )
    line_rows = [(line, [line_reason_label(code) for code in line.reasons]) for line in lines]
    may_pay = actor.may("claims.claim.pay") and ClaimStatus.PAID in claim.allowed_transitions()
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "incident": claim.incident,
            "details": details,
            "breakdown": breakdown,
            "line_rows": line_rows,
            "events": claim.events.select_related("actor_organisation"),
            "payments": claim.payments.all(),
            "actions": _actions(actor, claim),
            "may_decide": actor.may("claims.claim.review")
            and bool({"approved", "partly_approved", "rejected"} & set(claim.allowed_transitions())),
            "may_pay": may_pay,
            "payment_form": payment_form
            or (
                PaymentForm(initial={"paid_on": timezone.localdate(), "amount": claim.amount_approved})
                if may_pay
                else None
            ),
            "may_export": details and actor.may("claims.export"),
            "may_download": actor.may("claims.attachment.download"),
            "limits": selectors.policy_limits(claim.policy) if details else [],
            "is_provider": actor.kind == OrganisationKind.PROVIDER,
        },
        status=status,
    )


@login_required
@require_GET
@domain_errors
def claim_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.view")
    return _claim_page(request, actor, selectors.claim_get(actor, number))


@login_required
@require_POST
@domain_errors
def claim_transition(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.view")
    claim = selectors.claim_get(actor, number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "操作を選び直してください。")
        return redirect("claims:detail", claim.number)
    try:
        claim = services.claim_transition(
            actor=actor,
            claim=claim,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        )
    except (errors.InvalidInput, errors.IllegalTransition, errors.NotEligible) as exc:
        return back_with_error(request, exc, "claims:detail", claim.number)
    if claim.status == ClaimStatus.WITHDRAWN:
        messages.success(request, f"請求（{claim.number}）を取り下げました。費用は再び請求に含められます。")
        return redirect("claims:expenses", claim.incident.reference)
    messages.success(request, f"請求（{claim.number}）を「{claim.get_status_display()}」にしました。")
    return redirect("claims:detail", claim.number)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def claim_decide(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.claim.review")
    claim = selectors.claim_get(actor, number)
    lines = list(claim.lines.all())
    if not {"approved", "partly_approved", "rejected"} & set(claim.allowed_transitions()):
        messages.error(
            request,
            f"請求（{claim.number}）は{claim.get_status_display()}のため、認定・不支払の判断はできません。",
        )
        return redirect("claims:detail", claim.number)
    status = 200
    if request.method == "POST":
        form = ClaimDecisionForm(request.POST, lines=lines)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                claim = services.claim_transition(
                    actor=actor,
                    claim=claim,
                    to_status=decision,
                    reason=form.cleaned_data["reason"],
                    adjustments=form.adjustments() if decision != "rejected" else None,
                )
            except (errors.InvalidInput, errors.IllegalTransition) as exc:
                add_form_error(form, exc)
            else:
                messages.success(
                    request, f"請求（{claim.number}）を「{claim.get_status_display()}」としました。"
                )
                return redirect("claims:detail", claim.number)
        status = 400
    else:
        form = ClaimDecisionForm(lines=lines)
    return render(
        request,
        "claims/decide.html",
        {"claim": claim, "form": form, "breakdown": selectors.claim_breakdown(claim)},
        status=status,
    )


@login_required
@require_POST
@domain_errors
def claim_pay(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.claim.pay")
    claim = selectors.claim_get(actor, number)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.claim_pay(
                actor=actor,
                claim=claim,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"請求（{claim.number}）の支払を記録しました。")
            return redirect("claims:detail", claim.number)
    return _claim_page(request, actor, claim, payment_form=form, status=400)


@login_required
@require_GET
@domain_errors
def claim_pdf(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.export")
    claim = selectors.claim_get(actor, number)
    return file_response(
        claim_pack_pdf(claim), "application/pdf", f"保険金請求書_{claim.number}.pdf", inline=True
    )


@login_required
@require_GET
@domain_errors
def claim_xlsx(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request, "claims.export")
    claim = selectors.claim_get(actor, number)
    data = expenses_xlsx(
        incident=claim.incident, expenses=list(claim.expenses.order_by("spent_on", "id")), claim=claim
    )
    return file_response(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"費用明細_{claim.number}.xlsx",
    )


@login_required
@require_GET
@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "claims.queue")
    work = selectors.work_queue(actor, now=timezone.now())
    return render(request, "claims/queue.html", {"work": work})
