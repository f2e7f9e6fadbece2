"""Roster management (foundation, agency) and the foundation's programme statistics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.programme.models import ProgrammeYear
from sonae.programme.selectors import programme_year_get

from .. import selectors, services, stats
from ..forms import BUSINESS_FILTER, UploadForm
from ..rules import PREFECTURES
from .common import actor_for, domain_errors, now


@login_required
@require_GET
@domain_errors
def roster(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.roster.view")
    entries = selectors.roster_entries_for(actor)
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(name__icontains=q) | Q(name_kana__icontains=q) | Q(corporate_number=q))
    if request.GET.get("business"):
        entries = entries.filter(certifications__business=request.GET["business"]).distinct()
    if request.GET.get("prefecture"):
        entries = entries.filter(prefecture=request.GET["prefecture"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/roster.html",
        {
            "page": page,
            "filters": request.GET,
            "businesses": BUSINESS_FILTER,
            "prefectures": PREFECTURES,
            "can_manage": actor.may("enrolment.roster.manage"),
            "upload_form": UploadForm(),
            "imports": selectors.roster_imports_for(actor)[:10],
        },
    )


@login_required
@require_POST
@domain_errors
def roster_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.roster.manage")
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.roster_import_validate(actor=actor, file_name=upload.name, data=upload.read())
        except errors.PermissionDenied:
            raise
        except errors.InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            return redirect("enrolment:roster_import", pk=result.pk)
    else:
        messages.error(request, "ファイルを選んでください。")
    return redirect("enrolment:roster")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The validation result of an upload: every bad row with its line; commit (all, or the valid rows only when
    the user ticks it explicitly) or discard."""
    actor = actor_for(request, "enrolment.roster.manage")
    upload = selectors.roster_import_get(actor, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "discard":
                services.roster_import_discard(actor=actor, roster_import=upload)
                messages.info(request, "取込を破棄しました。名簿は変更していません。")
                return redirect("enrolment:roster")
            upload = services.roster_import_commit(
                actor=actor,
                roster_import=upload,
                accept_valid_only=request.POST.get("accept_valid_only") == "on",
            )
        except errors.PermissionDenied:
            raise
        except errors.DomainError as exc:
            messages.error(request, exc.message)
        else:
            result = upload.result
            messages.success(
                request,
                f"名簿に反映しました（新規 {result['created']}社、更新 {result['updated']}社、"
                f"変更なし {result['unchanged']}社）。",
            )
            return redirect("enrolment:roster")
    return render(request, "enrolment/roster_import.html", {"upload": upload})


@login_required
@require_GET
@domain_errors
def roster_entry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "enrolment.roster.view")
    entry = selectors.roster_entry_get(actor, pk)
    return render(
        request,
        "enrolment/roster_entry.html",
        {"entry": entry, "certifications": entry.certifications.all(), "history": entry.history.all()[:20]},
    )


@login_required
@require_GET
@domain_errors
def statistics(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request, "enrolment.statistics.view")
    code = request.GET.get("year")
    year = programme_year_get(code) if code else stats.default_year(now())
    result = stats.statistics(actor, year) if year else None
    return render(
        request,
        "enrolment/statistics.html",
        {"stats": result, "year": year, "years": ProgrammeYear.objects.exclude(terms={})},
    )
