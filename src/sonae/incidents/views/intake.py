"""Intake pages: the provider's web report and its result, the desk's phone intake, queue and case list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sonae.core import errors
from sonae.core.models import OrganisationKind
from sonae.incidents import selectors, services
from sonae.incidents.forms import PhoneIntakeForm, ReportForm, data_item_groups
from sonae.incidents.models import Status

from .common import actor_for, add_form_error, case_for, domain_errors

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 50


@login_required
@require_GET
@domain_errors
def incident_list(request: HttpRequest) -> HttpResponse:
    """Cases in the actor's scope: the provider's own, every case for desk, agency and insurer (summaries)."""
    actor = actor_for(request, "incident.view")
    status = request.GET.get("status", "")
    qs = selectors.incidents_for(actor)
    if status == "open":
        qs = qs.filter(status__in=[Status.REPORTED, Status.TRIAGED, Status.RESPONDING, Status.RECOVERING])
    elif status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-received_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(incident, selectors.is_overdue(incident, now)) for incident in page.object_list]
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Status.choices,
            "may_report": actor.may("incident.report"),
            "is_desk": actor.kind == OrganisationKind.DESK,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def report(request: HttpRequest) -> HttpResponse:
    """The provider's web report form: symptom checklist, data at risk, whose data."""
    actor = actor_for(request, "incident.report")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(
                actor=actor, channel="web", provider=actor.organisation, **form.service_kwargs()
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            return redirect("incidents:reported", incident.reference)
    return render(
        request,
        "incidents/report.html",
        {"form": form, "data_item_groups": data_item_groups()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@domain_errors
def reported(request: HttpRequest, reference: str) -> HttpResponse:
    """Right after a report: the reference, the first actions at once, when handling starts and when the desk
    will respond, and the seeded tasks."""
    actor, incident = case_for(request, reference)
    return render(
        request,
        "incidents/reported.html",
        {"incident": incident, "tasks": selectors.tasks_for(actor, incident)[:20]},
    )


@login_required
@require_GET
@domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    """The desk's queue: open cases by first-response due time, overdue in red; refreshed by htmx every minute."""
    actor = actor_for(request, "incident.queue")
    now = timezone.now()
    page = Paginator(selectors.desk_queue_ids(actor), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "rows": selectors.queue_rows(selectors.queue_cases(actor, page.object_list), now=now),
        "page": page,
        "overdue_count": selectors.desk_queue_overdue_count(actor, now=now),
        "now": now,
    }
    template = "incidents/queue.html#queue" if request.htmx else "incidents/queue.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def intake(request: HttpRequest) -> HttpResponse:
    """The desk operator's phone intake: find the provider, record the caller and the call, then the report."""
    actor = actor_for(request, "incident.intake")
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    providers = selectors.provider_search(actor, query) if query else []
    chosen = request.POST.get("provider", "")
    if chosen.isdigit() and not any(p.pk == int(chosen) for p in providers):
        # Keep the operator's choice selectable even when the search text changed afterwards.
        picked = selectors.provider_for_intake(actor, int(chosen))
        providers = [picked, *providers] if picked else providers
    form = PhoneIntakeForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(actor=actor, channel="phone", **form.service_kwargs())
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            return redirect("incidents:detail", incident.reference)
    return render(
        request,
        "incidents/intake.html",
        {"form": form, "query": query, "providers": providers, "data_item_groups": data_item_groups()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
@domain_errors
def provider_search(request: HttpRequest) -> HttpResponse:
    """htmx partial of the intake screen: providers matching name, kana, code or policy number, as radio buttons."""
    actor = actor_for(request, "incident.intake")
    query = (request.GET.get("q") or "").strip()
    providers = selectors.provider_search(actor, query) if query else []
    return render(request, "incidents/_provider_results.html", {"providers": providers, "query": query})
