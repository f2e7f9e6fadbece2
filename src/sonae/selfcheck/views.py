"""Pages of the self-check app. Thin: parse, call one selector or service, render.

Providers use every page for their own organisation; other organisation kinds get 403; an object of another
organisation is 404 (the selectors answer NotFound). The symptom checklist is public.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.jp.calendar import tokyo_date

from . import documents, selectors, services
from .forms import ExposureForm, SelfCheckForm, StepNotesForm, VendorChecklistForm, section_formset
from .rules import bcp as bcp_rules
from .rules.exposure import items_summary
from .rules.symptoms import SYMPTOMS


def _actor(request: HttpRequest, action: str = "selfcheck.view"):
    actor = request.actor
    if not actor or actor.kind != "provider" or not actor.may(action):
        raise PermissionDenied
    return actor


def domain_errors(view):
    """NotFound → 404 and PermissionDenied → 403 for page views (the API has its own envelope)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except errors.NotFound:
            raise Http404 from None
        except errors.PermissionDenied:
            raise PermissionDenied from None

    return wrapper


def reverse_or_none(name: str, *args) -> str | None:
    """The URL of ``name``, or None while the page's app is not built yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _today():
    return tokyo_date(timezone.now())


# --- overview and self-check --------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(
        request,
        "selfcheck/index.html",
        {
            "panel": selectors.risk_panel(actor),
            "chart": selectors.history_chart(actor),
            "checks": selectors.self_checks_for(actor)[:5],
            "can_answer": actor.may("selfcheck.answer"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def check(request: HttpRequest) -> HttpResponse:
    """The 25 questions; submitting stores the check and shows its result."""
    actor = _actor(request, "selfcheck.answer")
    form = SelfCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.self_check_submit(actor=actor, answers=form.cleaned_data)
        except errors.InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "セルフチェックの結果を保存しました。")
            return redirect("selfcheck:check_detail", pk=saved.pk)
    return render(request, "selfcheck/check_form.html", {"form": form})


@login_required
@require_GET
@domain_errors
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    check = selectors.self_check_get(actor, pk)
    return render(request, "selfcheck/check_detail.html", documents.check_context(check))


@login_required
@require_GET
@domain_errors
def check_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    check = selectors.self_check_get(actor, pk)
    return _pdf_response(*documents.check_pdf(check, actor.organisation))


@login_required
@require_GET
@domain_errors
def history(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(
        request,
        "selfcheck/history.html",
        {"chart": selectors.history_chart(actor), "checks": selectors.self_checks_for(actor)[:50]},
    )


# --- vendor checklist ---------------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def vendor_checklist(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    checklists = list(selectors.vendor_checklists_for(actor)[:20])
    latest = checklists[0] if checklists else None
    return render(
        request,
        "selfcheck/vendor_checklist.html",
        {
            "latest": latest,
            "summary": selectors.vendor_checklist_summary(latest) if latest else None,
            "checklists": checklists,
            "can_edit": actor.may("selfcheck.vendor_checklist.edit"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def vendor_checklist_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, "selfcheck.vendor_checklist.edit")
    initial = {"checked_on": _today()}
    latest = selectors.vendor_checklists_for(actor).first()
    if latest is not None:
        # Start from the last answers: most items stay the same from one check to the next.
        for code, raw in latest.answers.items():
            initial[f"{code}__answer"] = raw.get("answer")
            initial[f"{code}__target_date"] = raw.get("target_date")
            initial[f"{code}__note"] = raw.get("note", "")
    form = VendorChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.vendor_checklist_submit(
                actor=actor, checked_on=form.cleaned_data["checked_on"], answers=form.answers()
            )
        except errors.InvalidInput as exc:
            form.add_error(form.field_for(exc.field), exc.message)
        else:
            messages.success(request, "チェックリストを保存しました。")
            return redirect("selfcheck:vendor_checklist_detail", pk=saved.pk)
    return render(request, "selfcheck/vendor_checklist_form.html", {"form": form})


@login_required
@require_GET
@domain_errors
def vendor_checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    checklist = selectors.vendor_checklist_get(actor, pk)
    return render(request, "selfcheck/vendor_checklist_detail.html", documents.checklist_context(checklist))


@login_required
@require_GET
@domain_errors
def vendor_checklist_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    checklist = selectors.vendor_checklist_get(actor, pk)
    services.vendor_checklist_exported(actor=actor, checklist=checklist, fmt="xlsx")
    content, filename = documents.checklist_xlsx(checklist)
    response = HttpResponse(content, content_type=documents.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
@domain_errors
def vendor_checklist_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    checklist = selectors.vendor_checklist_get(actor, pk)
    services.vendor_checklist_exported(actor=actor, checklist=checklist, fmt="pdf")
    return _pdf_response(*documents.checklist_pdf(checklist, actor.organisation))


# --- exposure estimate --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def exposure(request: HttpRequest) -> HttpResponse:
    """The estimate form; submitting computes, saves and shows the estimate against the plans."""
    actor = _actor(request, "selfcheck.exposure.save")
    form = ExposureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.exposure_estimate_save(
                actor=actor,
                data_items=data["data_items"],
                persons=data["persons"],
                social_responsibility=data["social_responsibility"],
                response_evaluation=data["response_evaluation"],
                response_months=data["response_months"],
                system_damage=data["system_damage"],
            )
        except errors.InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("selfcheck:exposure_detail", pk=saved.pk)
    return render(
        request,
        "selfcheck/exposure_form.html",
        {"form": form, "estimates": selectors.exposure_estimates_for(actor)[:10]},
    )


@login_required
@require_GET
@domain_errors
def exposure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    estimate = selectors.exposure_estimate_get(actor, pk)
    inputs = estimate.result.get("inputs", {})
    return render(
        request,
        "selfcheck/exposure_detail.html",
        {
            "estimate": estimate,
            "result": estimate.result,
            "items_text": items_summary(inputs.get("data_items", [])),
            "comparisons": estimate.comparisons,
        },
    )


# --- cyber-BCP ----------------------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def bcp(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    plan = selectors.bcp_for(actor)
    context = {
        "plan": None,
        "can_edit": actor.may("selfcheck.bcp.edit"),
        "can_adopt": actor.may("selfcheck.bcp.adopt"),
        "steps_only": bcp_rules.STEPS,
    }
    if plan is not None:
        context.update(documents.bcp_context(plan))
    return render(request, "selfcheck/bcp.html", context)


@login_required
@require_POST
@domain_errors
def bcp_start(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, "selfcheck.bcp.edit")
    services.bcp_start(actor=actor)
    messages.success(request, "サイバーBCPを作成しました。事故対応窓口の電話番号を入力済みです。")
    return redirect("selfcheck:bcp")


def _plan_or_404(actor):
    plan = selectors.bcp_for(actor)
    if plan is None:
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def bcp_edit(request: HttpRequest, section: str) -> HttpResponse:
    """Edit one list section of the plan as rows (blank rows are ignored)."""
    if section not in bcp_rules.SECTION_LABELS or section == "step_notes":
        raise Http404
    actor = _actor(request, "selfcheck.bcp.edit")
    plan = _plan_or_404(actor)
    error = None
    if request.method == "POST":
        formset = section_formset(section, data=request.POST)
        if formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                services.bcp_update_section(actor=actor, plan=plan, section=section, rows=rows)
            except errors.InvalidInput as exc:
                error = exc.message
            else:
                messages.success(request, f"「{bcp_rules.SECTION_LABELS[section]}」を保存しました。")
                return redirect("selfcheck:bcp")
    else:
        formset = section_formset(section, initial=getattr(plan, section) or [])
    return render(
        request,
        "selfcheck/bcp_edit.html",
        {
            "formset": formset,
            "error": error,
            "section": section,
            "section_label": bcp_rules.SECTION_LABELS[section],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def bcp_steps(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, "selfcheck.bcp.edit")
    plan = _plan_or_404(actor)
    form = StepNotesForm(request.POST or None, initial=plan.step_notes or {})
    if request.method == "POST" and form.is_valid():
        services.bcp_update_step_notes(actor=actor, plan=plan, notes=form.cleaned_data)
        messages.success(request, "各段階の手順を保存しました。")
        return redirect("selfcheck:bcp")
    guidance = {step.code: step.guidance for step in bcp_rules.STEPS}
    return render(request, "selfcheck/bcp_steps.html", {"form": form, "guidance": guidance})


@login_required
@require_POST
@domain_errors
def bcp_transition(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, "selfcheck.bcp.adopt")
    plan = _plan_or_404(actor)
    try:
        services.bcp_transition(actor=actor, plan=plan, to=request.POST.get("to", ""))
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "サイバーBCPの状態を更新しました。")
    return redirect("selfcheck:bcp")


@login_required
@require_POST
@domain_errors
def bcp_review(request: HttpRequest) -> HttpResponse:
    actor = _actor(request, "selfcheck.bcp.adopt")
    plan = _plan_or_404(actor)
    try:
        services.bcp_mark_reviewed(actor=actor, plan=plan)
    except errors.IllegalTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "見直しを記録しました。次の見直しは1年後です。")
    return redirect("selfcheck:bcp")


@login_required
@require_GET
@domain_errors
def bcp_pdf(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    plan = _plan_or_404(actor)
    services.bcp_exported(actor=actor, plan=plan)
    return _pdf_response(*documents.bcp_pdf(plan, actor.organisation))


# --- public symptom checklist -------------------------------------------------------------------------------------


def symptom_links(request: HttpRequest) -> tuple[str | None, list[tuple]]:
    """(report URL or None, [(symptom, link)]): a provider who is signed in goes to the incident report with the
    symptom preselected; everyone else (or while the report page does not exist) calls the desk."""
    actor = getattr(request, "actor", None) if request.user.is_authenticated else None
    report_url = reverse_or_none("incidents:report") if actor and actor.kind == "provider" else None
    tel = "tel:" + settings.SONAE_DESK_PHONE.replace("-", "")
    return report_url, [(s, f"{report_url}?symptom={s.code}" if report_url else tel) for s in SYMPTOMS]


@require_GET
def symptoms(request: HttpRequest) -> HttpResponse:
    """「こんなときはすぐにご連絡を」: the flyer's eight symptoms. Public (no login)."""
    report_url, rows = symptom_links(request)
    return render(
        request,
        "selfcheck/symptoms.html",
        {"rows": rows, "report_url": report_url, "desk_phone": settings.SONAE_DESK_PHONE},
    )
