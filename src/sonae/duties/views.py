"""The 法的対応 pages: the case tab (facts, checklist, done-marks, versions), the diff, the drafts and the explain
page. Views parse input, call one selector or service and render; scoping is the selectors'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.security import recent_auth_required
from sonae.incidents.views.common import add_form_error, case_context, domain_errors

from . import explain as explain_content
from . import selectors, services
from .checklist import checklist_lines
from .diff import diff_context, diff_facts, diff_results
from .drafts import DRAFT_KINDS, available_kinds
from .forms import DraftForm, FactsForm, MarkDoneForm
from .labels import FACT_LABELS, format_value

TAB = "duties"


def _case(request: HttpRequest, reference: str):
    actor = request.actor
    if not actor:
        raise errors.NotFound()
    return actor, selectors.case_get(actor, reference)


def _page_context(request, actor, incident, *, form=None, done_forms=None) -> dict:
    context = case_context(request, actor, incident, TAB)
    view = selectors.overview(actor, incident)
    detail = selectors.may_see_detail(actor, incident)
    may_mark = selectors.may_mark_done(actor, incident)
    if may_mark:
        for line in view.lines:
            if line.item is not None and not line.item.informational:
                line.form = (done_forms or {}).get(line.kind) or MarkDoneForm(prefix=line.kind)
    context.update(
        overview=view,
        latest=view.latest,
        may_see_detail=detail,
        may_assess=selectors.may_assess(actor, incident),
        may_mark_done=may_mark,
        may_draft=selectors.may_draft(actor, incident),
    )
    if detail:
        versions = list(selectors.versions_for(actor, incident))
        context["versions"] = versions
        if view.latest is not None:
            context["facts_rows"] = [
                (label, format_value(name, view.latest.facts.get(name)))
                for name, label in FACT_LABELS.items()
            ]
            context["drafts"] = [
                (kind, DRAFT_KINDS[kind]) for kind in available_kinds(view.latest.result, view.latest.facts)
            ]
    if context["may_assess"]:
        if form is None:
            start = selectors.form_facts(actor, incident, from_incident=request.GET.get("from") == "incident")
            form = FactsForm(
                initial=FactsForm.initial_for(
                    start["facts"], start["entrusting_hospital"], start["entrusting_party_name"]
                )
            )
        context["form"] = form
        context["data_item_groups"] = FactsForm.data_item_groups()
    return context


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def case(request: HttpRequest, reference: str) -> HttpResponse:
    """The 法的対応 tab: the checklist of the latest version; provider and desk edit the facts here."""
    actor, incident = _case(request, reference)
    form = None
    if request.method == "POST":
        if not selectors.may_assess(actor, incident):
            raise errors.PermissionDenied()
        form = FactsForm(request.POST)
        if form.is_valid():
            before = services.latest_assessment(incident)
            try:
                assessment = services.assessment_create(
                    actor=actor, incident=incident, **form.service_kwargs()
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                if before is not None and assessment.pk == before.pk:
                    messages.info(request, "事実に変更がないため、新しい版は作成しませんでした。")
                else:
                    messages.success(request, f"法的対応を判定しました（第{assessment.version}版）。")
                return redirect("duties:case", incident.reference)
    context = _page_context(request, actor, incident, form=form)
    status = 400 if request.method == "POST" else 200
    return render(request, "duties/case.html", context, status=status)


@login_required
@require_POST
@domain_errors
def confirm(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = _case(request, reference)
    latest = selectors.latest_assessment(actor, incident)
    if latest is None:
        raise errors.NotFound()
    try:
        services.assessment_transition(actor=actor, assessment=latest, to_status="confirmed")
    except errors.IllegalTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"第{latest.version}版の判定を確認済みにしました。")
    return redirect("duties:case", incident.reference)


@login_required
@require_POST
@domain_errors
def refresh(request: HttpRequest, reference: str) -> HttpResponse:
    """Re-assess with what the incident now records."""
    actor, incident = _case(request, reference)
    try:
        assessment = services.assessment_refresh(actor=actor, incident=incident)
    except errors.InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        if assessment is not None:
            messages.success(request, f"案件の事実を反映しました（第{assessment.version}版）。")
    return redirect("duties:case", incident.reference)


@login_required
@require_POST
@domain_errors
def mark_done(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Record that a duty was done (when, and the PPC reception number)."""
    actor, incident = _case(request, reference)
    item = selectors.item_get(actor, incident, kind)
    form = MarkDoneForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            services.duty_mark_done(
                actor=actor,
                item=item,
                done_at=form.cleaned_data["done_at"],
                reference=form.cleaned_data["reference_number"],
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"「{item.get_kind_display()}」の実施を記録しました。")
            return redirect("duties:case", incident.reference)
    context = _page_context(request, actor, incident, done_forms={kind: form})
    return render(request, "duties/case.html", context, status=400)


