"""Claims API: expenses, prior approvals / consents and claims, scoped per actor as the pages are.

A provider's system records expenses (and receipts), asks for approvals and submits claims with its API token;
the insurer decides approvals and claims and records payments; the agency reads claim summaries. Others get 404.
Errors use the shared envelope ``{"code", "message"}``: schema violations 422, business rules 400
(``invalid_input`` with ``field``), illegal status changes 409, permissions 403, unknown or foreign records 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, NotFound
from sonae.documents.tabular import Column
from sonae.programme.coverage_items import ITEMS, PARTS

from . import selectors, services
from .breakdown import line_reason_label
from .models import AttachmentKind, ClaimStatus
from .models.approvals import ApprovalStatus

router = Router(tags=["保険金請求"])

ItemCode = Literal[tuple(ITEMS)]  # type: ignore[valid-type]


def _labels(labels) -> str:
    return "、".join(f"`{code}` {label}" for code, label in labels)


ITEM_DESCRIPTION = "費用項目（補償項目）のコード：" + _labels((c, label) for c, (_p, label) in ITEMS.items())


# --- schemas ---------------------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str = Field(..., description="種類：" + _labels(AttachmentKind.choices))
    content_type: str
    size: int
    sha256: str = Field(..., description="登録時の内容の SHA-256")
    uploaded_at: datetime


class ExpenseIn(Schema):
    incident: str = Field(..., description="インシデントの受付番号（例 INC-2025-000123）")
    spent_on: date = Field(..., description="支払日・発生日（発覚日から事故対応期間の中）")
    amount: int = Field(..., ge=1, description="金額（円・税込）")
    payee: str = Field(..., max_length=200, description="支払先")
    description: str = Field("", max_length=1000, description="内容")
    item: ItemCode = Field(..., description=ITEM_DESCRIPTION)
    task_id: int | None = Field(None, description="対応タスクのID（インシデントAPIのタスク）")
    individuals: int | None = Field(None, ge=0, description="見舞の対象：個人の人数（見舞金・見舞品）")
    corporations: int | None = Field(None, ge=0, description="見舞の対象：法人の数（見舞金・見舞品）")
    approval_id: int | None = Field(None, description="紐づける事前承認・同意のID")


class ExpensePatch(Schema):
    spent_on: date | None = None
    amount: int | None = Field(None, ge=1)
    payee: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=1000)
    item: ItemCode | None = Field(None, description=ITEM_DESCRIPTION)
    task_id: int | None = None
    individuals: int | None = Field(None, ge=0)
    corporations: int | None = Field(None, ge=0)
    approval_id: int | None = None


class ExpenseOut(Schema):
    id: int
    incident: str
    spent_on: date
    amount: int
    payee: str
    description: str
    part: str = Field(..., description="補償区分：" + _labels(PARTS.items()))
    item: str
    item_label: str
    item_suggested: str = Field(..., description="タスクから提案された費用項目（空欄は提案なし）")
    task_id: int | None
    individuals: int | None
    corporations: int | None
    approval: str | None = Field(None, description="紐づく事前承認・同意の依頼番号")
    claim: str | None = Field(None, description="含まれている保険金請求の請求番号")
    editable: bool = Field(..., description="変更・削除できるか（請求の提出前のみ）")
    attachments: list[AttachmentOut]
    updated_at: datetime


class ApprovalIn(Schema):
    incident: str = Field(..., description="インシデントの受付番号")
    item: ItemCode = Field(
        ...,
        description="事前承認・同意が必要な費用項目（例 `litigation` 争訟費用、`condolence` 見舞金・見舞品）",
    )
    amount: int = Field(..., ge=1, description="予定額（円）")
    reason: str = Field(..., min_length=1, max_length=4000, description="費用が必要な理由")
    individuals: int | None = Field(None, ge=0)
    corporations: int | None = Field(None, ge=0)


class ApprovalDecisionIn(Schema):
    decision: Literal["approve", "reduce", "refuse"] = Field(
        ..., description="`approve` 承認、`reduce` 減額して承認（amount 必須）、`refuse` 承認しない"
    )
    amount: int | None = Field(None, ge=1, description="減額後の承認額（円）")
    reason: str = Field("", max_length=4000, description="理由（減額・不承認では必須）")


class ApprovalOut(Schema):
    id: int
    number: str
    incident: str
    provider: str
    kind: str = Field(..., description="`prior_approval` 事前承認、`consent` 同意")
    item: str
    item_label: str
    amount_requested: int
    reason: str
    individuals: int | None
    corporations: int | None
    status: str = Field(..., description="状態：" + _labels(ApprovalStatus.choices))
    status_label: str
    amount_approved: int | None
    decision_reason: str
    requested_at: datetime
    decided_at: datetime | None
    attachments: list[AttachmentOut]
    updated_at: datetime


class ClaimIn(Schema):
    incident: str = Field(..., description="インシデントの受付番号")
    expense_ids: list[int] | None = Field(None, description="含める費用のID（省略時は未請求の費用すべて）")
    note: str = Field("", max_length=4000, description="保険会社への連絡事項")


class AdjustmentIn(Schema):
    expense_id: int
    accepted_amount: int = Field(..., ge=0, description="査定額（円）")
    reason: str = Field(..., max_length=500, description="減額の理由")


class ClaimTransitionIn(Schema):
    to_status: str = Field(
        ..., description="変更後の状態：" + _labels(ClaimStatus.choices) + "（`paid` は支払の記録で）"
    )
    reason: str = Field(
        "", max_length=4000, description="理由・連絡事項（追加資料の依頼、一部認定、不支払では必須）"
    )
    adjustments: list[AdjustmentIn] = Field(default_factory=list, description="一部認定で減額する明細")


class PaymentIn(Schema):
    paid_on: date
    amount: int | None = Field(None, ge=0, description="支払額（省略時は認定額）")
    reference: str = Field("", max_length=100)


class ClaimSummaryOut(Schema):
    number: str
    incident: str
    provider: str
    policy: str
    status: str = Field(..., description="状態：" + _labels(ClaimStatus.choices))
    status_label: str
    amount_expenses: int
    amount_calculated: int = Field(..., description="計算上の支払額（円）")
    amount_requested: int | None = Field(None, description="提出時の請求額")
    amount_approved: int | None
    amount_paid: int | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    updated_at: datetime


class ClaimLineOut(Schema):
    expense_id: int
    spent_on: date
    payee: str
    part: str
    item: str
    amount: int
    claimed_amount: int = Field(..., description="計算に用いた額（承認額・査定額で減額後）")
    eligible: int = Field(..., description="支払対象額")
    reasons: list[str] = Field(..., description="理由コード（契約のコードと approval_cap, adjusted）")
    reason_labels: list[str]


class ClaimEventOut(Schema):
    at: datetime
    actor: str
    from_status: str
    to_status: str
    reason: str
    amount: int | None


class ClaimOut(ClaimSummaryOut):
    decision_reason: str
    note: str
    lines: list[ClaimLineOut] | None = Field(None, description="明細（代理店には返しません）")
    calculation: dict | None = Field(None, description="計算の入力と出力（claims-contract 版1の形式）")
    events: list[ClaimEventOut]


# --- helpers ---------------------------------------------------------------------------------------------------


def _require_view(actor, action: str) -> None:
    if actor is None or not actor.may(action):
        raise NotFound()


def _attachment(a) -> dict:
    return {
        "id": a.pk,
        "name": a.original_name,
        "kind": a.kind,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
    }


def _expense(e) -> dict:
    return {
        "id": e.pk,
        "incident": e.incident.reference,
        "spent_on": e.spent_on,
        "amount": e.amount,
        "payee": e.payee,
        "description": e.description,
        "part": e.part,
        "item": e.item,
        "item_label": e.item_label,
        "item_suggested": e.item_suggested,
        "task_id": e.task_id,
        "individuals": e.individuals,
        "corporations": e.corporations,
        "approval": e.approval.number if e.approval_id else None,
        "claim": e.claim.number if e.claim_id else None,
        "editable": e.is_editable,
        "attachments": [_attachment(a) for a in e.attachments.all()],
        "updated_at": e.updated_at,
    }


def _approval(a) -> dict:
    return {
        "id": a.pk,
        "number": a.number,
        "incident": a.incident.reference,
        "provider": a.incident.provider.name,
        "kind": a.kind,
        "item": a.item,
        "item_label": a.item_label,
        "amount_requested": a.amount_requested,
        "reason": a.reason,
        "individuals": a.individuals,
        "corporations": a.corporations,
        "status": a.status,
        "status_label": a.get_status_display(),
        "amount_approved": a.amount_approved,
        "decision_reason": a.decision_reason,
        "requested_at": a.requested_at,
        "decided_at": a.decided_at,
        "attachments": [_attachment(x) for x in a.attachments.all()],
        "updated_at": a.updated_at,
    }


def _claim_summary(c) -> dict:
    return {
        "number": c.number,
        "incident": c.incident.reference,
        "provider": c.incident.provider.name,
        "policy": c.policy.number,
        "status": c.status,
        "status_label": c.get_status_display(),
        "amount_expenses": c.amount_expenses,
        "amount_calculated": c.amount_calculated,
        "amount_requested": c.amount_requested,
        "amount_approved": c.amount_approved,
        "amount_paid": c.amount_paid,
        "created_at": c.created_at,
        "submitted_at": c.submitted_at,
        "decided_at": c.decided_at,
        "updated_at": c.updated_at,
    }


def _claim(actor, c) -> dict:
    details = selectors.may_see_claim_details(actor)
    return {
        **_claim_summary(c),
        "decision_reason": c.decision_reason,
        "note": c.note,
        "lines": [
            {
                "expense_id": line.expense_id,
                "spent_on": line.spent_on,
                "payee": line.payee,
                "part": line.part,
                "item": line.item,
                "amount": line.amount,
                "claimed_amount": line.claimed_amount,
                "eligible": line.eligible,
                "reasons": list(line.reasons),
                "reason_labels": [line_reason_label(code) for code in line.reasons],
            }
            for line in c.lines.all()
        ]
        if details
        else None,
        "calculation": c.calculation if details else None,
        "events": [
            {
                "at": e.at,
                "actor": e.actor_label,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
                "amount": e.amount,
            }
            for e in c.events.all()
        ],
    }


def _task(actor, incident, task_id):
    if task_id is None:
        return None
    from sonae.incidents.selectors import task_get

    try:
        return task_get(actor, incident, task_id)
    except NotFound:
        raise InvalidInput("この案件のタスクを指定してください。", field="task_id") from None


def _approval_of(actor, incident, approval_id):
    if approval_id is None:
        return None
    approval = selectors.approvals_for(actor).filter(pk=approval_id, incident=incident).first()
    if approval is None:
        raise InvalidInput("この案件の事前承認・同意を指定してください。", field="approval_id")
    return approval


# --- expenses --------------------------------------------------------------------------------------------------


class ExpenseFilter(Schema):
    incident: str | None = Field(None, description="インシデントの受付番号で絞り込む")


EXPENSE_EXPORT = Export(
    name="費用一覧",
    columns=(
        Column("id", "ID", 8),
        Column("incident", "受付番号", 18),
        Column("spent_on", "支払日・発生日", 14),
        Column("payee", "支払先", 28),
        Column("description", "内容", 40),
        Column("part", "補償区分", 12),
        Column("item_label", "費用項目", 30),
        Column("amount", "金額（円）", 14),
        Column("individuals", "個人の人数", 10),
        Column("corporations", "法人の数", 10),
        Column("approval", "事前承認・同意", 18),
        Column("claim", "請求番号", 16),
        Column("updated_at", "更新日時", 18),
    ),
)
APPROVAL_EXPORT = Export(
    name="事前承認・同意",
    columns=(
        Column("number", "依頼番号", 18),
        Column("incident", "受付番号", 18),
        Column("provider", "事業者", 28),
        Column("kind", "種類", 14),
        Column("item_label", "費用項目", 30),
        Column("amount_requested", "依頼額（円）", 14),
        Column("status_label", "状態", 12),
        Column("amount_approved", "承認額（円）", 14),
        Column("requested_at", "依頼日時", 18),
        Column("decided_at", "判断日時", 18),
        Column("updated_at", "更新日時", 18),
    ),
)
CLAIM_EXPORT = Export(
    name="保険金請求",
    columns=(
        Column("number", "請求番号", 18),
        Column("incident", "受付番号", 18),
        Column("provider", "事業者", 28),
        Column("policy", "証券番号", 18),
        Column("status_label", "状態", 12),
        Column("amount_expenses", "費用合計（円）", 14),
        Column("amount_calculated", "計算上の支払額（円）", 16),
        Column("amount_requested", "請求額（円）", 14),
        Column("amount_approved", "認定額（円）", 14),
        Column("amount_paid", "支払額（円）", 14),
        Column("created_at", "作成日時", 18),
        Column("submitted_at", "提出日時", 18),
        Column("decided_at", "認定日時", 18),
        Column("updated_at", "更新日時", 18),
    ),
)


@list_get(
    router,
    "/expenses",
    item=ExpenseOut,
    summary="費用の一覧",
    description="権限の範囲の費用を返します（事業者は自社の案件のみ）。",
)
def expense_list(request, filters: Query[ExpenseFilter], page: Query[ListParams]):
    actor = request.auth
    _require_view(actor, "claims.expense.view")
    if filters.incident:
        incident = selectors.case_get(actor, filters.incident)
        qs = selectors.expenses_for(actor, incident)
    else:
        qs = selectors.all_expenses_for(actor).prefetch_related("attachments")
    return paginate(request, qs, page, _expense, export=EXPENSE_EXPORT)


@router.post(
    "/expenses",
    response={201: ExpenseOut},
    summary="費用を登録する",
    description="自社のインシデントに費用を登録します。日付は発覚日から事故対応期間の中、見舞金・見舞品は人数・法人数が必要です。",
)
def expense_create(request, payload: ExpenseIn):
    actor = request.auth
    _require_view(actor, "claims.expense.view")
    incident = selectors.case_get(actor, payload.incident)
    expense = services.expense_create(
        actor=actor,
        incident=incident,
        spent_on=payload.spent_on,
        amount=payload.amount,
        payee=payload.payee,
        description=payload.description,
        item=payload.item,
        task=_task(actor, incident, payload.task_id),
        individuals=payload.individuals,
        corporations=payload.corporations,
        approval=_approval_of(actor, incident, payload.approval_id),
    )
    return Status(201, _expense(expense))


@router.get(
    "/expenses/{expense_id}",
    response=ExpenseOut,
    summary="費用の詳細",
    description="費用1件と添付資料の一覧を返します。",
)
def expense_detail(request, expense_id: int):
    return _expense(selectors.expense_get(request.auth, expense_id))


@router.patch(
    "/expenses/{expense_id}",
    response=ExpenseOut,
    summary="費用を変更する",
    description="請求の提出前の費用だけ変更できます。指定した項目だけを変更します。",
)
def expense_update(request, expense_id: int, payload: ExpensePatch):
    actor = request.auth
    expense = selectors.expense_get(actor, expense_id)
    changes = payload.dict(exclude_unset=True)
    if "task_id" in changes:
        changes["task"] = _task(actor, expense.incident, changes.pop("task_id"))
    if "approval_id" in changes:
        changes["approval"] = _approval_of(actor, expense.incident, changes.pop("approval_id"))
    expense = services.expense_update(actor=actor, expense=expense, **changes)
    return _expense(selectors.expense_get(actor, expense.pk))


@router.delete(
    "/expenses/{expense_id}",
    response={204: None},
    summary="費用を削除する",
    description="請求の提出前の費用だけ削除できます。",
)
def expense_delete(request, expense_id: int):
    actor = request.auth
    services.expense_delete(actor=actor, expense=selectors.expense_get(actor, expense_id))
    return Status(204, None)


@router.post(
    "/expenses/{expense_id}/attachments",
    response={201: AttachmentOut},
    summary="領収書・資料を添付する",
    description="PDF・画像などを添付します（暗号化して保管）。請求の提出後は、保険会社から追加資料の依頼があるときだけ添付できます。",
)
def expense_attach(request, expense_id: int, file: File[UploadedFile], kind: str = AttachmentKind.RECEIPT):
    actor = request.auth
    expense = selectors.expense_get(actor, expense_id)
    attachment = services.attachment_add(
        actor=actor, expense=expense, name=file.name, data=file.read(), kind=kind
    )
    return Status(201, _attachment(attachment))


# --- approvals -------------------------------------------------------------------------------------------------


class ApprovalFilter(Schema):
    incident: str | None = None
    status: str | None = Field(None, description="状態で絞り込む")


@list_get(
    router,
    "/approvals",
    item=ApprovalOut,
    summary="事前承認・同意の一覧",
    description="事業者は自社の依頼、保険会社はすべての依頼を新しい順に返します。",
)
def approval_list(request, filters: Query[ApprovalFilter], page: Query[ListParams]):
    actor = request.auth
    _require_view(actor, "claims.approval.view")
    qs = selectors.approvals_for(actor)
    if filters.incident:
        qs = qs.filter(incident__reference=filters.incident)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(request, qs, page, _approval, export=APPROVAL_EXPORT)


@router.post(
    "/approvals",
    response={201: ApprovalOut},
    summary="事前承認・同意を依頼する",
    description="争訟費用（事前承認）や見舞金・見舞品（同意）など、補償条件で必要な費用を支払う前に依頼します。",
)
def approval_create(request, payload: ApprovalIn):
    actor = request.auth
    _require_view(actor, "claims.approval.view")
    incident = selectors.case_get(actor, payload.incident)
    approval = services.approval_request(
        actor=actor,
        incident=incident,
        item=payload.item,
        amount=payload.amount,
        reason=payload.reason,
        individuals=payload.individuals,
        corporations=payload.corporations,
    )
    return Status(201, _approval(approval))


@router.get(
    "/approvals/{approval_id}",
    response=ApprovalOut,
    summary="事前承認・同意の詳細",
    description="依頼1件と判断の内容を返します。",
)
def approval_detail(request, approval_id: int):
    return _approval(selectors.approval_get(request.auth, approval_id))


@router.post(
    "/approvals/{approval_id}/decision",
    response=ApprovalOut,
    summary="事前承認・同意を判断する（保険会社）",
    description="承認、減額して承認、承認しない のいずれかを理由とともに登録します。",
)
def approval_decision(request, approval_id: int, payload: ApprovalDecisionIn):
    actor = request.auth
    approval = selectors.approval_get(actor, approval_id)
    approval = services.approval_decide(
        actor=actor,
        approval=approval,
        decision=payload.decision,
        reason=payload.reason,
        amount=payload.amount,
    )
    return _approval(selectors.approval_get(actor, approval.pk))


@router.post(
    "/approvals/{approval_id}/withdraw",
    response=ApprovalOut,
    summary="事前承認・同意の依頼を取り下げる",
    description="判断前の依頼を取り下げます（事業者）。判断済みの依頼は 409（`illegal_transition`）です。",
)
def approval_withdraw(request, approval_id: int):
    actor = request.auth
    approval = selectors.approval_get(actor, approval_id)
    services.approval_transition(actor=actor, approval=approval, to_status=ApprovalStatus.WITHDRAWN)
    return _approval(selectors.approval_get(actor, approval_id))


# --- claims ----------------------------------------------------------------------------------------------------


class ClaimFilter(Schema):
    incident: str | None = None
    status: str | None = Field(None, description="状態で絞り込む")


@list_get(
    router,
    "/claims",
    item=ClaimSummaryOut,
    summary="保険金請求の一覧",
    description="事業者は自社の請求、保険会社と代理店は提出された請求を返します。",
)
def claim_list(request, filters: Query[ClaimFilter], page: Query[ListParams]):
    actor = request.auth
    _require_view(actor, "claims.view")
    qs = selectors.claims_for(actor)
    if filters.incident:
        qs = qs.filter(incident__reference=filters.incident)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(request, qs, page, _claim_summary, export=CLAIM_EXPORT)


@router.post(
    "/claims",
    response={201: ClaimOut},
    summary="保険金請求を作成する",
    description="未請求の費用から「作成中」の請求を作り、補償条件で計算します。提出は transition で行います。",
)
def claim_create(request, payload: ClaimIn):
    actor = request.auth
    _require_view(actor, "claims.view")
    incident = selectors.case_get(actor, payload.incident)
    expenses = None
    if payload.expense_ids is not None:
        expenses = [selectors.expense_get(actor, pk, incident=incident) for pk in payload.expense_ids]
    claim = services.claim_create(actor=actor, incident=incident, expenses=expenses, note=payload.note)
    return Status(201, _claim(actor, claim))


@router.get(
    "/claims/{number}",
    response=ClaimOut,
    summary="保険金請求の詳細",
    description="明細と計算（代理店には概要のみ）、経過を返します。",
)
def claim_detail(request, number: str):
    actor = request.auth
    return _claim(actor, selectors.claim_get(actor, number))


@router.post(
    "/claims/{number}/transition",
    response=ClaimOut,
    summary="保険金請求の状態を変える",
    description="事業者: submitted（提出）、resubmitted（追加資料の依頼への回答）、withdrawn（作成中の取下げ）。"
    "保険会社: under_review、info_requested、approved、partly_approved（adjustments で明細を減額）、rejected。"
    "できない変更は 409 です。",
)
def claim_transition(request, number: str, payload: ClaimTransitionIn):
    actor = request.auth
    claim = selectors.claim_get(actor, number)
    adjustments = {a.expense_id: (a.accepted_amount, a.reason) for a in payload.adjustments}
    claim = services.claim_transition(
        actor=actor, claim=claim, to_status=payload.to_status, reason=payload.reason, adjustments=adjustments
    )
    return _claim(actor, selectors.claim_get(actor, claim.number))


@router.post(
    "/claims/{number}/payment",
    response=ClaimOut,
    summary="保険金の支払を記録する（保険会社）",
    description="認定済みの請求に、認定額の支払を記録して支払済みにします。",
)
def claim_payment(request, number: str, payload: PaymentIn):
    actor = request.auth
    claim = selectors.claim_get(actor, number)
    services.claim_pay(
        actor=actor, claim=claim, paid_on=payload.paid_on, amount=payload.amount, reference=payload.reference
    )
    return _claim(actor, selectors.claim_get(actor, claim.number))


# Coverage determination (issue 12): GET /incidents/{reference}/coverage, in its own module.
from .api_coverage import router as coverage_router  # noqa: E402

router.add_router("", coverage_router)


# The insurer's work queue and the files of the claims pages (claim pack, Excel, attachments), on this router.
from . import api_files  # noqa: E402, F401
