"""Pages of individuals' rights requests: the case tab, a request, and the hospital's forwarded list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.security import require_recent_auth
from sonae.incidents.views.common import add_form_error, case_context, case_for, domain_errors
from sonae.jp.calendar import tokyo_date

from . import letters, selectors, services
from .forms import DecideForm, ReasonForm, ReplyForm, RequestForm, VerifyForm
from .models import Decision, Kind

TAB = "rights"


def _today():
    return tokyo_date(timezone.now())


@login_required
@require_GET
@domain_errors
def case_list(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    items = list(selectors.requests_for_incident(actor, incident))
    context = case_context(request, actor, incident, TAB)
    today = _today()
    context.update(
        items=[(item, item.is_late(today)) for item in items],
        summary=selectors.report(selectors.requests_for_incident(actor, incident), today=today),
        may_manage=actor.may("rights.manage"),
    )
    return render(request, "rights/case_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def request_new(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    selectors.requests_for_incident(actor, incident)
    if not actor.may("rights.manage"):
        raise errors.PermissionDenied()
    # One click from the call-centre look-up: ?victim=<id>&channel=call
    initial = {
        "received_on": _today(),
        "victim_id": request.GET.get("victim") or None,
        "channel": request.GET.get("channel") or "call",
    }
    form = RequestForm(request.POST or None, initial=initial, entrusted=incident.is_entrusted)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.rights_request_receive(actor=actor, incident=incident, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            if created.forwarded_to_id:
                messages.info(
                    request,
                    f"委託元（{created.forwarded_to.name}）へ転送しました。請求者にその旨をお知らせください。",
                )
            else:
                messages.success(request, "請求を受け付けました。")
            return redirect("rights:detail", incident.reference, created.pk)
    context = case_context(request, actor, incident, TAB)
    context["form"] = form
    return render(request, "rights/new.html", context, status=400 if request.method == "POST" else 200)


def _detail_context(request, actor, incident, item, **forms_) -> dict:
    context = case_context(request, actor, incident, TAB)
    context.update(
        item=item,
        late=item.is_late(_today()),
        may_manage=actor.may("rights.manage"),
        verify_form=forms_.get("verify") or VerifyForm(),
        decide_form=forms_.get("decide") or DecideForm(kind=item.kind),
        reply_form=forms_.get("reply") or ReplyForm(initial={"replied_on": _today()}),
        reason_form=ReasonForm(),
    )
    return context


@login_required
@require_GET
@domain_errors
def request_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = case_for(request, reference)
    item = selectors.request_get(actor, reference, pk)
    return render(request, "rights/detail.html", _detail_context(request, actor, incident, item))


@login_required
@require_POST
@domain_errors
def request_action(request: HttpRequest, reference: str, pk: int, action: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    item = selectors.request_get(actor, reference, pk)
    forms_map = {"verify": VerifyForm, "reply": ReplyForm}
    form = (
        DecideForm(request.POST, kind=item.kind)
        if action == "decide"
        else forms_map.get(action, VerifyForm)(request.POST)
    )
    if action == "close":
        try:
            services.rights_request_close(actor=actor, request=item)
        except errors.IllegalTransition as exc:
            messages.error(request, exc.message)
        return redirect("rights:detail", reference, pk)
    if form.is_valid():
        service = {
            "verify": services.rights_request_verify_identity,
            "decide": services.rights_request_decide,
            "reply": services.rights_request_reply,
        }.get(action)
        if service is None:
            raise errors.NotFound()
        try:
            service(actor=actor, request=item, **form.cleaned_data)
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "記録しました。")
            return redirect("rights:detail", reference, pk)
    context = _detail_context(request, actor, incident, item, **{action: form})
    return render(request, "rights/detail.html", context, status=400)


@login_required
@require_GET
@domain_errors
def reply_letter(request: HttpRequest, reference: str, pk: int, fmt: str) -> HttpResponse:
    actor, _incident = case_for(request, reference)
    item = selectors.request_get(actor, reference, pk)
    # The letter names the requester: a personal-data export (re-authentication within 10 minutes, issue 9).
    if (
        response := require_recent_auth(request, back=reverse("rights:detail", args=[reference, pk]))
    ) is not None:
        return response
    fmt = "docx" if fmt == "docx" else "pdf"
    content = letters.reply_letter_export(actor=actor, request=item, fmt=fmt)  # audit-logged as an export
    ctype = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if fmt == "docx"
        else "application/pdf"
    )
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="reply-{item.pk}.{fmt}"'
    return response


@login_required
@require_POST
@domain_errors
def disclosure(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, _incident = case_for(request, reference)
    item = selectors.request_get(actor, reference, pk)
    if (
        response := require_recent_auth(request, back=reverse("rights:detail", args=[reference, pk]))
    ) is not None:
        return response
    if not actor.may("rights.manage"):
        raise errors.PermissionDenied()
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "閲覧・出力の理由を入力してください。")
        return redirect("rights:detail", reference, pk)
    content = letters.disclosure_package(actor=actor, request=item, reason=form.cleaned_data["reason"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="disclosure-{item.pk}.pdf"'
    return response


@login_required
@require_GET
@domain_errors
def hospital_list(request: HttpRequest) -> HttpResponse:
    items = selectors.forwarded_for(request.actor)
    if request.actor is None or not request.actor.may("rights.view_forwarded"):
        raise errors.NotFound()
    return render(request, "rights/hospital_list.html", {"items": items})


def _hospital_context(request: HttpRequest, item, **forms_) -> dict:
    return {
        "item": item,
        "late": item.is_late(_today()),
        "may_decide": request.actor.may("rights.decide_forwarded"),
        "decide_form": forms_.get("decide") or DecideForm(kind=item.kind),
        "reply_form": forms_.get("reply") or ReplyForm(initial={"replied_on": _today()}),
    }


@login_required
@require_GET
@domain_errors
def hospital_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.forwarded_get(request.actor, pk)
    services.forwarded_request_viewed(actor=request.actor, request=item)
    return render(request, "rights/hospital_detail.html", _hospital_context(request, item))


@login_required
@require_POST
@domain_errors
def hospital_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The hospital decides a forwarded request and records its reply to the person."""
    item = selectors.forwarded_get(request.actor, pk)
    if action == "decide":
        form = DecideForm(request.POST, kind=item.kind)
        service = services.rights_request_decide_as_hospital
    elif action == "reply":
        form = ReplyForm(request.POST)
        service = services.rights_request_reply_as_hospital
    else:
        raise errors.NotFound()
    if form.is_valid():
        try:
            service(actor=request.actor, request=item, **form.cleaned_data)
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request, "記録しました。委託先にも通知しました。" if action == "decide" else "記録しました。"
            )
            return redirect("rights:hospital_detail", pk)
    context = _hospital_context(request, item, **{action: form})
    return render(request, "rights/hospital_detail.html", context, status=400)


@login_required
@require_GET
@domain_errors
def year_report(request: HttpRequest) -> HttpResponse:
    """Per programme year: requests by kind, on time vs late, outcomes (no personal data)."""
    from sonae.programme.models import ProgrammeYear

    years = list(ProgrammeYear.objects.order_by("-code").values_list("code", flat=True))
    year = request.GET.get("year") or (years[0] if years else "")
    summary = selectors.report_for_year(request.actor, year, today=_today())
    rows = {
        "by_kind": [(label, summary["by_kind"].get(code, 0)) for code, label in Kind.choices],
        "outcomes": [(label, summary["outcomes"].get(code, 0)) for code, label in Decision.choices],
    }
    return render(request, "rights/report.html", {"year": year, "years": years, "summary": summary, **rows})
