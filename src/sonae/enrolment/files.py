"""Reading uploaded tables (CSV in UTF-8 or CP932, or XLSX) into numbered rows.

No Django imports. The encoding of a CSV is detected: a BOM, else strict UTF-8, else charset-normalizer limited to
the Japanese encodings seen in practice (Shift_JIS family read as CP932, its Windows superset with ①, ㈱ …).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sonae.core.errors import InvalidInput
from sonae.documents.xlsx_guard import SuspiciousArchive, check_xlsx_archive

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (line number as the user sees it, cells)
    encoding: str
    header_line: int = 1
    header_cells: tuple = ()  # the header row as read (cells keep their types, for files without a header)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of an uploaded CSV and the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:  # a BOM, then not UTF-16 after all (cut short, or random bytes)
            raise InvalidInput(
                "ファイルを UTF-16 として読み取れません。UTF-8 または Shift_JIS（CP932）の CSV で保存してください。"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp932", "shift_jis", "euc_jp", "iso2022_jp"]).best()
    encoding = best.encoding if best is not None else "cp932"
    if encoding in {"shift_jis", "cp932", "ms932", "sjis"}:
        encoding = "cp932"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise InvalidInput(
            "ファイルの文字コードを判別できません。UTF-8 または Shift_JIS（CP932）の CSV で保存してください。"
        ) from None


def _is_xlsx(data: bytes, file_name: str) -> bool:
    return data[:2] == b"PK" or file_name.lower().endswith((".xlsx", ".xlsm"))


def _cell(value):
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_table(data: bytes, file_name: str = "") -> Table:
    """Rows of the first sheet (XLSX) or of the CSV, skipping blank rows; the first non-blank row is the header.
    Line numbers are the sheet's row numbers or the CSV's physical line numbers (quoted line breaks counted)."""
    if not data:
        raise InvalidInput("ファイルが空です。")
    if len(data) > MAX_BYTES:
        raise InvalidInput("ファイルが大きすぎます（20MBまで）。")
    if _is_xlsx(data, file_name):
        rows, encoding = _xlsx_rows(data), "xlsx"
    else:
        text, encoding = decode_text(data)
        rows = _csv_rows(text)
    rows = [(line, cells) for line, cells in rows if any(str(c).strip() for c in cells if c is not None)]
    if not rows:
        raise InvalidInput("ファイルにデータがありません。")
    (header_line, header), *body = rows
    return Table(
        header=[str(h or "").strip() for h in header],
        rows=body,
        encoding=encoding,
        header_line=header_line,
        header_cells=tuple(header),
    )


def _csv_rows(text: str) -> list[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = (
            "1つのセルが長すぎます" if "field limit" in str(exc) else "引用符の対応などを確認してください"
        )
        raise InvalidInput(f"{start}行目: CSV の形式が正しくありません（{reason}）。") from None
    return rows


# Rosters and bank statements are kept in memory row by row: a few hundred MB of XML is far beyond any real one.
XLSX_MAX_EXPANDED = 256 * 2**20


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        check_xlsx_archive(io.BytesIO(data), max_total_bytes=XLSX_MAX_EXPANDED)
    except SuspiciousArchive as exc:
        raise InvalidInput(str(exc)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # The worksheet is read lazily: a damaged one fails here, row by row, not in load_workbook.
        rows = [
            (index, [_cell(v) for v in values])
            for index, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1)
        ]
        workbook.close()
    except Exception:  # openpyxl raises many types for a broken file (zip, XML, cell references)
        raise InvalidInput("Excel ファイル（.xlsx）として読み込めません。") from None
    return rows


def header_key(text: str) -> str:
    """A header as compared with the known names: NFKC, no spaces or brackets."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch not in "()（）[]【】「」:：*※")


def map_header(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each known field, from the header row (first match wins)."""
    wanted = {header_key(alias): field for field, names in aliases.items() for alias in names}
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        field = wanted.get(header_key(name))
        if field and field not in found:
            found[field] = index
    return found


def cell_text(cells: list, index: int | None) -> str:
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_date(cells: list, index: int | None) -> date | str:
    """A date cell: a date object from Excel, else the text (parsed by the caller)."""
    if index is not None and index < len(cells):
        value = cells[index]
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
    return cell_text(cells, index)
