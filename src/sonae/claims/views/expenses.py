"""The 費用・保険金 tab of a case: coverage, remaining limits, expenses, approvals and claims; the expense form;
receipts; the Excel export of the case's expenses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sonae.core import errors
from sonae.core.models import OrganisationKind
from sonae.core.security import recent_auth_required
from sonae.incidents.selectors import tasks_for
from sonae.programme.coverage_items import item_label

from .. import selectors, services
from ..exports import expenses_xlsx
from ..forms import AttachmentForm, ClaimCreateForm, ExpenseForm
from ..models import ClaimStatus
from .common import actor_for, add_form_error, back_with_error, case_context, domain_errors, file_response


def _may_edit(actor, incident) -> bool:
    return (
        actor.may("claims.expense.edit")
        and actor.kind == OrganisationKind.PROVIDER
        and incident.provider_id == actor.organisation.pk
    )


def _case(request, reference, action="claims.expense.view"):
    actor = actor_for(request, action)
    return actor, selectors.case_get(actor, reference)


@login_required
@require_GET
@domain_errors
def case_expenses(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything about the money of one case."""
    actor, incident = _case(request, reference)
    coverage = selectors.coverage_for(actor, incident)
    expenses = list(selectors.expenses_for(actor, incident))
    claims = list(selectors.claims_of_case(actor, incident))
    may_edit = _may_edit(actor, incident)
    unclaimed = [e for e in expenses if e.claim_id is None]
    has_draft = any(c.status == ClaimStatus.DRAFT for c in claims)
    context = case_context(request, actor, incident)
    context.update(
        coverage=coverage,
        limits=selectors.policy_limits(coverage.policy) if coverage.ok else [],
        expenses=expenses,
        total=sum(e.amount for e in expenses),
        approvals=selectors.approvals_of_case(actor, incident),
        claims=claims,
        may_edit=may_edit,
        may_request_approval=may_edit and actor.may("claims.approval.request") and coverage.ok,
        may_claim=may_edit
        and actor.may("claims.claim.submit")
        and coverage.ok
        and unclaimed
        and not has_draft,
        has_draft=has_draft,
        claim_form=ClaimCreateForm(expenses=unclaimed) if unclaimed else None,
        may_export=actor.may("claims.export"),
    )
    return render(request, "claims/case_expenses.html", context)


def _expense_form(actor, incident, coverage, data=None, files=None, initial=None, with_receipt=True):
    approvals = [
        a for a in selectors.approvals_of_case(actor, incident) if a.status not in ("refused", "withdrawn")
    ]
    return ExpenseForm(
        data,
        files,
        initial=initial,
        coverage=coverage,
        tasks=list(tasks_for(actor, incident)),
        approvals=approvals,
        with_receipt=with_receipt,
    )


def _task_suggestions(actor, incident) -> dict:
    """Per task id: the suggested item (code and label) and payee, for the form's script."""
    result = {}
    for task in tasks_for(actor, incident).select_related("step", "owner_vendor"):
        item = services.suggest_item(task)
        result[str(task.pk)] = {
            "title": task.title,
            "item": item,
            "label": item_label(item) if item else "",
            "payee": services.suggest_payee(task),
        }
    return result


def _initial_for(incident, task) -> dict:
    initial = {"spent_on": timezone.localdate()}
    if task is not None:
        initial.update(
            task=str(task.pk), item=services.suggest_item(task), payee=services.suggest_payee(task)
        )
    return initial


def _prefill_counts(form, incident) -> None:
    individuals, corporations = services.condolence_counts(incident)
    form.initial.setdefault("individuals", individuals)
    form.initial.setdefault("corporations", corporations)


