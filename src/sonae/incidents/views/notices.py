"""委託元への通知: the case tab (provider, desk) and the hospital's inbox with acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.incidents import selectors, services
from sonae.incidents.forms import NoticeEditForm

from .common import actor_for, add_form_error, case_context, case_for, domain_errors, redirect_with_error


def _pdf_response(notice) -> HttpResponse:
    response = HttpResponse(services.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{notice.incident.reference}-notice-{notice.pk}.pdf"'
    )
    return response


@login_required
@require_GET
@domain_errors
def notices(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    context = case_context(request, actor, incident, "notices")
    context.update(
        notices=selectors.notices_for_incident(actor, incident),
        may_prepare=actor.may("hospital_notice.prepare") and context["may_work"] and incident.is_entrusted,
    )
    return render(request, "incidents/case_notices.html", context)


@login_required
@require_POST
@domain_errors
def notice_create(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    try:
        notice = services.hospital_notice_create(actor=actor, incident=incident)
    except errors.InvalidInput as exc:
        return redirect_with_error(request, exc, "incidents:notices", incident.reference)
    messages.success(request, "通知の下書きを作成しました。内容を確認して送信してください。")
    return redirect("incidents:notice_edit", incident.reference, notice.pk)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def notice_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = case_for(request, reference)
    notice = selectors.notice_get_for_incident(actor, incident, pk)
    may_edit = (
        actor.may("hospital_notice.prepare") and selectors.may_work_on(actor, incident) and not notice.sent_at
    )
    form = None
    if may_edit:
        form = NoticeEditForm(
            request.POST or None, initial={"subject": notice.subject, "letter_text": notice.letter_text}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.hospital_notice_update(actor=actor, notice=notice, **form.cleaned_data)
            except (errors.InvalidInput, errors.IllegalTransition) as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, "通知の本文を保存しました。")
                return redirect("incidents:notice_edit", incident.reference, notice.pk)
    elif request.method == "POST":
        raise errors.PermissionDenied()
    context = case_context(request, actor, incident, "notices")
    context.update(notice=notice, form=form, may_edit=may_edit)
    return render(
        request, "incidents/notice_edit.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
@domain_errors
def notice_send(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = case_for(request, reference)
    notice = selectors.notice_get_for_incident(actor, incident, pk)
    try:
        services.hospital_notice_send(actor=actor, notice=notice)
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        return redirect_with_error(request, exc, "incidents:notice_edit", incident.reference, notice.pk)
    messages.success(request, f"{notice.recipient_name} へ通知を送信しました。")
    return redirect("incidents:notices", incident.reference)


@login_required
@require_GET
@domain_errors
def notice_pdf(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = case_for(request, reference)
    return _pdf_response(selectors.notice_get_for_incident(actor, incident, pk))


# --- the hospital's side ---------------------------------------------------------------------------------------


@login_required
@require_GET
@domain_errors
def hospital_notices(request: HttpRequest) -> HttpResponse:
    """Notices addressed to the hospital (nothing else of the cases)."""
    actor = actor_for(request, "hospital_notice.view")
    return render(
        request, "incidents/hospital_notices.html", {"notices": selectors.hospital_notices_for(actor)}
    )


@login_required
@require_GET
@domain_errors
def hospital_notice(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospital_notice.view")
    notice = selectors.hospital_notice_get(actor, pk)
    return render(
        request,
        "incidents/hospital_notice.html",
        {
            "notice": notice,
            "may_acknowledge": actor.may("hospital_notice.acknowledge") and not notice.acknowledged_at,
        },
    )


@login_required
@require_POST
@domain_errors
def hospital_notice_ack(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospital_notice.view")
    notice = selectors.hospital_notice_get(actor, pk)
    try:
        services.hospital_notice_acknowledge(actor=actor, notice=notice)
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "incidents:hospital_notice", notice.pk)
    messages.success(request, "受領を確認しました。送信元の事業者に通知されます。")
    return redirect("incidents:hospital_notice", notice.pk)


@login_required
@require_GET
@domain_errors
def hospital_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospital_notice.view")
    return _pdf_response(selectors.hospital_notice_get(actor, pk))
