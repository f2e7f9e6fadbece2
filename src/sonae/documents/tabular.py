"""Tabular exports (CSV and Excel) shared by every app: one place that makes a cell safe to open.

Pure: no Django import. ``neutralise`` is the one defence against CSV/formula injection (OWASP): text that a
spreadsheet would run as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line
feed, or their full-width forms, which Japanese input produces — gets a leading single quote, and control
characters that XML (and so XLSX) cannot hold are removed first, so that they cannot hide a formula behind them.
Numbers, dates and booleans stay typed (a negative amount is a number, not a formula).

``csv_bytes`` writes UTF-8 with a byte-order mark (Excel on Windows then reads Japanese correctly) and CRLF line
ends; ``xlsx_bytes`` writes one sheet with a bold, frozen header row, dates as Excel dates and instants as
Tokyo date-times (Excel has no time zones).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Characters XML 1.0 forbids (the same set openpyxl refuses); \t, \n and \r are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy/mm/dd"
DATETIME_FORMAT = "yyyy/mm/dd hh:mm"
MAX_SHEET_TITLE = 31  # Excel's limit


def neutralise(value):
    """``value`` made safe for a spreadsheet cell: text loses control characters and gets a leading quote when
    it would run as a formula; any other value (numbers, dates, ``None``) is returned unchanged."""
    if not isinstance(value, str):
        return value
    text = _ILLEGAL.sub("", value)
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(value) -> str:
    """``value`` as safe text (``None`` → empty)."""
    return neutralise("" if value is None else str(value))


@dataclass(frozen=True)
class Column:
    """One column of an export: the key of the row mapping (dots reach into nested mappings), the Japanese
    header and the width in characters for Excel."""

    key: str
    header: str
    width: int = 16


def _pick(row, key: str):
    value = row
    for part in key.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


def cell_value(value):
    """A Python value as one typed, safe cell: lists joined with 、, booleans as はい/いいえ, aware instants in
    Tokyo time without zone (what Excel can hold), text neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, datetime):
        return value.astimezone(TOKYO).replace(tzinfo=None, microsecond=0) if value.tzinfo else value
    if isinstance(value, date | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return neutralise("、".join(_plain(v) for v in value if v is not None))
    if isinstance(value, dict):
        return neutralise("、".join(f"{k}: {_plain(v)}" for k, v in value.items()))
    return neutralise(str(value))


def _plain(value) -> str:
    """A part of a joined cell as text (the whole cell is neutralised once, by the caller)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(_plain(v) for v in value if v is not None)
    if isinstance(value, dict):
        return "、".join(f"{k}: {_plain(v)}" for k, v in value.items())
    value = cell_value(value)
    return "" if value is None else str(value)


def table_rows(columns: Sequence[Column], rows: Iterable) -> Iterable[list]:
    """The safe cells of each row (a mapping or an object) for ``columns``."""
    for row in rows:
        yield [cell_value(_pick(row, c.key)) for c in columns]


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(columns: Sequence[Column], rows: Iterable) -> bytes:
    """A CSV file (UTF-8 with BOM, CRLF) with a header row of the columns' Japanese names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell_text(c.header) for c in columns])
    for cells in table_rows(columns, rows):
        writer.writerow([_csv_text(v) for v in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: Sequence[Column], rows: Iterable, *, title: str = "一覧") -> bytes:
    """An Excel workbook with one sheet: a bold frozen header row, then one row per item (written in streaming
    mode, so memory stays flat for long lists)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(cell_text(title).replace("'", "") or "一覧")[:MAX_SHEET_TITLE])
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=cell_text(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for cells in table_rows(columns, rows):
        out = []
        for value in cells:
            if isinstance(value, datetime | date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                out.append(cell)
            elif isinstance(value, str):
                # A string cell, explicitly: openpyxl would otherwise read a leading "=" as a formula.
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
