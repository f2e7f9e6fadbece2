"""Enrolment API, the agency's back office: the funnel with overdue and at-risk items, the anonymous programme
statistics and the Excel workbook (premium payments are in ``api_payments``, the roster in ``api_roster``).

The same selectors, services and aggregates as the pages (``views/agency.py``, ``views/roster.py``); each route
checks the action the page checks (403 otherwise).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Schema
from ninja.files import UploadedFile

from sonae.api.files import XLSX, file_openapi, file_response
from sonae.core.errors import InvalidInput
from sonae.core.policy import require
from sonae.jp.calendar import tokyo_date
from sonae.programme.selectors import programme_year_get

from . import stats
from .api import router
from .exports import KINDS, export_workbook
from .files import MAX_BYTES

MAX_ID = 2_147_483_647


def _read(file: UploadedFile) -> bytes:
    """The upload's bytes; an oversized file is refused before it is read into memory."""
    if (file.size or 0) > MAX_BYTES:
        raise InvalidInput("ファイルが大きすぎます（20MBまで）。", field="file")
    return file.read()


def _year(code: str | None, at: datetime):
    return programme_year_get(code) if code else stats.default_year(at)


class YearQuery(Schema):
    year: str | None = Field(
        None, max_length=20, description="年度コード（例 2025。省略時は現在または次の年度）"
    )


# --- funnel and statistics ---------------------------------------------------------------------------------------


class FunnelStepOut(Schema):
    code: str = Field(..., description="`eligible` `quoted` `applied` `accepted` `paid` `policy`")
    label: str
    count: int = Field(..., description="事業者数")
    amount: int | None = Field(..., description="保険料の合計（円。加入資格の段階は null）")


class AttentionOut(Schema):
    kind: str = Field(
        ..., description="`quote` 見積、`application` 加入依頼書、`review` 代理店の確認、`payment` 入金"
    )
    label: str
    organisation: str = Field(..., description="事業者名")
    number: str = Field(..., description="見積番号または加入依頼番号")
    deadline: date
    days_left: int = Field(..., description="締切までの日数（負なら超過）")
    quote_id: int | None
    application_id: int | None


class FunnelOut(Schema):
    programme_year: str | None
    steps: list[FunnelStepOut]
    overdue: list[AttentionOut] = Field(..., description="締切を過ぎたもの")
    at_risk: list[AttentionOut] = Field(..., description="締切まで7日以内のもの")


def _attention(item) -> dict:
    is_quote = item.kind == "quote"
    return {
        "kind": item.kind,
        "label": item.label,
        "organisation": item.organisation,
        "number": item.number,
        "deadline": item.deadline,
        "days_left": item.days_left,
        "quote_id": item.pk if is_quote else None,
        "application_id": None if is_quote else item.pk,
    }


@router.get(
    "/enrolment/funnel",
    response=FunnelOut,
    summary="加入状況（ファネル）と要対応（代理店）",
    description="年度の加入資格→見積→加入依頼書の提出→受理→入金→契約の事業者数と保険料、締切を過ぎたもの・"
    "締切まで7日以内のものを返します（代理店のみ）。",
)
def funnel(request, query: Query[YearQuery]):
    from django.utils import timezone

    actor = require(request.auth, "enrolment.backoffice.view")
    now = timezone.now()
    year = _year(query.year, now)
    if year is None:
        return {"programme_year": None, "steps": [], "overdue": [], "at_risk": []}
    result = stats.funnel(actor, year, at=now)
    return {
        "programme_year": year.code,
        "steps": [
            {"code": s.code, "label": s.label, "count": s.count, "amount": s.amount} for s in result.steps
        ],
        "overdue": [_attention(i) for i in result.overdue],
        "at_risk": [_attention(i) for i in result.at_risk],
    }


class StatRowOut(Schema):
    label: str
    certified: int = Field(..., description="認定事業者数（保険始期に有効な認定）")
    quoted: int = Field(..., description="見積した事業者数")
    enrolled: int = Field(..., description="加入している事業者数")
    rate: str = Field(..., description="加入率")


class ProgrammeStatisticsOut(Schema):
    programme_year: str | None
    on: date | None = Field(..., description="認定の有効性を判定した日（保険始期）")
    total: StatRowOut | None
    by_business: list[StatRowOut]
    by_region: list[StatRowOut]
    by_prefecture: list[StatRowOut]


def _row(r) -> dict:
    return {
        "label": r.label,
        "certified": r.certified,
        "quoted": r.quoted,
        "enrolled": r.enrolled,
        "rate": r.rate,
    }


@router.get(
    "/enrolment/statistics",
    response=ProgrammeStatisticsOut,
    summary="制度の統計（認定業務・地域別）",
    description="認定事業者数・見積した数・加入数を、認定業務別・地方別・都道府県別に返します（事業者数のみで、"
    "個々の保険料は含みません。振興会と代理店）。",
)
def statistics(request, query: Query[YearQuery]):
    from django.utils import timezone

    actor = require(request.auth, "enrolment.statistics.view")
    year = _year(query.year, timezone.now())
    if year is None:
        empty: list = []
        return {
            "programme_year": None,
            "on": None,
            "total": None,
            "by_business": empty,
            "by_region": [],
            "by_prefecture": [],
        }
    result = stats.statistics(actor, year)
    return {
        "programme_year": year.code,
        "on": result.on,
        "total": _row(result.total),
        "by_business": [_row(r) for r in result.by_business],
        "by_region": [_row(r) for r in result.by_region],
        "by_prefecture": [_row(r) for r in result.by_prefecture],
    }


class ExportQuery(Schema):
    kind: Literal[tuple(KINDS)] | None = Field(  # type: ignore[valid-type]
        None,
        description="シート：" + "、".join(f"`{k}` {v}" for k, v in KINDS.items()) + "（省略時はすべて）",
    )
    year: str | None = Field(None, max_length=20, description="年度コード（省略時はすべての年度）")


@router.get(
    "/enrolment/export",
    summary="加入手続のExcel（代理店）",
    description="見積・加入依頼・入金・契約をシートごとにまとめたExcelファイルを返します（代理店のスタッフ以上。"
    "画面の「Excel出力」と同じファイル）。",
    openapi_extra=file_openapi(XLSX, description="Excel"),
)
def export(request, query: Query[ExportQuery]):
    from django.utils import timezone

    actor = require(request.auth, "enrolment.export")
    year = programme_year_get(query.year) if query.year else None
    content = export_workbook(actor, kinds=[query.kind] if query.kind else None, year=year)
    stamp = tokyo_date(timezone.now())
    name = f"enrolment-{query.kind or 'all'}-{year.code if year else 'all'}-{stamp:%Y%m%d}.xlsx"
    return file_response(content, XLSX, name)


class LineErrorsOut(Schema):
    line: int = Field(..., description="ファイルの行番号")
    messages: list[str]
