"""Expenses on a case: recorded with their coverage item (suggested from the task, confirmed by the user),
editable until claimed (issue 7 point 2)."""

from __future__ import annotations

from datetime import date

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import InvalidInput
from sonae.jp.calendar import tokyo_date
from sonae.programme.coverage_items import ITEMS, item_label, part_of

from ..models import AttachmentKind, Expense, PriorApproval
from ..models.approvals import ApprovalStatus
from ..resolution import incident_coverage
from .attachments import store_attachment
from .common import actor_label, audit_actor, require, require_own

MAX_AMOUNT = 10**12  # one trillion yen: far above any limit, catches a mistyped number

# When a task has no coverage item of its own: the item its phase of the response flow is usually charged to
# (DESIGN §4 flow; insurance-and-sector.md §2.1 cost items).
PHASE_ITEMS = {
    "detection": "investigation",
    "investigation": "investigation",
    "inquiries": "call_center",
    "public_apology": "apology_ad",
    "victim_apology": "apology_letter",
    "prevention": "recurrence_prevention",
    "recovery": "data_recovery",
    "authorities": "regulatory",
}

EDITABLE_FIELDS = (
    "spent_on",
    "amount",
    "payee",
    "description",
    "task",
    "item",
    "individuals",
    "corporations",
    "approval",
)


def suggest_item(task) -> str:
    """The coverage item suggested for an expense of ``task``: the task's own item, its playbook step's, or the
    usual item of its phase ("" when nothing fits). The user confirms or changes it."""
    if task is None:
        return ""
    if task.coverage_item:
        return task.coverage_item
    if task.step_id and task.step.coverage_item:
        return task.step.coverage_item
    return PHASE_ITEMS.get(task.phase, "")


def suggest_payee(task) -> str:
    """The dispatched vendor of a task, as the likely payee."""
    return task.owner_vendor.name if task is not None and task.owner_vendor_id else ""


def condolence_counts(incident) -> tuple[int | None, int | None]:
    """(individuals, corporations) from the victims list when the victims app provides it, else (None, None)."""
    try:
        from sonae.victims.selectors import condolence_counts as victims_counts
    except ImportError:
        return None, None
    counts = victims_counts(incident)
    if counts is None:
        return None, None
    if isinstance(counts, dict):
        return counts.get("individuals"), counts.get("corporations")
    if isinstance(counts, tuple | list):
        return (tuple(counts) + (None, None))[:2]
    return getattr(counts, "individuals", None), getattr(counts, "corporations", None)


