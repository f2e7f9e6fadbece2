"""The provider's side: the hospitals it works for, their links, its sharing consents, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind
from sonae.hospitals import selectors, services
from sonae.hospitals.forms import ConsentForm, InvitationForm, LinkDeclareForm
from sonae.hospitals.models import LinkStatus
from sonae.hospitals.rules import SHARING_SECTIONS

from .common import actor_for, add_form_error, domain_errors, now_and_today, redirect_with_error

PROVIDER = OrganisationKind.PROVIDER


@login_required
@require_GET
@domain_errors
def links(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.view", PROVIDER)
    return render(
        request,
        "hospitals/links.html",
        {
            "links": selectors.links_for_provider(actor),
            "invitations": selectors.invitations_for_provider(actor),
            "may_declare": actor.may("hospitals.link.declare"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def link_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.declare", PROVIDER)
    form = LinkDeclareForm(
        request.POST or None, hospitals=selectors.hospital_choices(), sites=selectors.site_choices()
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = services.link_declare(actor=actor, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request,
                f"{link.hospital.name} に委託先としての登録を申請しました。承認されると共有が始まります。",
            )
            return redirect("hospitals:link", link.pk)
    return render(
        request, "hospitals/link_new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def invitation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.declare", PROVIDER)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(actor=actor, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request, f"{invitation.hospital_name} に招待メールを送りました（有効期限30日）。"
            )
            return redirect("hospitals:links")
    return render(
        request,
        "hospitals/invitation_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """One link: its terms, its status and the sharing consents for that hospital (admins change them)."""
    actor = actor_for(request, "hospitals.link.view", PROVIDER)
    found = selectors.link_get_for_provider(actor, pk)
    may_consent = actor.may("hospitals.consent.manage") and found.status in (
        LinkStatus.PENDING,
        LinkStatus.ACCEPTED,
    )
    initial = {code: found.shares(code) for code in SHARING_SECTIONS}
    form = ConsentForm(request.POST or None, initial=initial) if may_consent else None
    if request.method == "POST":
        if not may_consent:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.consent_update(actor=actor, link=found, **form.cleaned_data)
            except (errors.InvalidInput, errors.IllegalTransition) as exc:
                add_form_error(form, exc)
            else:
                messages.success(
                    request, f"{found.hospital.name} への共有設定を保存しました。すぐに反映されます。"
                )
                return redirect("hospitals:link", found.pk)
    now, today = now_and_today()
    return render(
        request,
        "hospitals/link.html",
        {
            "link": found,
            "form": form,
            "consents": [(label, found.shares(code)) for code, label in SHARING_SECTIONS.items()],
            "may_end": actor.may("hospitals.link.declare")
            and found.status in (LinkStatus.PENDING, LinkStatus.ACCEPTED),
            # What the hospital sees with the current consents (the provider previews its own data).
            "preview": selectors.posture_for(found, now=now, today=today),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@domain_errors
def link_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.declare", PROVIDER)
    found = selectors.link_get_for_provider(actor, pk)
    try:
        services.link_transition(actor=actor, link=found, to_status=LinkStatus.ENDED)
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "hospitals:link", pk)
    messages.success(request, f"{found.hospital.name} との委託関係を終了しました。共有も止まります。")
    return redirect("hospitals:links")


@login_required
@require_POST
@domain_errors
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "hospitals.link.declare", PROVIDER)
    found = selectors.invitation_get_for_provider(actor, pk)
    try:
        services.invitation_cancel(actor=actor, invitation=found)
    except errors.IllegalTransition as exc:
        return redirect_with_error(request, exc, "hospitals:links")
    messages.success(request, f"{found.hospital_name} への招待を取り消しました。")
    return redirect("hospitals:links")
