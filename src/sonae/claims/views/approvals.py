"""Prior approvals and consents: the list (pending first), the provider's request form on a case, the detail page
with the insurer's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind

from .. import selectors, services
from ..forms import ApprovalDecisionForm, ApprovalRequestForm
from ..models.approvals import ApprovalStatus
from .common import actor_for, add_form_error, back_with_error, case_context, domain_errors


@login_required
@require_GET
@domain_errors
def approvals(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "claims.approval.view")
    status = request.GET.get("status", "")
    qs = selectors.approvals_for(actor)
    if status in ApprovalStatus.values:
        qs = qs.filter(status=status)
    rows = sorted(qs, key=lambda a: (a.status != ApprovalStatus.REQUESTED, -a.requested_at.timestamp()))
    return render(
        request,
        "claims/approvals.html",
        {
            "rows": rows,
            "status": status,
            "statuses": ApprovalStatus.choices,
            "is_insurer": actor.kind == OrganisationKind.INSURER,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def approval_request(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for(request, "claims.approval.request")
    incident = selectors.case_get(actor, reference)
    coverage = selectors.coverage_for(actor, incident)
    if incident.provider_id != actor.organisation.pk:
        raise errors.NotFound()
    if not coverage.ok:
        messages.error(request, coverage.reason)
        return redirect("claims:expenses", incident.reference)
    status = 200
    if request.method == "POST":
        form = ApprovalRequestForm(request.POST, request.FILES, coverage=coverage)
        if form.is_valid():
            data = form.cleaned_data
            quote = data.get("quote")
            try:
                approval = services.approval_request(
                    actor=actor,
                    incident=incident,
                    item=data["item"],
                    amount=data["amount"],
                    reason=data["reason"],
                    individuals=data["individuals"],
                    corporations=data["corporations"],
                    quotes=[(quote.name, quote.read())] if quote else [],
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(
                    request, f"{approval.get_kind_display()}を依頼しました（{approval.number}）。"
                )
                return redirect("claims:approval_detail", approval.pk)
        status = 400
    else:
        initial = {"item": request.GET.get("item", "")}
        individuals, corporations = services.condolence_counts(incident)
        initial.update(individuals=individuals, corporations=corporations)
        form = ApprovalRequestForm(initial=initial, coverage=coverage)
    context = case_context(request, actor, incident)
    context.update(form=form, coverage=coverage)
    return render(request, "claims/approval_request.html", context, status=status)


def _detail(request, actor, approval, form=None, status=200):
    may_decide = actor.may("claims.approval.decide") and approval.is_pending
    return render(
        request,
        "claims/approval_detail.html",
        {
            "approval": approval,
            "form": form or (ApprovalDecisionForm() if may_decide else None),
            "may_decide": may_decide,
            "may_withdraw": actor.may("claims.approval.request")
            and approval.is_pending
            and approval.incident.provider_id == actor.organisation.pk,
            "may_download": actor.may("claims.attachment.download"),
            "expenses": approval.expenses.order_by("spent_on", "id"),
        },
        status=status,
    )


@login_required
@require_GET
@domain_errors
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "claims.approval.view")
    return _detail(request, actor, selectors.approval_get(actor, pk))


@login_required
@require_POST
@domain_errors
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "claims.approval.view")
    approval = selectors.approval_get(actor, pk)
    form = ApprovalDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            approval = services.approval_decide(
                actor=actor,
                approval=approval,
                decision=data["decision"],
                reason=data["reason"],
                amount=data["amount"],
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        except errors.IllegalTransition as exc:
            return back_with_error(request, exc, "claims:approval_detail", approval.pk)
        else:
            messages.success(request, f"{approval.number}を「{approval.get_status_display()}」としました。")
            return redirect("claims:approval_detail", approval.pk)
    return _detail(request, actor, approval, form, status=400)


@login_required
@require_POST
@domain_errors
def approval_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "claims.approval.view")
    approval = selectors.approval_get(actor, pk)
    try:
        services.approval_transition(actor=actor, approval=approval, to_status=ApprovalStatus.WITHDRAWN)
    except errors.IllegalTransition as exc:
        return back_with_error(request, exc, "claims:approval_detail", approval.pk)
    messages.success(request, "依頼を取り下げました。")
    return redirect("claims:approval_detail", approval.pk)
