"""The hospital's side: its contractors (table, filters, Excel, detail), link requests, the yearly checklist
request, its sites, and the invitation link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind
from sonae.hospitals import exports, selectors, services
from sonae.hospitals.forms import ChecklistRequestForm, ContractorFilterForm, LinkResponseForm, SiteForm
from sonae.hospitals.models import LinkStatus

from .common import (
    actor_for,
    add_form_error,
    domain_errors,
    file_response,
    now_and_today,
    redirect_with_error,
)

HOSPITAL = OrganisationKind.HOSPITAL
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The portal's entry: hospitals go to their contractors, providers to their hospitals."""
    actor = request.actor
    if actor and actor.kind == HOSPITAL and actor.may("hospitals.contractor.view"):
        return redirect("hospitals:contractors")
    if actor and actor.kind == OrganisationKind.PROVIDER and actor.may("hospitals.link.view"):
        return redirect("hospitals:links")
    raise PermissionDenied


def _filters(request: HttpRequest, actor) -> tuple[ContractorFilterForm, selectors.ContractorFilters]:
    form = ContractorFilterForm(request.GET or None, sites=selectors.sites_for(actor))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.ContractorFilters(
            business=data["business"],
            insured=data["insured"],
            checklist=data["checklist"],
            site=data["site"],
            q=data["q"],
        )
    return form, selectors.ContractorFilters()


@login_required
@require_GET
@domain_errors
def contractors(request: HttpRequest) -> HttpResponse:
    """The hospital dashboard: its contractors in one table with filters, link requests to answer, the yearly
    checklist request."""
    actor = actor_for(request, "hospitals.contractor.view", HOSPITAL)
    now, today = now_and_today()
    form, filters = _filters(request, actor)
    rows = selectors.contractor_rows(actor, now=now, today=today, filters=filters)
    if rows:
        services.shared_view_record(actor=actor, links=[r.link for r in rows], what="list")
    this_year = selectors.checklist_request_this_year(actor, today)
    return render(
        request,
        "hospitals/contractors.html",
        {
            "rows": rows,
            "filter_form": form,
            "filters": filters,
            "requests": selectors.link_requests_for(actor),
            "checklist_request": this_year,
            "request_form": None if this_year else ChecklistRequestForm(),
            "may_request": actor.may("hospitals.checklist_request.send"),
            "may_respond": actor.may("hospitals.link.respond"),
            "may_export": actor.may("hospitals.export"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
@domain_errors
def contractors_export(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "hospitals.export", HOSPITAL)
    now, today = now_and_today()
    _, filters = _filters(request, actor)
    rows = selectors.contractor_rows(actor, now=now, today=today, filters=filters)
    content = exports.contractors_workbook(rows)
    services.shared_view_record(actor=actor, links=[r.link for r in rows], what="export")
    return file_response(content, f"contractors-{today.isoformat()}.xlsx", XLSX)


@login_required
@require_GET
@domain_errors
def contractor(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.contractor.view", HOSPITAL)
    now, today = now_and_today()
    link = selectors.contractor_link_get(actor, pk)
    posture = selectors.posture_for(link, now=now, today=today)
    services.shared_view_record(actor=actor, links=[link], what="detail")
    notices = selectors.notices_for(actor).filter(incident__provider=link.provider)
    return render(
        request,
        "hospitals/contractor.html",
        {
            "posture": posture,
            "link": link,
            "notices": notices,
            "may_end": actor.may("hospitals.link.respond"),
        },
    )


@login_required
@require_POST
@domain_errors
def contractor_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.respond", HOSPITAL)
    link = selectors.contractor_link_get(actor, pk)
    try:
        services.link_transition(actor=actor, link=link, to_status=LinkStatus.ENDED)
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "hospitals:contractor", pk)
    messages.success(request, f"{link.provider.name} との委託関係を終了しました。")
    return redirect("hospitals:contractors")


@login_required
@require_POST
@domain_errors
def link_respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline a provider's declaration."""
    actor = actor_for(request, "hospitals.link.respond", HOSPITAL)
    link = selectors.link_request_get(actor, pk)
    form = LinkResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "承認するかどうかを選んでください。")
        return redirect("hospitals:contractors")
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.link_transition(
            actor=actor,
            link=link,
            to_status=LinkStatus.ACCEPTED if accept else LinkStatus.DECLINED,
            note=form.cleaned_data["note"],
        )
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "hospitals:contractors")
    if accept:
        messages.success(request, f"{link.provider.name} を委託先として承認しました。")
    else:
        messages.info(request, f"{link.provider.name} の登録申請を承認しませんでした。")
    return redirect("hospitals:contractors")


@login_required
@require_POST
@domain_errors
def checklist_request(request: HttpRequest) -> HttpResponse:
    """One click: ask every contractor to update the checklist this fiscal year."""
    actor = actor_for(request, "hospitals.checklist_request.send", HOSPITAL)
    form = ChecklistRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "回答期限と依頼文を確認してください。")
        return redirect("hospitals:contractors")
    try:
        sent = services.checklist_request_send(actor=actor, **form.cleaned_data)
    except errors.InvalidInput as exc:
        return redirect_with_error(request, exc, "hospitals:contractors")
    messages.success(
        request,
        f"{sent.recipients.count()}件の委託先にチェックリストの更新を依頼しました。未回答の委託先には毎週督促します。",
    )
    return redirect("hospitals:contractors")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def sites(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "hospitals.contractor.view", HOSPITAL)
    may_manage = actor.may("hospitals.site.manage")
    form = SiteForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.site_create(actor=actor, **form.cleaned_data)
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, "施設を登録しました。")
                return redirect("hospitals:sites")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "hospitals/sites.html",
        {"sites": selectors.sites_for(actor), "form": form, "may_manage": may_manage},
        status=status,
    )


@login_required
@require_POST
@domain_errors
def site_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.site.manage", HOSPITAL)
    site = selectors.site_get(actor, pk)
    services.site_set_active(actor=actor, site=site, active=not site.is_active)
    return redirect("hospitals:sites")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The token link of an e-mail invitation. A hospital admin who is signed in attaches the link to its
    organisation; anyone else is told what to do (the token's invitation is not shown to them)."""
    now, _ = now_and_today()
    found = selectors.invitation_get_by_token(token, now=now)
    actor = request.actor
    may_accept = bool(actor and actor.kind == HOSPITAL and actor.may("hospitals.invitation.accept"))
    if request.method == "POST":
        if not may_accept:
            raise PermissionDenied
        link = services.invitation_accept(actor=actor, token=token)
        messages.success(request, f"{link.provider.name} を委託先として登録しました。")
        return redirect("hospitals:contractor", link.pk)
    return render(
        request,
        "hospitals/invitation.html",
        {"invitation": found if may_accept else None, "provider": found.provider, "may_accept": may_accept},
        status=200 if may_accept else 403,
    )