@login_required
@require_POST
@domain_errors
def mark_undone(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    actor, incident = _case(request, reference)
    item = selectors.item_get(actor, incident, kind)
    try:
        services.duty_mark_undone(actor=actor, item=item)
    except errors.IllegalTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"「{item.get_kind_display()}」の実施の記録を取り消しました。")
    return redirect("duties:case", incident.reference)


@login_required
@require_GET
@domain_errors
def version(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """One version: its facts and its checklist as they were."""
    actor, incident = _case(request, reference)
    assessment = selectors.version_get(actor, incident, number)
    context = case_context(request, actor, incident, TAB)
    context.update(
        assessment=assessment,
        lines=checklist_lines(assessment.result, assessment.facts, assessment.entrusting_party_display),
        facts_rows=[
            (label, format_value(name, assessment.facts.get(name))) for name, label in FACT_LABELS.items()
        ],
        warnings=assessment.result["warnings"],
    )
    return render(request, "duties/version.html", context)


@login_required
@require_GET
@domain_errors
def diff(request: HttpRequest, reference: str) -> HttpResponse:
    """What changed between two versions (``?a=1&b=2``; default: the two latest)."""
    actor, incident = _case(request, reference)
    versions = list(selectors.versions_for(actor, incident))
    if len(versions) < 2 and not request.GET.get("a"):
        raise errors.NotFound()
    newest, previous = (versions + [None, None])[:2]
    a = selectors.version_get(actor, incident, request.GET.get("a")) if request.GET.get("a") else previous
    b = selectors.version_get(actor, incident, request.GET.get("b")) if request.GET.get("b") else newest
    if a.version > b.version:
        a, b = b, a
    context = case_context(request, actor, incident, TAB)
    context.update(
        a=a,
        b=b,
        versions=versions,
        fact_rows=diff_facts(a.facts, b.facts)
        + diff_context(a.entrusting_party_display, b.entrusting_party_display),
        result_rows=diff_results(a.result, b.result),
    )
    return render(request, "duties/diff.html", context)


@login_required
@recent_auth_required  # personal-data export: signed in or re-authenticated within 10 minutes (issue 9)
@require_http_methods(["GET", "POST"])
@domain_errors
def draft(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """A draft prefilled from the case: edit it, then download it as PDF or DOCX."""
    actor, incident = _case(request, reference)
    if kind not in DRAFT_KINDS:
        raise errors.NotFound()
    prepared = services.draft_prepare(actor=actor, incident=incident, kind=kind)
    form = DraftForm(request.POST or None, draft=prepared)
    if request.method == "POST" and form.is_valid():
        fmt = request.POST.get("format", "pdf")
        try:
            content, content_type, filename = services.draft_export(
                actor=actor, incident=incident, draft=form.edited_draft(), fmt=fmt
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    context = case_context(request, actor, incident, TAB)
    context.update(form=form, draft=prepared)
    return render(request, "duties/draft.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def explain(request: HttpRequest) -> HttpResponse:
    """Each duty, the rules behind it and Sonae's readings R1–R17, in plain Japanese (any signed-in user)."""
    return render(
        request,
        "duties/explain.html",
        {
            "duties": explain_content.DUTIES,
            "rules": explain_content.RULES,
            "readings": explain_content.READINGS,
        },
    )
