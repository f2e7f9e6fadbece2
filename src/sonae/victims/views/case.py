"""The case's victims overview (statistics for every viewer), settings, and the update of the incident's facts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sonae.core import errors
from sonae.incidents import selectors as incident_selectors
from sonae.victims import selectors
from sonae.victims.models import VictimCase
from sonae.victims.services import case as case_services

from .common import case_for, domain_errors, page_context


@login_required
@require_GET
def index(request):
    """Cases with a victims list the actor may see (statistics only)."""
    actor = request.actor
    if not actor or not actor.may("victims.stats"):
        raise PermissionDenied
    incidents = incident_selectors.incidents_for(actor).order_by("-received_at")[:200]
    cases = {c.incident_id: c for c in VictimCase.objects.filter(incident__in=incidents)}
    rows = [(incident, cases.get(incident.pk)) for incident in incidents]
    return render(request, "victims/index.html", {"rows": rows})


@login_required
@require_GET
@domain_errors
def case(request, reference: str):
    actor, incident, case = case_for(request, reference)
    context = page_context(request, actor, incident, case, "case")
    context.update(
        stats=selectors.case_statistics(actor, incident, case),
        gifts=selectors.condolence_totals(incident, case),
        days=selectors.inquiry_statistics(incident, days=7),
        imports=selectors.import_jobs_for(actor, incident)[:10],
        proposal=case_services.incident_facts_proposal(incident, case)
        if context["is_case_provider"]
        else None,
    )
    return render(request, "victims/case.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def settings_page(request, reference: str):
    actor, incident, case = case_for(request, reference)
    if not selectors.is_provider_of(actor, incident):
        raise errors.NotFound()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("grant", "withdraw"):
                case_services.desk_access_set(actor=actor, incident=incident, granted=action == "grant")
                messages.success(
                    request,
                    "デスクの閲覧を許可しました。"
                    if action == "grant"
                    else "デスクの閲覧許可を取り消しました。",
                )
            elif action in ("open", "close"):
                case_services.self_service_set(actor=actor, incident=incident, enabled=action == "open")
                messages.success(
                    request,
                    "本人向け照会ページを公開しました。"
                    if action == "open"
                    else "本人向け照会ページを閉じました。",
                )
        except (errors.PermissionDenied, errors.InvalidInput) as exc:
            messages.error(request, exc.message)
        return redirect("victims:settings", incident.reference)
    context = page_context(request, actor, incident, case, "settings")
    context["public_url"] = request.build_absolute_uri(
        reverse("victims:public_inquiry", args=[case.self_service_token])
    )
    context["may_grant"] = actor.may("victims.grant")
    return render(request, "victims/settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def apply_to_incident(request, reference: str):
    """Show what the incident's persons and data items would become; apply on confirmation."""
    actor, incident, case = case_for(request, reference)
    if not selectors.is_provider_of(actor, incident):
        raise errors.NotFound()
    proposal = case_services.incident_facts_proposal(incident, case)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            case_services.incident_update_from_list(actor=actor, incident=incident)
        except (errors.InvalidInput, errors.IllegalTransition, errors.PermissionDenied) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, "インシデントの対象人数と漏えい項目を対象者リストに合わせて更新しました。"
            )
            return redirect("incidents:detail", incident.reference)
    context = page_context(request, actor, incident, case, "case")
    context["proposal"] = proposal
    return render(request, "victims/apply.html", context)
