"""Incidents seen from the hospital (notices, shared facts, own duties, drafts, joint report) and the questions and
answers between hospital and contractor, from both sides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind
from sonae.hospitals import selectors, services
from sonae.hospitals.drafts import DRAFT_KINDS, draft_context
from sonae.hospitals.forms import AnswerForm, QuestionForm

from .common import actor_for, add_form_error, domain_errors, file_response, redirect_with_error

HOSPITAL = OrganisationKind.HOSPITAL
PROVIDER = OrganisationKind.PROVIDER


# --- the hospital's side --------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def notices(request: HttpRequest) -> HttpResponse:
    """Notices received, each with the hospital's own preliminary target and final due date."""
    actor = actor_for(request, "hospitals.case.view", HOSPITAL)
    rows = []
    seen: dict[int, selectors.HospitalDuties] = {}
    for notice in selectors.notices_with_duties(actor):
        if notice.incident_id not in seen:
            seen[notice.incident_id] = selectors.notice_duties(notice)
        rows.append((notice, seen[notice.incident_id]))
    return render(request, "hospitals/notices.html", {"rows": rows})


def _case_context(request: HttpRequest, actor, notice, tab: str) -> dict:
    view = selectors.case_view(actor, notice)
    return {
        "view": view,
        "notice": notice,
        "incident": view.incident,
        "tab": tab,
        "may_acknowledge": actor.may("hospital_notice.acknowledge") and not notice.acknowledged_at,
        "may_draft": actor.may("hospitals.case.draft"),
        "may_joint": actor.may("hospitals.joint_report.set"),
        "may_post": actor.may("hospitals.question.post"),
        "draft_kinds": DRAFT_KINDS,
    }


@login_required
@require_GET
@domain_errors
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.case.view", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    return render(request, "hospitals/notice.html", _case_context(request, actor, found, "notice"))


@login_required
@require_POST
@domain_errors
def notice_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge receipt (the incidents app's acknowledgement service) and come back to this page."""
    actor = actor_for(request, "hospitals.case.view", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    try:
        services.notice_acknowledge(actor=actor, notice=found)
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "hospitals:notice", pk)
    messages.success(request, "受領を確認しました。送信元の事業者に通知されます。")
    return redirect("hospitals:notice", pk)


@login_required
@require_POST
@domain_errors
def notice_joint(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.joint_report.set", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    enabled = request.POST.get("enabled") == "1"
    services.joint_report_set(
        actor=actor, incident=found.incident, hospital=actor.organisation, enabled=enabled
    )
    messages.success(request, "連名報告にしました。" if enabled else "連名報告を取りやめました。")
    return redirect("hospitals:notice", pk)


@login_required
@require_GET
@domain_errors
def notice_draft(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The draft on screen (same body as the PDF)."""
    actor = actor_for(request, "hospitals.case.view", HOSPITAL)
    if kind not in DRAFT_KINDS:
        raise Http404
    found = selectors.notice_get(actor, pk)
    context = _case_context(request, actor, found, f"draft_{kind}")
    context.update(draft_context(context["view"], actor.organisation))
    context.update(kind=kind, draft=DRAFT_KINDS[kind])
    return render(request, "hospitals/draft.html", context)


@login_required
@require_GET
@domain_errors
def notice_draft_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    actor = actor_for(request, "hospitals.case.draft", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    pdf = services.draft_pdf(actor=actor, notice=found, kind=kind)
    name = f"{found.incident.reference}-{DRAFT_KINDS[kind]['filename']}.pdf"
    return file_response(pdf, name, "application/pdf")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def notice_questions(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.question.view", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        actor_for(request, "hospitals.question.post", HOSPITAL)
        if form.is_valid():
            try:
                services.question_post(
                    actor=actor, incident=found.incident, hospital=actor.organisation, **form.cleaned_data
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, "質問を送りました。")
                return redirect("hospitals:notice_questions", pk)
    context = _case_context(request, actor, found, "questions")
    context.update(
        threads=selectors.threads_for(found.incident, actor.organisation),
        form=form,
        answer_form=AnswerForm(),
        answer_url_name="hospitals:notice_answer",
        answer_url_arg=found.pk,
    )
    return render(
        request, "hospitals/notice_questions.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
@domain_errors
def notice_answer(request: HttpRequest, pk: int, thread: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.question.post", HOSPITAL)
    found = selectors.notice_get(actor, pk)
    root = selectors.thread_get(found.incident, actor.organisation, thread)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "回答を入力してください。")
    else:
        try:
            services.answer_post(actor=actor, thread=root, body=form.cleaned_data["body"])
        except errors.InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "回答を送りました。")
    return redirect("hospitals:notice_questions", pk)


# --- the provider's side ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def case_questions(request: HttpRequest, reference: str) -> HttpResponse:
    """The provider's conversations with the hospitals notified of its case, and the joint-report flags."""
    actor = actor_for(request, "hospitals.question.view", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    hospitals = selectors.notified_hospitals(incident)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        actor_for(request, "hospitals.question.post", PROVIDER)
        hospital = selectors.hospital_of_case_get(actor, incident, request.POST.get("hospital"))
        if form.is_valid():
            try:
                services.question_post(actor=actor, incident=incident, hospital=hospital, **form.cleaned_data)
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, f"{hospital.name} に質問を送りました。")
                return redirect("hospitals:case_questions", incident.reference)
    sections = [
        {
            "hospital": hospital,
            "threads": selectors.threads_for(incident, hospital),
            "joint": selectors.joint_report_for(incident, hospital),
        }
        for hospital in hospitals
    ]
    return render(
        request,
        "hospitals/case_questions.html",
        {
            "incident": incident,
            "sections": sections,
            "form": form,
            "answer_form": AnswerForm(),
            "may_post": actor.may("hospitals.question.post"),
            "may_joint": actor.may("hospitals.joint_report.set"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@domain_errors
def case_answer(request: HttpRequest, reference: str, thread: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.question.post", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    hospital = selectors.hospital_of_case_get(actor, incident, request.POST.get("hospital"))
    root = selectors.thread_get(incident, hospital, thread)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "回答を入力してください。")
    else:
        try:
            services.answer_post(actor=actor, thread=root, body=form.cleaned_data["body"])
        except errors.InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "回答を送りました。")
    return redirect("hospitals:case_questions", incident.reference)


@login_required
@require_POST
@domain_errors
def case_joint(request: HttpRequest, reference: str, hospital: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.joint_report.set", PROVIDER)
    incident = selectors.case_for_provider(actor, reference)
    other = selectors.hospital_of_case_get(actor, incident, hospital)
    enabled = request.POST.get("enabled") == "1"
    services.joint_report_set(actor=actor, incident=incident, hospital=other, enabled=enabled)
    messages.success(
        request, f"{other.name} との連名報告を{'設定しました' if enabled else '取りやめました'}。"
    )
    return redirect("hospitals:case_questions", incident.reference)
