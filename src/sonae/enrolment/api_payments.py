"""Enrolment API, premium payments (the agency's payments page): the deposits imported from the bank's lists, the
applications waiting for money, importing a list (every bad line answered), matching a deposit by hand, undoing a
match, setting a deposit aside and recording how an over-payment is settled.

The same selectors and services as the page (``views/agency.py``): reading needs ``enrolment.payment.view``,
changes ``enrolment.payment.manage`` (the agency's staff); 403 otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models.functions import Coalesce
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.policy import require
from sonae.documents.tabular import Column

from . import selectors, services
from .api import APPLICATION_EXPORT, ApplicationOut, _application_out, router
from .api_backoffice import MAX_ID, LineErrorsOut, _read

# --- payments ----------------------------------------------------------------------------------------------------


class DepositOut(Schema):
    id: int
    deposited_on: date = Field(..., description="入金日")
    payer_name: str = Field(..., description="振込依頼人名")
    amount: int
    status: str = Field(..., description="`unmatched` 未消込、`matched` 消込済、`ignored` 対象外")
    status_label: str
    match_kind: str = Field(
        ..., description="照合結果：`exact` 一致、`partial` 不足、`over` 過大（未消込は空）"
    )
    matched_automatically: bool
    matched_at: datetime | None
    application_id: int | None
    application_number: str | None
    note: str
    import_id: int | None = Field(..., description="取り込んだ入金明細のID")


class DepositFilter(Schema):
    status: Literal["unmatched", "matched", "ignored"] | None = Field(None, description="状態で絞り込む")


DEPOSIT_EXPORT = Export(
    name="入金",
    columns=(
        Column("id", "ID", 8),
        Column("deposited_on", "入金日", 12),
        Column("payer_name", "振込依頼人名", 30),
        Column("amount", "金額（円）", 14),
        Column("status_label", "状態", 10),
        Column("match_kind", "照合結果", 10),
        Column("application_number", "加入依頼番号", 18),
        Column("matched_at", "消込日時", 18),
        Column("note", "メモ", 40),
    ),
)


def _deposit(d) -> dict:
    return {
        "id": d.pk,
        "deposited_on": d.deposited_on,
        "payer_name": d.payer_name,
        "amount": d.amount,
        "status": d.status,
        "status_label": d.get_status_display(),
        "match_kind": d.match_kind,
        "matched_automatically": d.matched_automatically,
        "matched_at": d.matched_at,
        "application_id": d.application_id,
        "application_number": d.application.number if d.application_id else None,
        "note": d.note,
        "import_id": d.deposit_import_id,
    }


@list_get(
    router,
    "/enrolment/deposits",
    item=DepositOut,
    summary="入金の一覧（代理店）",
    description="取り込んだ入金を入金日の新しい順に返します（代理店のみ）。`status=unmatched` で消込待ちの入金だけに"
    "します。`updated_since` は消込日時（未消込は取り込み日時）に適用します。",
)
def deposit_list(request, filters: Query[DepositFilter], page: Query[ListParams]):
    actor = require(request.auth, "enrolment.payment.view")
    deposits = selectors.deposits_for(actor).annotate(
        changed_at=Coalesce("matched_at", "deposit_import__uploaded_at")
    )
    if filters.status:
        deposits = deposits.filter(status=filters.status)
    return paginate(
        request,
        deposits.order_by("-deposited_on", "line", "id"),
        page,
        _deposit,
        export=DEPOSIT_EXPORT,
        updated_field="changed_at",
    )


@list_get(
    router,
    "/enrolment/unpaid-applications",
    item=ApplicationOut,
    summary="入金待ちの加入依頼（代理店）",
    description="提出済・受理済で、未入金・一部入金、または過入金の処理が未記録の加入依頼を返します（消込の相手先。代理店のみ）。",
)
def unpaid_application_list(request, page: Query[ListParams]):
    actor = require(request.auth, "enrolment.payment.view")
    return paginate(
        request, selectors.unpaid_applications(actor), page, _application_out, export=APPLICATION_EXPORT
    )


class DepositImportOut(Schema):
    id: int
    file_name: str
    encoding: str
    uploaded_at: datetime
    rows_total: int
    rows_new: int = Field(..., description="新しく取り込んだ入金")
    rows_duplicate: int = Field(..., description="取込済みのため除いた入金")
    rows_matched: int = Field(..., description="自動で消し込んだ入金")
    errors: list[LineErrorsOut] = Field(..., description="除いたエラー行（エラー行を除いて取り込んだ場合）")


class ImportRejectedOut(Schema):
    code: str = Field(..., description="`import_rejected`")
    message: str
    total: int = Field(..., description="ファイルの行数")
    errors: list[LineErrorsOut] = Field(..., description="エラーのある行と理由（すべて）")


DEPOSIT_IMPORT_EXPORT = Export(
    name="入金明細の取込",
    columns=(
        Column("id", "ID", 8),
        Column("file_name", "ファイル名", 30),
        Column("uploaded_at", "取込日時", 18),
        Column("rows_total", "行数", 10),
        Column("rows_new", "新規", 10),
        Column("rows_duplicate", "取込済み", 10),
        Column("rows_matched", "自動消込", 10),
    ),
)


def _deposit_import(i) -> dict:
    return {
        "id": i.pk,
        "file_name": i.file_name,
        "encoding": i.encoding,
        "uploaded_at": i.uploaded_at,
        "rows_total": i.rows_total,
        "rows_new": i.rows_new,
        "rows_duplicate": i.rows_duplicate,
        "rows_matched": i.rows_matched,
        "errors": i.errors or [],
    }


@list_get(
    router,
    "/enrolment/deposit-imports",
    item=DepositImportOut,
    summary="入金明細の取込の一覧（代理店）",
    description="取り込んだ入金明細（銀行の入金一覧）を新しい順に返します。`updated_since` は取込日時に適用します。",
)
def deposit_import_list(request, page: Query[ListParams]):
    actor = require(request.auth, "enrolment.payment.view")
    return paginate(
        request,
        selectors.deposit_imports_for(actor).order_by("-uploaded_at", "-id"),
        page,
        _deposit_import,
        export=DEPOSIT_IMPORT_EXPORT,
        updated_field="uploaded_at",
    )


@router.post(
    "/enrolment/deposit-imports",
    response={201: DepositImportOut, 400: ImportRejectedOut},
    summary="入金明細を取り込む（代理店）",
    description="銀行の入金一覧（CSV：UTF-8またはShift_JIS、またはExcel。20MBまで）を取り込み、一致するものを自動で"
    "消し込みます（代理店のスタッフ以上）。エラーのある行があるとファイル全体を取り込まず、すべてのエラー行を返します"
    "（400 `import_rejected`）。`accept_valid_only=true` でエラー行を除いて取り込みます。取込済みの入金は除きます。",
)
def deposit_import(request, file: File[UploadedFile], accept_valid_only: Form[bool] = False):
    actor = require(request.auth, "enrolment.payment.manage")
    try:
        result = services.deposit_import(
            actor=actor, file_name=file.name or "", data=_read(file), accept_valid_only=accept_valid_only
        )
    except services.ImportRejected as exc:
        return Status(
            400, {"code": exc.code, "message": exc.message, "total": exc.total, "errors": exc.errors}
        )
    return Status(201, _deposit_import(result))


class MatchIn(Schema):
    application_id: int = Field(..., ge=1, le=MAX_ID, description="消し込む加入依頼のID")
    note: str = Field("", max_length=500, description="メモ（金額の相違・期限後の入金では必須）")
    accept_difference: bool = Field(False, description="金額の相違（不足・過大）を確認した")


class DepositReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500, description="理由")


class OverpaymentIn(Schema):
    note: str = Field(..., min_length=1, max_length=500, description="過入金の処理内容（返金予定など）")


@router.post(
    "/enrolment/deposits/{deposit_id}/match",
    response=DepositOut,
    summary="入金を加入依頼に消し込む（代理店）",
    description="未消込の入金を加入依頼に消し込みます（代理店のスタッフ以上）。金額が一致しない場合は "
    "`accept_difference` とメモ、払込期限後の入金はメモが必要です（400）。全額の入金で契約が発行されます。",
)
def deposit_match(request, deposit_id: int, payload: MatchIn):
    actor = require(request.auth, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, deposit_id)
    application = selectors.application_get(actor, payload.application_id)
    services.deposit_match(
        actor=actor,
        deposit=deposit,
        application=application,
        note=payload.note,
        accept_difference=payload.accept_difference,
    )
    return _deposit(selectors.deposit_get(actor, deposit_id))


@router.post(
    "/enrolment/deposits/{deposit_id}/unmatch",
    response=DepositOut,
    summary="消込を取り消す（代理店）",
    description="契約発行前の消込を、理由を記録して取り消します（代理店のスタッフ以上）。",
)
def deposit_unmatch(request, deposit_id: int, payload: DepositReasonIn):
    actor = require(request.auth, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, deposit_id)
    services.deposit_unmatch(actor=actor, deposit=deposit, reason=payload.reason)
    return _deposit(selectors.deposit_get(actor, deposit_id))


@router.post(
    "/enrolment/deposits/{deposit_id}/ignore",
    response=DepositOut,
    summary="入金を対象外にする（代理店）",
    description="保険料ではない入金を、理由を記録して対象外にします（代理店のスタッフ以上）。",
)
def deposit_ignore(request, deposit_id: int, payload: DepositReasonIn):
    actor = require(request.auth, "enrolment.payment.manage")
    deposit = selectors.deposit_get(actor, deposit_id)
    services.deposit_ignore(actor=actor, deposit=deposit, reason=payload.reason)
    return _deposit(selectors.deposit_get(actor, deposit_id))


@router.post(
    "/enrolment/applications/{application_id}/overpayment",
    response=ApplicationOut,
    summary="過入金の処理を記録する（代理店）",
    description="過入金の加入依頼に、差額の処理（返金予定など）を記録します（代理店のスタッフ以上）。記録すると契約が"
    "発行されます。過入金でない加入依頼は 409 です。",
)
def overpayment_resolve(request, application_id: int, payload: OverpaymentIn):
    actor = require(request.auth, "enrolment.payment.manage")
    application = selectors.application_get(actor, application_id)
    services.application_resolve_overpayment(actor=actor, application=application, note=payload.note)
    return _application_out(selectors.application_get(actor, application_id))
