"""Call-centre look-up (provider staff, or the desk when granted) and the inquiries recorded for each call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sonae.core import errors
from sonae.victims import selectors
from sonae.victims.forms import InquiryForm, LookupForm
from sonae.victims.services import lookup as lookup_services

from .common import case_for, domain_errors, page_context


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def lookup(request, reference: str):
    actor, incident, case = case_for(request, reference)
    selectors.require_personal(actor, incident, case, "victims.lookup")
    form = LookupForm(request.POST or None)
    answers = None
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            answers = lookup_services.victim_lookup(
                actor=actor, incident=incident, case=case, **form.cleaned_data
            )
        except errors.InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except errors.ServiceUnavailable as exc:  # the audit log cannot be written: nothing is answered
            form.add_error(None, exc.message)
            retry_after = exc.retry_after
    context = page_context(request, actor, incident, case, "lookup")
    context.update(
        form=form,
        answers=answers,
        inquiry_form=InquiryForm(
            initial={"victim_id": answers[0].victim_id if answers and len(answers) == 1 else ""}
        ),
    )
    if retry_after is not None:
        response = render(request, "victims/lookup.html", context, status=503)
        response["Retry-After"] = str(retry_after)
        return response
    return render(request, "victims/lookup.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def inquiries(request, reference: str):
    actor, incident, case = case_for(request, reference)
    personal = selectors.may_see_personal(actor, incident, case)
    form = InquiryForm(request.POST or None)
    if request.method == "POST":
        selectors.require_personal(actor, incident, case, "victims.inquiry")
        if form.is_valid():
            victim = selectors.victim_for_inquiry(actor, incident, case, form.cleaned_data["victim_id"])
            try:
                lookup_services.inquiry_record(
                    actor=actor,
                    incident=incident,
                    victim=victim,
                    category=form.cleaned_data["category"],
                    answer=form.cleaned_data["answer"],
                    follow_up=form.cleaned_data["follow_up"],
                )
            except errors.InvalidInput as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "問い合わせを記録しました。")
                return redirect("victims:inquiries", incident.reference)
    context = page_context(request, actor, incident, case, "inquiries")
    context.update(days=selectors.inquiry_statistics(incident), form=form)
    if personal and actor.may("victims.inquiry"):
        context["inquiries"] = Paginator(selectors.inquiries_for(actor, incident, case), 50).get_page(
            request.GET.get("page")
        )
    return render(request, "victims/inquiries.html", context)


@login_required
@require_POST
@domain_errors
def inquiry_done(request, reference: str, pk: int):
    actor, incident, case = case_for(request, reference)
    inquiry = selectors.inquiries_for(actor, incident, case).filter(pk=pk).first()
    if inquiry is None:
        raise errors.NotFound()
    lookup_services.inquiry_follow_up_done(actor=actor, inquiry=inquiry)
    messages.success(request, "対応済みにしました。")
    return redirect("victims:inquiries", incident.reference)
