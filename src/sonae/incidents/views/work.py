"""Case tabs for the work: タスク, 証拠, ベンダー (dispatches)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import Membership, Organisation
from sonae.core.security import recent_auth_required
from sonae.incidents import selectors, services
from sonae.incidents.forms import DispatchForm, EvidenceDownloadForm, EvidenceUploadForm, TaskForm
from sonae.incidents.services.evidence import ALLOWED_LABEL

from .common import add_form_error, case_context, case_for, domain_errors

# --- tasks -----------------------------------------------------------------------------------------------------


def _owner_choices(actor, incident) -> list[tuple[str, str]]:
    """Owners a task can be given to: the provider or the desk as a whole, or one of their people."""
    choices: list[tuple[str, str]] = []
    seen_orgs = set()
    for membership in selectors.assignable_members(actor, incident):
        org = membership.organisation
        if org.pk not in seen_orgs:
            seen_orgs.add(org.pk)
            choices.append((f"o{org.pk}", f"{org.name}（組織）"))
        choices.append((f"u{org.pk}-{membership.user_id}", f"{org.name} / {membership.user}"))
    return choices


def _parse_owner(value: str) -> tuple[Organisation | None, object | None]:
    """``o<org>`` or ``u<org>-<user>`` → (organisation, user); the service checks they belong to the case."""
    if not value:
        return None, None
    try:
        if value.startswith("o"):
            return Organisation.objects.get(pk=int(value[1:])), None
        if value.startswith("u"):
            org_pk, user_pk = (int(part) for part in value[1:].split("-", 1))
            membership = Membership.objects.select_related("organisation", "user").get(
                organisation_id=org_pk, user_id=user_pk
            )
            return membership.organisation, membership.user
    except (ValueError, Organisation.DoesNotExist, Membership.DoesNotExist):
        pass
    raise errors.InvalidInput("担当を選び直してください。", field="owner")


def _owner_value(task) -> str:
    if task.owner_user_id and task.owner_organisation_id:
        return f"u{task.owner_organisation_id}-{task.owner_user_id}"
    if task.owner_organisation_id:
        return f"o{task.owner_organisation_id}"
    return ""


def _tasks_page(request, actor, incident, form, status=200):
    context = case_context(request, actor, incident, "tasks")
    context.update(tasks=selectors.tasks_for(actor, incident), form=form)
    return render(request, "incidents/case_tasks.html", context, status=status)


@login_required
@require_GET
@domain_errors
def tasks(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    form = (
        TaskForm(owner_choices=_owner_choices(actor, incident))
        if selectors.may_work_on(actor, incident)
        else None
    )
    return _tasks_page(request, actor, incident, form)


@login_required
@require_POST
@domain_errors
def task_create(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    form = TaskForm(request.POST, owner_choices=_owner_choices(actor, incident))
    if form.is_valid():
        data = form.cleaned_data
        try:
            organisation, user = _parse_owner(data["owner"])
            services.task_create(
                actor=actor,
                incident=incident,
                title=data["title"],
                description=data["description"],
                owner_organisation=organisation,
                owner_user=user,
                due_date=data["due_date"],
                coverage_item=data["coverage_item"],
                phase=data["phase"],
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "タスクを追加しました。")
            return redirect("incidents:tasks", incident.reference)
    return _tasks_page(request, actor, incident, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def task_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Edit one task: fields, status and owner (the new owner is notified)."""
    actor, incident = case_for(request, reference)
    task = selectors.task_get(actor, incident, pk)
    if not selectors.may_work_on(actor, incident):
        raise errors.PermissionDenied()
    initial = {
        "title": task.title,
        "description": task.description,
        "owner": _owner_value(task),
        "due_date": task.due_date,
        "coverage_item": task.coverage_item,
        "phase": task.phase,
        "status": task.status,
    }
    form = TaskForm(request.POST or None, initial=initial, owner_choices=_owner_choices(actor, incident))
    if task.owner_vendor_id:
        form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(
                actor=actor,
                task=task,
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                status=data["status"],
                coverage_item=data["coverage_item"],
                phase=data["phase"],
            )
            if not task.owner_vendor_id and data["owner"] != _owner_value(task):
                organisation, user = _parse_owner(data["owner"])
                services.task_assign(actor=actor, task=task, owner_organisation=organisation, owner_user=user)
        except (errors.InvalidInput, errors.PermissionDenied) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "タスクを更新しました。")
            return redirect("incidents:tasks", incident.reference)
    context = case_context(request, actor, incident, "tasks")
    context.update(task=task, form=form)
    return render(
        request, "incidents/task_edit.html", context, status=400 if request.method == "POST" else 200
    )


