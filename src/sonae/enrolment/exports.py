"""Excel export of quotes, applications, payments and policies for the agency (openpyxl).

Japanese headers; dates as Excel dates, instants as Tokyo date-times, yen as numbers with a thousands format;
text that a spreadsheet would run as a formula (= + - @ …) is neutralised with a leading quote.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sonae.core.actors import Actor
from sonae.core.policy import require
from sonae.jp.calendar import TOKYO
from sonae.programme.businesses import business_label
from sonae.programme.models import ProgrammeYear

from .rules import neutralise_formula
from .selectors import applications_for, deposits_for, policies_for, quotes_for

YEN = "#,##0"
DATE = "yyyy/mm/dd"
DATETIME = "yyyy/mm/dd hh:mm"

KINDS = {"quotes": "見積", "applications": "加入依頼", "payments": "入金", "policies": "契約"}


def _labels(codes) -> str:
    return "、".join(business_label(c) for c in codes)


def _sheet_rows(actor: Actor, kind: str, year: ProgrammeYear | None):
    """(headers, rows, yen columns) for one sheet."""
    if kind == "quotes":
        qs = quotes_for(actor).order_by("issued_at")
        if year:
            qs = qs.filter(programme_year=year)
        headers = [
            "見積番号",
            "年度",
            "事業者名",
            "法人番号",
            "認定業務",
            "加入区分",
            "保険始期",
            "有効期限",
            "売上高",
            "自己診断点数",
            "プランA保険料",
            "プランB保険料",
            "状態",
            "発行日時",
        ]
        rows = [
            [
                q.number,
                q.programme_year.code,
                q.company_name,
                q.corporate_number,
                _labels(q.business_codes),
                q.get_joining_display(),
                q.cover_start,
                q.valid_until,
                q.annual_sales,
                q.security_score,
                q.premiums.get("A", {}).get("premium"),
                q.premiums.get("B", {}).get("premium"),
                q.get_status_display(),
                q.issued_at,
            ]
            for q in qs
        ]
        return headers, rows, {"売上高", "プランA保険料", "プランB保険料"}
    if kind == "applications":
        qs = applications_for(actor).order_by("created_at")
        if year:
            qs = qs.filter(programme_year=year)
        headers = [
            "加入依頼番号",
            "見積番号",
            "事業者名",
            "プラン",
            "保険料",
            "入金額",
            "入金状況",
            "状態",
            "提出日時",
            "受理日時",
            "提出期限",
            "期限後受理の理由",
            "差戻し理由",
        ]
        rows = [
            [
                a.number,
                a.quote.number,
                a.organisation.name,
                a.plan,
                a.premium,
                a.paid_total,
                a.payment_status_label,
                a.get_status_display(),
                a.submitted_at,
                a.accepted_at,
                a.deadline,
                a.late_reason,
                a.return_reason,
            ]
            for a in qs
        ]
        return headers, rows, {"保険料", "入金額"}
    if kind == "payments":
        qs = deposits_for(actor).order_by("deposited_on", "id")
        if year:
            qs = qs.filter(
                deposited_on__gte=year.period_start.date().replace(month=1, day=1),
                deposited_on__lt=year.period_end.date(),
            )
        headers = [
            "入金日",
            "振込依頼人名",
            "金額",
            "状態",
            "照合結果",
            "加入依頼番号",
            "事業者名",
            "自動照合",
            "メモ",
        ]
        rows = [
            [
                d.deposited_on,
                d.payer_name,
                d.amount,
                d.get_status_display(),
                d.get_match_kind_display(),
                d.application.number if d.application else "",
                d.application.organisation.name if d.application else "",
                "自動" if d.matched_automatically else "",
                d.note,
            ]
            for d in qs
        ]
        return headers, rows, {"金額"}
    if kind == "policies":
        qs = policies_for(actor).order_by("number")
        if year:
            qs = qs.filter(programme_year=year)
        headers = [
            "証券番号",
            "被保険者",
            "法人番号",
            "認定業務",
            "プラン",
            "保険料",
            "加入区分",
            "保険始期",
            "保険終期",
            "状態",
            "解約日時",
            "解約理由",
        ]
        rows = [
            [
                p.number,
                p.insured_name,
                p.corporate_number,
                _labels(p.business_codes),
                p.plan,
                p.premium,
                p.get_joining_display(),
                p.cover_start,
                p.cover_end,
                p.get_status_display(),
                p.cancel_effective_at,
                p.cancel_reason,
            ]
            for p in qs
        ]
        return headers, rows, {"保険料"}
    raise ValueError(kind)


def _cell_value(value):
    if isinstance(value, datetime):
        # Excel has no time zones: write the Tokyo wall-clock time.
        return value.astimezone(TOKYO).replace(tzinfo=None)
    return neutralise_formula(value)


def export_workbook(
    actor: Actor, *, kinds: list[str] | None = None, year: ProgrammeYear | None = None
) -> bytes:
    """An .xlsx with one sheet per kind (quotes, applications, payments, policies). Agency only."""
    require(actor, "enrolment.export")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in kinds or list(KINDS):
        headers, rows, yen_columns = _sheet_rows(actor, kind, year)
        sheet = workbook.create_sheet(KINDS[kind])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell_value(v) for v in row])
        for index, header in enumerate(headers, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 2)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if header in yen_columns and isinstance(cell.value, int):
                    cell.number_format = YEN
                elif isinstance(cell.value, datetime):
                    cell.number_format = DATETIME
                elif isinstance(cell.value, date):
                    cell.number_format = DATE
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
