"""Excel export of the hospital's contractors for its own inspection file (医療法25条 立入検査).

Japanese headers; dates as Excel dates; a section the contractor does not share shows 「非公開」; text a spreadsheet
would run as a formula is neutralised. A second sheet lists every checklist answer with the target date of every
いいえ (only for contractors that share the checklist).
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sonae.jp.calendar import TOKYO

from .rules import neutralise_formula
from .selectors import ContractorRow

DATE = "yyyy/mm/dd"
DATETIME = "yyyy/mm/dd hh:mm"
HIDDEN = "非公開"

CONTRACTOR_HEADERS = [
    "委託先",
    "施設",
    "業務",
    "委託の開始日",
    "取り扱う個人データ",
    "保険加入",
    "プラン",
    "保険始期",
    "保険終期",
    "セルフチェック点数",
    "セルフチェック評価",
    "セルフチェック実施日",
    "チェックリスト確認日",
    "チェックリスト（すべて「はい」）",
    "「いいえ」の項目数",
    "目標日を過ぎた項目数",
    "サイバーBCP",
    "BCP最終見直し日",
    "最後のインシデント通知",
    "受付番号",
]
CHECKLIST_HEADERS = ["委託先", "番号", "区分", "確認項目", "回答", "目標日", "目標日超過", "備考", "確認日"]


def _contractor_row(row: ContractorRow) -> list:
    p = row.posture
    link = p.link
    values: list = [
        link.provider.name,
        link.site.name if link.site_id else "",
        "、".join(link.business_labels),
        link.since,
        "、".join(link.data_item_labels),
    ]
    if not p.shared["insurance"]:
        values += [HIDDEN, "", None, None]
    elif p.insurance and p.insurance.in_force:
        values += ["加入", p.insurance.plan_label, p.insurance.cover_start, p.insurance.cover_end]
    else:
        values += ["未加入", "", None, None]
    if not p.shared["selfcheck"]:
        values += [HIDDEN, "", None]
    elif p.score:
        values += [p.score.score, p.score.band_label, p.score.taken_at]
    else:
        values += ["未実施", "", None]
    if not p.shared["checklist"]:
        values += [None, HIDDEN, None, None]
    elif p.checklist:
        c = p.checklist
        values += [c.checked_on, "はい" if c.complete else "いいえ", c.no, c.overdue_count]
    else:
        values += [None, "未回答", None, None]
    if not p.shared["bcp"]:
        values += [HIDDEN, None]
    elif p.bcp:
        values += [p.bcp.status_label, p.bcp.reviewed_on]
    else:
        values += ["未策定", None]
    notice = row.last_notice
    values += [notice.sent_at if notice else None, notice.incident.reference if notice else ""]
    return values


def _checklist_rows(rows: list[ContractorRow]) -> list[list]:
    out = []
    for row in rows:
        p = row.posture
        if not p.shared["checklist"] or p.checklist is None:
            continue
        for item in p.checklist.items:
            out.append(
                [
                    p.link.provider.name,
                    item.number,
                    item.section,
                    item.text,
                    item.answer_label,
                    item.target_date,
                    "超過" if item.overdue else "",
                    item.note,
                    p.checklist.checked_on,
                ]
            )
    return out


def _cell(value):
    if isinstance(value, datetime):
        # Excel has no time zones: write the Tokyo wall-clock time.
        return value.astimezone(TOKYO).replace(tzinfo=None)
    return neutralise_formula(value)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(60, len(header) * 2 + 2))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME
            elif isinstance(cell.value, date):
                cell.number_format = DATE
    sheet.freeze_panes = "A2"


def contractors_workbook(rows: list[ContractorRow]) -> bytes:
    """The .xlsx of the hospital's contractors (rows already scoped and filtered by the selectors)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "委託先一覧", CONTRACTOR_HEADERS, [_contractor_row(r) for r in rows])
    _sheet(workbook, "チェックリスト回答", CHECKLIST_HEADERS, _checklist_rows(rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
