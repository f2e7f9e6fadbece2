"""Condolence gifts page: gift and amount, recipients, shipping, returns; totals for the claim."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sonae.core import errors
from sonae.victims import selectors
from sonae.victims.forms import GiftSettingsForm, ReturnsForm, ShippedForm
from sonae.victims.services import gifts as gift_services

from .common import case_for, domain_errors, page_context


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def gifts(request, reference: str):
    actor, incident, case = case_for(request, reference)
    provider = selectors.is_provider_of(actor, incident)
    form = GiftSettingsForm(
        request.POST or None,
        initial={
            "kind": case.gift_kind,
            "amount": case.gift_amount,
            "amount_corporation": case.gift_amount_corporation,
        },
    )
    if request.method == "POST":
        if not provider:
            raise errors.NotFound()
        if form.is_valid():
            try:
                gift_services.gift_settings_update(actor=actor, incident=incident, **form.cleaned_data)
            except errors.InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "見舞品の設定を保存しました。")
                return redirect("victims:gifts", incident.reference)
    context = page_context(request, actor, incident, case, "gifts")
    context.update(
        form=form,
        totals=selectors.condolence_totals(incident, case),
        shipped_form=ShippedForm(),
        returns_form=ReturnsForm(),
        returns_result=None,
    )
    return render(request, "victims/gifts.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
@domain_errors
def gifts_plan(request, reference: str):
    actor, incident, case = case_for(request, reference)
    try:
        count = gift_services.gift_plan(actor=actor, incident=incident)
    except errors.InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{count:,}名を見舞品の送付対象にしました。")
    return redirect("victims:gifts", incident.reference)


@login_required
@require_POST
@domain_errors
def gifts_shipped(request, reference: str):
    actor, incident, case = case_for(request, reference)
    form = ShippedForm(request.POST)
    if form.is_valid():
        count = gift_services.gift_mark_shipped(
            actor=actor, incident=incident, shipped_on=form.cleaned_data["shipped_on"]
        )
        messages.success(request, f"{count:,}件を発送済みにしました。")
    return redirect("victims:gifts", incident.reference)


@login_required
@require_POST
@domain_errors
def gifts_returns(request, reference: str):
    actor, incident, case = case_for(request, reference)
    form = ReturnsForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = gift_services.returns_import(
                actor=actor, incident=incident, data=form.cleaned_data["file"].read()
            )
        except errors.InvalidInput as exc:
            form.add_error("file", exc.message)
    context = page_context(request, actor, incident, case, "gifts")
    context.update(
        form=GiftSettingsForm(initial={"kind": case.gift_kind, "amount": case.gift_amount}),
        totals=selectors.condolence_totals(incident, case),
        shipped_form=ShippedForm(),
        returns_form=form,
        returns_result=result,
    )
    return render(request, "victims/gifts.html", context, status=200 if result is not None else 400)
