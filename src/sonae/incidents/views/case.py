"""The case page: 概要 (summary, facts, triage, status), タイムライン (notes, calls, PDF export)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.incidents import selectors, services
from sonae.incidents.forms import CallForm, FactsForm, NoteForm, TransitionForm, TriageForm, data_item_groups
from sonae.incidents.models import Status

from .common import add_form_error, case_context, case_for, domain_errors, redirect_with_error


@login_required
@require_GET
@domain_errors
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    context = case_context(request, actor, incident, "detail")
    context["notices"] = selectors.notices_for_incident(actor, incident)
    context["transitions"] = [
        (status, Status(status).label)
        for status in incident.allowed_transitions()
        if status != Status.TRIAGED
    ]
    context["may_transition"] = actor.may("incident.transition")
    context["may_withdraw"] = (
        actor.may("incident.withdraw") and incident.status == Status.REPORTED and context["may_work"]
    )
    context["may_triage"] = actor.may("incident.triage") and incident.is_open
    context["may_edit_facts"] = (
        actor.may("incident.update_facts") and context["may_work"] and incident.is_open
    )
    return render(request, "incidents/case_detail.html", context)


def _facts_initial(incident) -> dict:
    return {
        "title": incident.title,
        "description": incident.description,
        "discovered_at": incident.discovered_at,
        "data_items": incident.data_items,
        "persons_estimate": incident.persons_estimate,
        "data_owner": incident.data_owner,
        "entrusting_hospital": incident.entrusting_hospital_id,
        "entrusting_party_name": incident.entrusting_party_name,
    }


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def facts(request: HttpRequest, reference: str) -> HttpResponse:
    """Update what is known: data at risk, persons, whose data (provider on its case, desk on any)."""
    actor, incident = case_for(request, reference)
    form = FactsForm(request.POST or None, initial=_facts_initial(incident))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update_facts(actor=actor, incident=incident, **form.service_kwargs())
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "事実を更新しました。")
            return redirect("incidents:detail", incident.reference)
    context = case_context(request, actor, incident, "detail")
    context.update(form=form, data_item_groups=data_item_groups())
    return render(
        request, "incidents/case_facts.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def triage(request: HttpRequest, reference: str) -> HttpResponse:
    """The desk's triage of a case."""
    actor, incident = case_for(request, reference)
    if not actor.may("incident.triage"):
        raise errors.PermissionDenied()
    initial = _facts_initial(incident) | {
        "symptoms": incident.symptoms,
        "category": incident.category,
        "severity": incident.severity,
        "cause": incident.cause,
    }
    form = TriageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_triage(actor=actor, incident=incident, **form.service_kwargs())
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "トリアージを記録しました。")
            return redirect("incidents:detail", incident.reference)
    context = case_context(request, actor, incident, "detail")
    context.update(form=form, data_item_groups=data_item_groups())
    return render(
        request, "incidents/case_triage.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
@domain_errors
def transition(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "変更先の状態を選んでください。")
        return redirect("incidents:detail", incident.reference)
    try:
        incident = services.incident_transition(
            actor=actor,
            incident=incident,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        )
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        return redirect_with_error(request, exc, "incidents:detail", incident.reference)
    messages.success(request, f"状態を「{incident.get_status_display()}」にしました。")
    return redirect("incidents:detail", incident.reference)


@login_required
@require_GET
@domain_errors
def timeline(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    context = case_context(request, actor, incident, "timeline")
    context.update(
        events=selectors.timeline_for(actor, incident),
        note_form=NoteForm(),
        call_form=CallForm(),
    )
    return render(request, "incidents/case_timeline.html", context)


def _timeline_post(request, reference, form_class, service, form_name):
    actor, incident = case_for(request, reference)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=actor, incident=incident, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "タイムラインに記録しました。")
            return redirect("incidents:timeline", incident.reference)
    context = case_context(request, actor, incident, "timeline")
    context.update(events=selectors.timeline_for(actor, incident), note_form=NoteForm(), call_form=CallForm())
    context[form_name] = form
    return render(request, "incidents/case_timeline.html", context, status=400)


@login_required
@require_POST
@domain_errors
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _timeline_post(request, reference, NoteForm, services.note_add, "note_form")


@login_required
@require_POST
@domain_errors
def call_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _timeline_post(request, reference, CallForm, services.call_add, "call_form")


@login_required
@require_GET
@domain_errors
def timeline_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The timeline as a PDF (for reports to authorities and the insurer). The export itself is audited."""
    actor, incident = case_for(request, reference)
    pdf = services.timeline_pdf_export(
        actor=actor,
        incident=incident,
        events=selectors.timeline_for(actor, incident),
        show_caller=selectors.may_see_caller(actor, incident),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}-timeline.pdf"'
    return response