def _int(value, field: str, message: str, *, minimum: int = 0, maximum: int = MAX_AMOUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(message, field=field)
    return value


def _clean(incident, coverage, values: dict, *, today: date) -> dict:
    """Validated field values of an expense (raises InvalidInput naming the field)."""
    spent_on = values.get("spent_on")
    if not isinstance(spent_on, date):
        raise InvalidInput("支払日・発生日を入力してください。", field="spent_on")
    coverage.check_date(spent_on, today=today)
    amount = _int(values.get("amount"), "amount", "金額は1円以上の整数（円）で入力してください。", minimum=1)
    payee = (values.get("payee") or "").strip()
    if not payee:
        raise InvalidInput("支払先を入力してください。", field="payee")
    if len(payee) > 200:
        raise InvalidInput("支払先は200文字以内で入力してください。", field="payee")
    description = (values.get("description") or "").strip()
    if len(description) > 1000:
        raise InvalidInput("内容は1000文字以内で入力してください。", field="description")
    item = values.get("item") or ""
    if item not in ITEMS:
        raise InvalidInput("費用項目を選んでください。", field="item")
    task = values.get("task")
    if task is not None and task.incident_id != incident.pk:
        raise InvalidInput("この案件のタスクを選んでください。", field="task")
    individuals, corporations = values.get("individuals"), values.get("corporations")
    terms = coverage.item_terms(item) or {}
    per_person = "per_individual_cap" in terms or "per_corporation_cap" in terms
    if per_person or item == "condolence":
        for name, value in (("individuals", individuals), ("corporations", corporations)):
            if value is not None:
                _int(value, name, "人数・法人数は0以上の整数で入力してください。", maximum=10**9)
        if per_person and not (individuals or corporations):
            raise InvalidInput(
                f"「{item_label(item)}」は1名・1法人あたりの上限があるため、見舞の対象の人数または法人数を入力してください。",
                field="individuals",
            )
    else:
        individuals = corporations = None  # counts mean nothing for other items
    approval = values.get("approval")
    if approval is not None:
        if approval.incident_id != incident.pk:
            raise InvalidInput("この案件の事前承認・同意を選んでください。", field="approval")
        if approval.item != item:
            raise InvalidInput(
                f"事前承認・同意（{approval.number}）は「{approval.item_label}」のものです。費用項目と合わせてください。",
                field="approval",
            )
        if approval.status in (ApprovalStatus.REFUSED, ApprovalStatus.WITHDRAWN):
            raise InvalidInput(
                f"事前承認・同意（{approval.number}）は{approval.get_status_display()}のため紐づけられません。",
                field="approval",
            )
    return {
        "spent_on": spent_on,
        "amount": amount,
        "payee": payee,
        "description": description,
        "task": task,
        "part": part_of(item),
        "item": item,
        "individuals": individuals,
        "corporations": corporations,
        "approval": approval,
    }


def _today(today: date | None) -> date:
    return today or tokyo_date(timezone.now())


def expense_create(
    *,
    actor: Actor,
    incident,
    spent_on: date,
    amount: int,
    payee: str,
    item: str,
    description: str = "",
    task=None,
    individuals: int | None = None,
    corporations: int | None = None,
    approval: PriorApproval | None = None,
    receipt: tuple[str, bytes] | None = None,
    today: date | None = None,
) -> Expense:
    """Record an expense on the provider's own case, with an optional receipt (stored encrypted).

    The case must have a policy in force at its discovery, and the date must fall in the response period.
    """
    require(actor, "claims.expense.edit")
    require_own(actor, incident)
    coverage = incident_coverage(incident).require()
    values = _clean(
        incident,
        coverage,
        {
            "spent_on": spent_on,
            "amount": amount,
            "payee": payee,
            "description": description,
            "item": item,
            "task": task,
            "individuals": individuals,
            "corporations": corporations,
            "approval": approval,
        },
        today=_today(today),
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            expense = Expense.objects.create(
                incident=incident,
                item_suggested=suggest_item(task),
                created_by=actor.user,
                created_by_label=actor_label(actor),
                **values,
            )
            if receipt is not None:
                name, data = receipt
                stored.append(
                    store_attachment(
                        actor=actor, name=name, data=data, kind=AttachmentKind.RECEIPT, expense=expense
                    ).storage_name
                )
            audit_record(
                action="claims.expense_created",
                target=expense,
                data={
                    "incident": incident.reference,
                    "amount": expense.amount,
                    "item": expense.item,
                    "item_suggested": expense.item_suggested,
                    "spent_on": expense.spent_on.isoformat(),
                    "approval": approval.number if approval else None,
                },
                **audit_actor(actor),
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return expense


def _require_editable(expense: Expense) -> None:
    if not expense.is_editable:
        raise InvalidInput(
            f"この費用は保険金請求（{expense.claim.number}）に含めて提出済みのため、変更・削除できません。",
            code="expense_claimed",
        )


def expense_update(*, actor: Actor, expense: Expense, today: date | None = None, **changes) -> Expense:
    """Change an expense that is not claimed yet (or whose claim is still a draft, which is then recalculated)."""
    require(actor, "claims.expense.edit")
    require_own(actor, expense.incident)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"変更できない項目です: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update(of=("self",))
            .select_related("claim", "incident")
            .get(pk=expense.pk)
        )
        _require_editable(expense)
        coverage = incident_coverage(expense.incident).require()
        current = {name: getattr(expense, name) for name in EDITABLE_FIELDS}
        values = _clean(expense.incident, coverage, {**current, **changes}, today=_today(today))
        changed = sorted(name for name, value in values.items() if getattr(expense, name) != value)
        if not changed:
            return expense
        for name, value in values.items():
            setattr(expense, name, value)
        expense.save(update_fields=[*changed, "updated_at"])
        audit_record(
            action="claims.expense_updated",
            target=expense,
            data={"incident": expense.incident.reference, "fields": changed, "amount": expense.amount},
            **audit_actor(actor),
        )
        if expense.claim_id:
            from .claims import claim_calculate

            claim_calculate(claim=expense.claim)
    return expense


def expense_delete(*, actor: Actor, expense: Expense) -> None:
    """Delete an expense that is not claimed yet (its attachments and their files go with it)."""
    require(actor, "claims.expense.edit")
    require_own(actor, expense.incident)
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update(of=("self",))
            .select_related("claim", "incident")
            .get(pk=expense.pk)
        )
        _require_editable(expense)
        claim = expense.claim
        files = list(expense.attachments.values_list("storage_name", flat=True))
        audit_record(
            action="claims.expense_deleted",
            target=expense,
            data={"incident": expense.incident.reference, "amount": expense.amount, "item": expense.item},
            **audit_actor(actor),
        )
        # A draft claim keeps no line for a deleted expense.
        expense.claim_lines.filter(claim__status="draft").delete()
        expense.delete()
        if claim is not None:
            from .claims import claim_calculate

            claim_calculate(claim=claim)
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
