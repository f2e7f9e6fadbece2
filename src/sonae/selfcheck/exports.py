"""Excel export of the vendor checklist (hospitals keep their contractors' checklists in Excel)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sonae.documents.tabular import cell_text as _cell_text

from .models import VendorChecklist
from .rules import vendor_checklist as vcl

HEADER = ("区分", "番号", "確認項目", "回答", "目標日（いいえの場合）", "備考")
WIDTHS = (22, 8, 70, 8, 20, 40)


def vendor_checklist_xlsx(checklist: VendorChecklist) -> bytes:
    """One sheet: the organisation, the date checked, then one row per item grouped by section."""
    answers = vcl.parse_stored(checklist.answers)
    wb = Workbook()
    ws = wb.active
    ws.title = "チェックリスト"
    ws.append(["サイバーセキュリティ対策チェックリスト（事業者確認用の構成による）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["事業者名", _cell_text(checklist.organisation.name)])
    ws.append(["確認日", checklist.checked_on])
    ws["B3"].number_format = "yyyy/mm/dd"
    ws.append(["はい／いいえ", f"はい {checklist.yes_count} 件・いいえ {checklist.no_count} 件"])
    ws.append([])
    ws.append(list(HEADER))
    header_row = ws.max_row
    for col in range(1, len(HEADER) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    for section in vcl.SECTIONS:
        for item in vcl.items_of(section.code):
            answer = answers.get(item.code)
            ws.append(
                [
                    f"{section.number} {section.label}",
                    item.number,
                    item.text,
                    vcl.ANSWER_LABELS.get(answer.answer, "") if answer else "",
                    answer.target_date if answer and answer.target_date else None,
                    _cell_text(answer.note) if answer else "",
                ]
            )
            ws.cell(row=ws.max_row, column=5).number_format = "yyyy/mm/dd"
            ws.cell(row=ws.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