def _suggest_if_blank(form, incident) -> bool:
    """No item chosen but a task: propose the task's item and ask the user to confirm (no JavaScript needed)."""
    task = form.cleaned_data.get("task")
    if form.cleaned_data.get("item") or task is None:
        return False
    suggestion = services.suggest_item(task)
    data = form.data.copy()
    data["item"] = suggestion
    if not data.get("payee"):
        data["payee"] = services.suggest_payee(task)
    form.data = data
    form._errors = None  # re-validate with the suggestion filled in
    form.full_clean()
    if suggestion:
        again = "（領収書のファイルは選び直してください）" if form.files.get("receipt") else ""
        form.add_error(
            "item",
            f"タスク「{task.title}」から費用項目「{item_label(suggestion)}」を提案しました。"
            f"内容に合っているか確認して、もう一度登録してください{again}。",
        )
    else:
        form.add_error("item", "費用項目を選んでください。")
    return True


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def expense_create(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = _case(request, reference, "claims.expense.edit")
    coverage = selectors.coverage_for(actor, incident)
    if not _may_edit(actor, incident):
        raise errors.NotFound()
    if not coverage.ok:
        messages.error(request, coverage.reason)
        return redirect("claims:expenses", incident.reference)
    status = 200
    if request.method == "POST":
        form = _expense_form(actor, incident, coverage, request.POST, request.FILES)
        if form.is_valid() and not _suggest_if_blank(form, incident):
            data = form.cleaned_data
            upload = data.get("receipt")
            try:
                services.expense_create(
                    actor=actor,
                    incident=incident,
                    spent_on=data["spent_on"],
                    amount=data["amount"],
                    payee=data["payee"],
                    description=data["description"],
                    task=data["task"],
                    item=data["item"],
                    individuals=data["individuals"],
                    corporations=data["corporations"],
                    approval=data["approval"],
                    receipt=(upload.name, upload.read()) if upload else None,
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, "費用を登録しました。")
                return redirect("claims:expenses", incident.reference)
        status = 400
    else:
        task = None
        if request.GET.get("task"):
            task = next((t for t in tasks_for(actor, incident) if str(t.pk) == request.GET["task"]), None)
        form = _expense_form(actor, incident, coverage, initial=_initial_for(incident, task))
        _prefill_counts(form, incident)
    context = case_context(request, actor, incident)
    context.update(
        form=form, coverage=coverage, expense=None, task_suggestions=_task_suggestions(actor, incident)
    )
    return render(request, "claims/expense_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def expense_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = _case(request, reference)
    expense = selectors.expense_get(actor, pk, incident=incident)
    coverage = selectors.coverage_for(actor, incident)
    may_edit = _may_edit(actor, incident) and expense.is_editable
    status = 200
    form = None
    if request.method == "POST":
        if not _may_edit(actor, incident):
            raise errors.NotFound()
        form = _expense_form(actor, incident, coverage, request.POST, with_receipt=False)
        if form.is_valid() and not _suggest_if_blank(form, incident):
            data = form.cleaned_data
            try:
                services.expense_update(
                    actor=actor,
                    expense=expense,
                    **{name: data[name] for name in services.expenses.EDITABLE_FIELDS},
                )
            except errors.InvalidInput as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, "費用を更新しました。")
                return redirect("claims:expenses", incident.reference)
        status = 400
    elif may_edit:
        initial = {
            "spent_on": expense.spent_on,
            "amount": f"{expense.amount}",
            "payee": expense.payee,
            "description": expense.description,
            "task": str(expense.task_id or ""),
            "item": expense.item,
            "individuals": expense.individuals,
            "corporations": expense.corporations,
            "approval": str(expense.approval_id or ""),
        }
        form = _expense_form(actor, incident, coverage, initial=initial, with_receipt=False)
    context = case_context(request, actor, incident)
    context.update(
        form=form,
        coverage=coverage,
        expense=expense,
        may_edit=may_edit,
        may_attach=_may_edit(actor, incident)
        and (expense.is_editable or (expense.claim is not None and expense.claim.status == "info_requested")),
        attachment_form=AttachmentForm(),
        task_suggestions=_task_suggestions(actor, incident),
    )
    return render(request, "claims/expense_form.html", context, status=status)


@login_required
@require_POST
@domain_errors
def expense_delete(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = _case(request, reference, "claims.expense.edit")
    expense = selectors.expense_get(actor, pk, incident=incident)
    try:
        services.expense_delete(actor=actor, expense=expense)
    except errors.InvalidInput as exc:
        return back_with_error(request, exc, "claims:expenses", incident.reference)
    messages.success(request, "費用を削除しました。")
    return redirect("claims:expenses", incident.reference)


@login_required
@require_POST
@domain_errors
def expense_attach(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    actor, incident = _case(request, reference, "claims.expense.edit")
    expense = selectors.expense_get(actor, pk, incident=incident)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "添付するファイルを選んでください。")
        return redirect("claims:expense_edit", incident.reference, expense.pk)
    upload = form.cleaned_data["file"]
    try:
        services.attachment_add(
            actor=actor, expense=expense, name=upload.name, data=upload.read(), kind=form.cleaned_data["kind"]
        )
    except errors.InvalidInput as exc:
        return back_with_error(request, exc, "claims:expense_edit", incident.reference, expense.pk)
    messages.success(request, "資料を添付しました（暗号化して保管しました）。")
    return redirect("claims:expense_edit", incident.reference, expense.pk)


@login_required
@recent_auth_required  # personal-data export: signed in or re-authenticated within 10 minutes (issue 9)
@require_GET
@domain_errors
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request, "claims.attachment.download")
    attachment = selectors.attachment_get(actor, pk)
    opened = services.attachment_open(actor=actor, attachment=attachment)
    return file_response(opened.content, opened.content_type, opened.name)


@login_required
@require_GET
@domain_errors
def case_expenses_xlsx(request: HttpRequest, reference: str) -> HttpResponse:
    actor, incident = _case(request, reference, "claims.export")
    expenses = list(selectors.expenses_for(actor, incident))
    data = expenses_xlsx(incident=incident, expenses=expenses)
    return file_response(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"費用一覧_{incident.reference}.xlsx",
    )
