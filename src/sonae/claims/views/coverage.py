"""The coverage determination page of a case (issue 12 point 3): the insurer sees the determination and records its
decision (confirmed facts, override with a reason); the provider sees the outcome with the clauses behind it; the
agency a summary. The desk sees its provisional reading on the incident case page instead (404 here)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sonae.core import errors
from sonae.core.models import OrganisationKind

from .. import coverage_status as coverage
from ..forms_coverage import CoverageDecisionForm
from ..services.coverage import coverage_decide
from .common import actor_for, add_form_error, domain_errors

CLAIM_NUMBER = re.compile(r"CLM-[0-9A-Z]+-[0-9]+")


def _claim_number(request: HttpRequest) -> str:
    """The claim to return to (only a well-formed claim number, never a URL)."""
    value = (request.POST.get("claim") or request.GET.get("claim") or "").strip()
    return value if CLAIM_NUMBER.fullmatch(value) else ""


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def coverage_page(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for(request, coverage.VIEW_ACTION)
    view = coverage.coverage_view_by_reference(actor, reference)
    incident = view.status.incident
    claim_number = _claim_number(request)
    form = None
    status = 200
    if request.method == "POST":
        actor_for(request, coverage.DECIDE_ACTION)  # 403 for provider and agency
        form = CoverageDecisionForm(request.POST, facts=view.status.facts)
        if form.is_valid():
            try:
                decision = coverage_decide(
                    actor=actor,
                    incident=incident,
                    facts=form.facts(),
                    override=form.cleaned_data["override"],
                    reason=form.cleaned_data["reason"],
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"補償の判断（{decision.get_outcome_display()}）を登録しました。契約者に通知しました。",
                )
                if claim_number:
                    return redirect("claims:detail", claim_number)
                return redirect("claims:coverage", incident.reference)
        status = 400
    elif view.may_decide:
        form = CoverageDecisionForm(
            facts=view.status.facts,
            initial={"override": view.status.decision.override if view.status.decision else ""},
        )
    return render(
        request,
        "claims/coverage.html",
        {
            "incident": incident,
            "form": form,
            "history": view.history,
            "claim_number": claim_number,
            "case_link": actor.kind in (OrganisationKind.PROVIDER, OrganisationKind.INSURER),
        },
        status=status,
    )
