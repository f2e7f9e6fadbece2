"""Import pages: upload → column mapping → validation (task, progress) → errors and duplicates → confirm →
commit (task, progress) → done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sonae.core import errors
from sonae.victims import selectors
from sonae.victims.forms import MappingForm, UploadForm
from sonae.victims.importing.columns import target_label
from sonae.victims.models import ImportJob, ImportStatus, IssueKind
from sonae.victims.services import imports

from .common import case_for, domain_errors, page_context, provider_case_for


def _job(request, reference: str, pk: int):
    actor, incident, case = case_for(request, reference)
    return actor, incident, case, selectors.import_job_get(actor, incident, pk)


@login_required
@require_GET
@domain_errors
def imports_list(request, reference: str):
    actor, incident, case = provider_case_for(request, reference)
    context = page_context(request, actor, incident, case, "imports")
    context.update(jobs=selectors.import_jobs_for(actor, incident), form=UploadForm())
    return render(request, "victims/imports.html", context)


@login_required
@require_POST
@domain_errors
def import_new(request, reference: str):
    actor, incident, case = case_for(request, reference)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(actor=actor, incident=incident, name=upload.name, upload=upload)
        except errors.InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("victims:import_detail", incident.reference, job.pk)
    context = page_context(request, actor, incident, case, "imports")
    context.update(jobs=selectors.import_jobs_for(actor, incident), form=form)
    return render(request, "victims/imports.html", context, status=400)


@login_required
@require_GET
@domain_errors
def import_detail(request, reference: str, pk: int):
    actor, incident, case, job = _job(request, reference, pk)
    context = page_context(request, actor, incident, case, "imports")
    context["job"] = job
    if job.status in (ImportStatus.UPLOADED, ImportStatus.FAILED) or request.GET.get("remap"):
        context["mapping_form"] = _mapping_form(job)
    kind = request.GET.get("kind")
    issues = selectors.import_issues(job, kind if kind in IssueKind.values else None)
    context["issues"] = Paginator(issues, 100).get_page(request.GET.get("page"))
    context["mapping_pairs"] = [(h, target_label(t)) for h, t in zip(job.headers, job.mapping, strict=False)]
    return render(request, "victims/import_detail.html", context)


def _mapping_form(job: ImportJob, data=None) -> MappingForm:
    initial = {f"col_{i}": target for i, target in enumerate(job.mapping)}
    initial.update(default_items=job.default_items, duplicate_policy=job.duplicate_policy)
    return MappingForm(data, headers=job.headers, initial=initial)


@login_required
@require_GET
@domain_errors
def import_progress(request, reference: str, pk: int):
    """The progress bar (htmx polls it every second while the task runs; it stops polling when done)."""
    actor, incident, case, job = _job(request, reference, pk)
    return render(request, "victims/_import_progress.html", {"job": job, "incident": incident})


@login_required
@require_POST
@domain_errors
def import_map(request, reference: str, pk: int):
    """Save the mapping and start the validation task."""
    actor, incident, case, job = _job(request, reference, pk)
    form = _mapping_form(job, request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                job = imports.import_job_map(
                    actor=actor,
                    job=job,
                    mapping=form.mapping(),
                    default_items=form.cleaned_data["default_items"],
                    duplicate_policy=form.cleaned_data["duplicate_policy"],
                )
                imports.import_validation_start(actor=actor, job=job)
        except (errors.InvalidInput, errors.IllegalTransition) as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("victims:import_detail", incident.reference, job.pk)
    context = page_context(request, actor, incident, case, "imports")
    context.update(job=job, mapping_form=form, issues=None)
    return render(request, "victims/import_detail.html", context, status=400)


@login_required
@require_POST
@domain_errors
def import_confirm(request, reference: str, pk: int):
    """The user's decision on duplicates, then the commit task."""
    actor, incident, case, job = _job(request, reference, pk)
    lines = {int(v) for v in request.POST.getlist("import_line") if v.isdigit()}
    try:
        imports.import_commit_start(actor=actor, job=job, import_lines=lines)
    except (errors.InvalidInput, errors.IllegalTransition) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "取り込みを開始しました。")
    return redirect("victims:import_detail", incident.reference, job.pk)


@login_required
@require_POST
@domain_errors
def import_cancel(request, reference: str, pk: int):
    actor, incident, case, job = _job(request, reference, pk)
    try:
        imports.import_cancel(actor=actor, job=job)
    except errors.IllegalTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "取り込みを取り消しました（何も取り込んでいません）。")
    return redirect("victims:imports", incident.reference)
