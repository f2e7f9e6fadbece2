"""Excel export of expenses for the insurer (issue 7 point 6): Japanese headers, dates as dates, yen as numbers,
and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sonae.documents.tabular import cell_text
from sonae.jp.wareki import format_datetime_ja

from .breakdown import line_reason_label

# (header, width)
COLUMNS = (
    ("No.", 6),
    ("支払日・発生日", 14),
    ("支払先", 28),
    ("内容", 40),
    ("補償区分", 14),
    ("費用項目", 30),
    ("金額（円）", 14),
    ("個人の人数", 10),
    ("法人の数", 10),
    ("事前承認・同意", 18),
    ("対応タスク", 30),
    ("請求番号", 16),
    ("請求の状態", 12),
    ("計算に用いた額（円）", 16),
    ("支払対象額（円）", 16),
    ("支払対象外・減額の理由", 40),
    ("添付資料", 30),
)
YEN_COLUMNS = (7, 14, 15)
COUNT_COLUMNS = (8, 9)
DATE_FORMAT = "yyyy/mm/dd"
YEN_FORMAT = "#,##0"

# OWASP CSV/formula injection: the shared rule (``cell_text`` quotes anything a spreadsheet would run).
__all__ = ["cell_text", "expenses_xlsx"]


def expenses_xlsx(*, incident, expenses, claim=None) -> bytes:
    """One sheet: the case (and claim) in the header rows, then one row per expense with, when claimed, what the
    calculation made eligible and why not."""
    lines = {}
    if claim is not None:
        lines = {line.expense_id: line for line in claim.lines.all()}
    else:
        for expense in expenses:
            if expense.claim_id:
                line = expense.claim_lines.filter(claim_id=expense.claim_id).first()
                if line is not None:
                    lines[expense.pk] = line

    wb = Workbook()
    ws = wb.active
    ws.title = "費用一覧"
    ws.append([cell_text(f"費用一覧（{claim.number} 保険金請求）" if claim else "費用一覧")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["事業者", cell_text(incident.provider.name)])
    ws.append(["受付番号", cell_text(incident.reference), "件名", cell_text(incident.title)])
    if claim is not None:
        ws.append(
            ["証券番号", cell_text(claim.policy.number), "請求の状態", cell_text(claim.get_status_display())]
        )
    ws.append(["出力日時", format_datetime_ja(timezone.now())])
    ws.append([])
    ws.append([header for header, _ in COLUMNS])
    header_row = ws.max_row
    for col in range(1, len(COLUMNS) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    total = eligible_total = 0
    for number, expense in enumerate(expenses, start=1):
        line = lines.get(expense.pk)
        approval = expense.approval
        attachments = "、".join(a.original_name for a in expense.attachments.all())
        ws.append(
            [
                number,
                expense.spent_on,
                cell_text(expense.payee),
                cell_text(expense.description),
                cell_text(expense.part_label),
                cell_text(expense.item_label),
                expense.amount,
                expense.individuals,
                expense.corporations,
                cell_text(f"{approval.number} {approval.get_status_display()}" if approval else ""),
                cell_text(expense.task.title if expense.task_id else ""),
                cell_text(expense.claim.number if expense.claim_id else ""),
                cell_text(expense.claim.get_status_display() if expense.claim_id else "未請求"),
                line.claimed_amount if line else None,
                line.eligible if line else None,
                cell_text("、".join(line_reason_label(code) for code in line.reasons) if line else ""),
                cell_text(attachments),
            ]
        )
        row = ws.max_row
        ws.cell(row=row, column=2).number_format = DATE_FORMAT
        for col in YEN_COLUMNS:
            ws.cell(row=row, column=col).number_format = YEN_FORMAT
        for col in (4, 16):
            ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        total += expense.amount
        eligible_total += line.eligible if line else 0

    ws.append(
        ["合計", None, None, None, None, None, total] + [None] * 7 + [eligible_total if lines else None]
    )
    total_row = ws.max_row
    ws.cell(row=total_row, column=1).font = Font(bold=True)
    for col in YEN_COLUMNS:
        ws.cell(row=total_row, column=col).number_format = YEN_FORMAT
        ws.cell(row=total_row, column=col).font = Font(bold=True)
    if claim is not None:
        ws.append([])
        ws.append(["計算上の支払額（円）", claim.amount_calculated])
        ws.cell(row=ws.max_row, column=2).number_format = YEN_FORMAT
        if claim.amount_approved is not None:
            ws.append(["認定額（円）", claim.amount_approved])
            ws.cell(row=ws.max_row, column=2).number_format = YEN_FORMAT

    for index, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
