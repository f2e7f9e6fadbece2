"""API of the vendor checklist (MHLW 事業者確認用 structure): its items, a provider's checklists, a new one, and
the Excel / PDF files hospitals ask for. Routes on the self-check router (``selfcheck.api``).

The same selectors, services and documents as the pages: answers are checked by ``rules.vendor_checklist`` (every
いいえ needs a target date within the fiscal year), and every download is audit-logged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Schema, Status

from sonae.api.files import PDF, file_response
from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column

from . import documents, selectors, services
from .api import PDF_RESPONSE, XLSX_RESPONSE, provider_actor, router
from .rules import vendor_checklist as vcl

ItemCode = Literal[tuple(vcl.ITEM_BY_CODE)]  # type: ignore[valid-type]


class VendorChecklistSectionOut(Schema):
    code: str
    number: int
    label: str


class VendorChecklistItemOut(Schema):
    code: str
    section: str
    number: str = Field(..., description="表示上の番号（例 2-(3)）")
    text: str
    hint: str


class VendorChecklistFormOut(Schema):
    sections: list[VendorChecklistSectionOut]
    items: list[VendorChecklistItemOut]
    answers: dict[str, str] = Field(..., description="回答のコード → 表示（`yes` はい、`no` いいえ）")


class VendorItemAnswerIn(Schema):
    answer: Literal["yes", "no"] = Field(..., description="`yes` はい、`no` いいえ")
    target_date: date | None = Field(None, description="「いいえ」の対応目標日（確認日から今年度末まで）")
    note: str = Field("", max_length=500, description="備考")


class VendorChecklistIn(Schema):
    checked_on: date = Field(..., description="確認日（未来の日付は不可）")
    answers: dict[ItemCode, VendorItemAnswerIn] = Field(  # type: ignore[valid-type]
        ..., description="確認項目のコード → 回答。すべての項目に回答します"
    )


class VendorItemAnswerOut(Schema):
    code: str
    section: str
    number: str
    text: str
    answer: str = Field(..., description="`yes` / `no`（未回答は空）")
    answer_label: str
    target_date: date | None
    note: str
    overdue: bool = Field(..., description="「いいえ」で目標日を過ぎている")


class VendorChecklistSummaryOut(Schema):
    id: int
    checked_on: date = Field(..., description="確認日")
    yes: int = Field(..., description="「はい」の数")
    no: int = Field(..., description="「いいえ」の数")
    total: int = Field(..., description="確認項目の数")
    complete: bool = Field(..., description="すべて「はい」")
    open_count: int = Field(..., description="対応中の「いいえ」の数")
    overdue_count: int = Field(..., description="目標日を過ぎた「いいえ」の数")
    created_at: datetime


class VendorChecklistOut(VendorChecklistSummaryOut):
    items: list[VendorItemAnswerOut]


def _summary(checklist) -> dict:
    summary = selectors.vendor_checklist_summary(checklist)
    return {
        "id": checklist.pk,
        "checked_on": checklist.checked_on,
        "yes": summary.yes,
        "no": summary.no,
        "total": summary.total,
        "complete": summary.complete,
        "open_count": len(summary.open_items),
        "overdue_count": len(summary.overdue),
        "created_at": checklist.created_at,
    }


def _detail(checklist) -> dict:
    context = documents.checklist_context(checklist)
    overdue = {o.item.code for o in context["summary"].overdue}
    items = []
    for _section, rows in context["sections"]:
        for item, answer in rows:
            code = answer.answer if answer else ""
            items.append(
                {
                    "code": item.code,
                    "section": item.section,
                    "number": item.number,
                    "text": item.text,
                    "answer": code,
                    "answer_label": vcl.ANSWER_LABELS.get(code, ""),
                    "target_date": answer.target_date if answer else None,
                    "note": answer.note if answer else "",
                    "overdue": item.code in overdue,
                }
            )
    return {**_summary(checklist), "items": items}


@router.get(
    "/selfcheck/vendor-checklist/items",
    response=VendorChecklistFormOut,
    summary="事業者向けチェックリストの確認項目",
    description="厚生労働省の「事業者確認用」チェックリストの構成による区分と確認項目、回答の選択肢を返します。",
)
def checklist_items(request):
    return {
        "sections": [{"code": s.code, "number": s.number, "label": s.label} for s in vcl.SECTIONS],
        "items": [
            {"code": i.code, "section": i.section, "number": i.number, "text": i.text, "hint": i.hint}
            for i in vcl.ITEMS
        ],
        "answers": dict(vcl.ANSWER_LABELS),
    }


CHECKLIST_EXPORT = Export(
    name="事業者向けチェックリストの履歴",
    columns=(
        Column("id", "ID", 8),
        Column("checked_on", "確認日", 12),
        Column("yes", "はい", 8),
        Column("no", "いいえ", 8),
        Column("open_count", "対応中のいいえ", 12),
        Column("overdue_count", "目標日超過", 10),
        Column("created_at", "登録日時", 18),
    ),
)


@list_get(
    router,
    "/selfcheck/vendor-checklists",
    item=VendorChecklistSummaryOut,
    summary="事業者向けチェックリストの履歴",
    description="自社のチェックリストを確認日の新しい順に返します。チェックリストは登録後に変わらないため、"
    "`updated_since` は登録日時で絞り込みます。",
)
def checklist_list(request, page: Query[ListParams]):
    actor = provider_actor(request)
    return paginate(
        request,
        selectors.vendor_checklists_for(actor),
        page,
        _summary,
        export=CHECKLIST_EXPORT,
        updated_field="created_at",
    )


@router.post(
    "/selfcheck/vendor-checklists",
    response={201: VendorChecklistOut},
    summary="事業者向けチェックリストを登録する",
    description="確認日とすべての確認項目への回答を登録します。「いいえ」には確認日から今年度末（3月31日）までの"
    "対応目標日が必要です（ない・範囲外は 400、`field` は項目のコード）。",
)
def checklist_submit(request, payload: VendorChecklistIn):
    actor = provider_actor(request, "selfcheck.vendor_checklist.edit")
    answers = {code: answer.dict() for code, answer in payload.answers.items()}
    saved = services.vendor_checklist_submit(actor=actor, checked_on=payload.checked_on, answers=answers)
    return Status(201, _detail(saved))


@router.get(
    "/selfcheck/vendor-checklists/{checklist_id}",
    response=VendorChecklistOut,
    summary="事業者向けチェックリスト",
    description="1回分の回答（項目ごとの「はい」「いいえ」、目標日、備考）と集計を返します。",
)
def checklist_detail(request, checklist_id: int):
    actor = provider_actor(request)
    return _detail(selectors.vendor_checklist_get(actor, checklist_id))


@router.get(
    "/selfcheck/vendor-checklists/{checklist_id}/xlsx",
    summary="事業者向けチェックリスト（Excel）",
    description="医療機関へ提出するためのExcelファイルを返します。出力は監査ログに記録されます（画面と同じ）。",
    openapi_extra=XLSX_RESPONSE,
)
def checklist_xlsx(request, checklist_id: int):
    actor = provider_actor(request)
    checklist = selectors.vendor_checklist_get(actor, checklist_id)
    services.vendor_checklist_exported(actor=actor, checklist=checklist, fmt="xlsx")
    content, filename = documents.checklist_xlsx(checklist)
    return file_response(content, documents.XLSX_CONTENT_TYPE, filename)


@router.get(
    "/selfcheck/vendor-checklists/{checklist_id}/pdf",
    summary="事業者向けチェックリスト（PDF）",
    description="医療機関へ提出するためのPDFを返します。出力は監査ログに記録されます（画面と同じ）。",
    openapi_extra=PDF_RESPONSE,
)
def checklist_pdf(request, checklist_id: int):
    actor = provider_actor(request)
    checklist = selectors.vendor_checklist_get(actor, checklist_id)
    services.vendor_checklist_exported(actor=actor, checklist=checklist, fmt="pdf")
    content, filename = documents.checklist_pdf(checklist, actor.organisation)
    return file_response(content, PDF, filename)