# --- evidence --------------------------------------------------------------------------------------------------


def _evidence_page(request, actor, incident, upload_form=None, status=200):
    context = case_context(request, actor, incident, "evidence")
    items = list(selectors.evidence_for(actor, incident))
    context.update(
        items=items,
        upload_form=upload_form or EvidenceUploadForm(),
        allowed_label=ALLOWED_LABEL,
        max_mb=services.max_evidence_bytes() // (1024 * 1024),
    )
    return render(request, "incidents/case_evidence.html", context, status=status)


@login_required
@require_GET
@domain_errors
def evidence(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    return _evidence_page(request, actor, incident)


@login_required
@require_POST
@domain_errors
def evidence_upload(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    selectors.evidence_for(actor, incident)  # 404 for those who may not see evidence
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.check_evidence_size(upload.size)  # before reading an oversized upload into memory
            services.evidence_upload(
                actor=actor,
                incident=incident,
                name=upload.name,
                data=upload.read(),
                description=form.cleaned_data["description"],
            )
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, f"証拠「{upload.name}」を暗号化して保存しました。")
            return redirect("incidents:evidence", incident.reference)
    return _evidence_page(request, actor, incident, form, status=400)


@login_required
@recent_auth_required  # personal-data export: signed in or re-authenticated within 10 minutes (issue 9)
@require_http_methods(["GET", "POST"])
@domain_errors
def evidence_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """GET asks why; POST records the reason (chain of custody) and sends the decrypted file."""
    actor, incident = case_for(request, reference)
    item = selectors.evidence_get(actor, incident, pk)
    form = EvidenceDownloadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            file = services.evidence_download(actor=actor, evidence=item, reason=form.cleaned_data["reason"])
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            response = HttpResponse(file.content, content_type=file.content_type)
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
            response["Cache-Control"] = "no-store"
            return response
    context = case_context(request, actor, incident, "evidence")
    context.update(item=item, form=form, custody=selectors.evidence_custody(actor, item))
    return render(
        request, "incidents/evidence_download.html", context, status=400 if request.method == "POST" else 200
    )


# --- vendors of a case -----------------------------------------------------------------------------------------


def _vendors_page(request, actor, incident, form=None, status=200):
    context = case_context(request, actor, incident, "case_vendors")
    may_dispatch = actor.may("vendor.dispatch") and incident.is_open
    if may_dispatch and form is None:
        form = DispatchForm(vendors=selectors.vendors_for(actor, active_only=True))
    context.update(dispatches=selectors.dispatches_for(actor, incident), form=form, may_dispatch=may_dispatch)
    return render(request, "incidents/case_vendors.html", context, status=status)


@login_required
@require_GET
@domain_errors
def case_vendors(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    return _vendors_page(request, actor, incident)


@login_required
@require_POST
@domain_errors
def dispatch(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = case_for(request, reference)
    form = DispatchForm(request.POST, vendors=selectors.vendors_for(actor, active_only=True))
    if form.is_valid():
        try:
            services.vendor_dispatch(actor=actor, incident=incident, **form.cleaned_data)
        except errors.InvalidInput as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "ベンダーを手配し、タスクを作成しました。")
            return redirect("incidents:case_vendors", incident.reference)
    return _vendors_page(request, actor, incident, form, status=400)
