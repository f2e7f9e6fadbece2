"""Hostile upload files for the importer fuzz tests (Hypothesis strategies).

Each strategy starts from what users really send — a CSV or XLSX with the importer's own header — and then breaks
it the way files get broken: random bytes, the wrong encoding (UTF-16 with and without BOM, Shift_JIS variants,
EUC-JP, broken UTF-8), cells of 140,000 characters, thousands of columns, stray and unclosed quotes, empty files,
an "XLSX" that is not a ZIP, a ZIP that is not an XLSX, a damaged worksheet, formula cells.

A generated file is a ``Sample``: its bytes plus, when the file is a clean CSV (nothing mutated, every character
encodable), the text it was made from, so a test can compare what the importer read with what was written.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from hypothesis import strategies as st

HUGE_CELL = "あ" * 70_000 + "x" * 70_000  # past csv's default field limit (131,072) in characters and bytes
TEXT_ENCODINGS = ["utf-8", "utf-8-sig", "cp932"]  # what the importers are made to read
OTHER_ENCODINGS = [
    "utf-16",  # with BOM (Excel's "Unicode text")
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "shift_jis",
    "shift_jis_2004",
    "euc_jp",
    "iso2022_jp",
    "cp037",  # EBCDIC: not even ASCII-compatible
]
FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "+81-3-1234", "-1", "@SUM(A1)", '=HYPERLINK("http://x")']
NASTY = [
    "",
    " ",
    "\u3000",
    '"',
    '""',
    'a"b',
    '"unclosed',
    "a,b",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\ufeff",
    "\ud7ff",
    "9" * 40,
    "-0",
    "1e308",
    "NaN",
    "昭和64年1月10日",
    "令和99999999999年1月1日",
    "0000-00-00",
    "〒",
    "ｱｲｳ",
    "法人",
    "○",
]


@dataclass(frozen=True)
class Sample:
    data: bytes
    kind: str  # what the generator made (shown when a property fails)
    text: str | None = None  # the CSV text ``data`` holds, when it is in an encoding the importers read
    width: int = 0  # number of header columns

    def __repr__(self) -> str:  # what a failing example shows: enough to see the file, not 300 kB of it
        return f"Sample(kind={self.kind!r}, size={len(self.data)}, data={self.data[:300]!r})"


def cells() -> st.SearchStrategy[str]:
    """Cell text: arbitrary Unicode, Japanese-looking text, formulas and the nasty values above."""
    return st.one_of(
        st.text(max_size=12),
        st.text(alphabet="山田太郎ヤマダタロウやまだ0123456789-/.年月日〒, \"'\t", max_size=16),
        st.sampled_from(NASTY + FORMULAS),
    )


def _column(values: list[str] | None) -> st.SearchStrategy[str]:
    if not values:
        return cells()
    plausible = st.sampled_from(values)
    return st.one_of(plausible, plausible, plausible, cells())  # mostly good values, so rows get through


def _rows(width: int, columns: list[list[str]] | None) -> st.SearchStrategy[list[list[str]]]:
    """Rows of about the header's width (sometimes shorter, sometimes with cells past the header), each cell
    from its column's plausible values or from ``cells()``."""
    columns = columns or []
    full = st.tuples(*(_column(columns[i] if i < len(columns) else None) for i in range(width)))

    def shape(parts) -> list[str]:
        values, length, beyond = parts
        return list(values)[:length] if length <= width else list(values) + beyond

    row = st.tuples(full, st.integers(0, width + 2), st.lists(cells(), max_size=2)).map(shape)
    return st.lists(row, min_size=0, max_size=8)


@st.composite
def csv_sample(
    draw, header: list[str], columns: list[list[str]] | None = None, encodings: list[str] = TEXT_ENCODINGS
) -> Sample:
    """A CSV as csv.writer writes it (quoted where needed) or naively joined (legacy exports: no quoting at
    all, so quotes and commas in cells go through raw), in one of ``encodings``, sometimes with a cell past csv's
    field limit or thousands of columns."""
    head = list(header)
    if draw(st.integers(0, 9)) == 0:
        head += [f"列{i}" for i in range(draw(st.sampled_from([300, 5000])))]
    rows = draw(_rows(len(header), columns))
    if rows and draw(st.integers(0, 7)) == 0:  # one cell past csv's field limit, in a row that has cells
        row = draw(st.sampled_from(rows))
        row.insert(draw(st.integers(0, len(row))), HUGE_CELL)
    buffer = io.StringIO()
    if draw(st.booleans()):
        csv.writer(buffer, lineterminator=draw(st.sampled_from(["\r\n", "\n"]))).writerows([head, *rows])
    else:
        buffer.write("".join(",".join(r) + "\r\n" for r in [head, *rows]))
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(encodings))
    data = text.encode(encoding, errors="replace")  # CP932 cannot write every character: "?" instead
    readable = data.decode(encoding) if encoding in TEXT_ENCODINGS else None
    return Sample(data, f"csv:{encoding}", readable, len(head))


@st.composite
def mutated(draw, sample: st.SearchStrategy[Sample]) -> Sample:
    """A sample broken at the byte level: truncated (possibly inside a character), random bytes spliced in,
    bytes invalid in UTF-8 inserted."""
    base = draw(sample)
    data = bytearray(base.data)
    how = draw(st.sampled_from(["truncate", "splice", "invalid_utf8"]))
    at = draw(st.integers(0, len(data))) if data else 0
    if how == "truncate":
        data = data[:at]
    elif how == "splice":
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    else:
        data[at:at] = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe3\x81", b"\xed\xa0\x80", b"\x80\x80"]))
    return Sample(bytes(data), f"{base.kind}+{how}", None, base.width)


def _xml_safe(text: str) -> bool:
    """openpyxl refuses control characters in cell text."""
    return not any(c < " " and c not in "\t\n\r" for c in text)


def _xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


@st.composite
def xlsx_sample(draw, header: list[str], columns: list[list[str]] | None = None) -> Sample:
    """An XLSX with the header and cells of every type (formulas, dates, huge numbers, booleans), sometimes with
    its worksheet XML cut short, cell references out of range, or its workbook part missing."""
    value = st.one_of(
        _column([v for values in columns or [] for v in values]).filter(_xml_safe),
        st.sampled_from(FORMULAS),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.none(),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    )
    rows = draw(st.lists(st.lists(value, max_size=len(header) + 2), max_size=6))
    if columns and draw(st.booleans()):  # rows of plausible values only, in their columns
        rows += draw(st.lists(st.tuples(*(st.sampled_from(v) for v in columns)).map(list), max_size=4))
    data = _xlsx_bytes([list(header), *rows])
    damage = draw(st.sampled_from(["none", "none", "sheet_cut", "bad_ref", "no_workbook", "zip_cut"]))
    sheet = "xl/worksheets/sheet1.xml"
    if damage == "sheet_cut":
        xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet)
        data = _rezip(data, {sheet: xml[: draw(st.integers(1, max(1, len(xml) - 1)))]})
    elif damage == "bad_ref":
        xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet)
        data = _rezip(data, {sheet: xml.replace(b'r="A2"', b'r="ZZZZZZZ99999999"')})
    elif damage == "no_workbook":
        data = _rezip(data, {"xl/workbook.xml": b"<workbook/>"})
    elif damage == "zip_cut":
        data = data[: draw(st.integers(4, len(data) - 1))]
    return Sample(data, f"xlsx:{damage}", None, len(header))


def _zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in files.items():
            target.writestr(name, content)
    return out.getvalue()


FIXED = [
    Sample(b"", "empty"),
    Sample(b"\r\n\r\n", "blank_lines"),
    Sample(b"\xef\xbb\xbf", "bom_only"),
    Sample(b"PK\x03\x04" + b"\x00" * 40, "xlsx_not_a_zip"),
    Sample(_zip_of({"readme.txt": b"hello"}), "zip_not_xlsx"),
    Sample(_zip_of({}), "empty_zip"),
    Sample(b"\x00" * 64, "nul_bytes"),
    Sample(bytes(range(256)) * 4, "all_bytes"),
]


def clean_csv(header: list[str], columns: list[list[str]] | None = None) -> st.SearchStrategy[Sample]:
    """CSV files in an encoding the importers read (``Sample.text`` set): what the importer reads can be compared
    with what the file holds."""
    return csv_sample(header, columns)


def broken_file(header: list[str], columns: list[list[str]] | None = None) -> st.SearchStrategy[Sample]:
    """Files no importer can read as written: the wrong encoding, bytes broken, random bytes, spreadsheets
    that are damaged or not spreadsheets, empty files — and, among them, intact XLSX with formula cells."""
    return st.one_of(
        csv_sample(header, columns, OTHER_ENCODINGS),
        mutated(csv_sample(header, columns, TEXT_ENCODINGS + OTHER_ENCODINGS)),
        xlsx_sample(header, columns),
        st.sampled_from(FIXED),
        st.binary(max_size=512).map(lambda b: Sample(b, "random_bytes")),
    )


def hostile_file(header: list[str], columns: list[list[str]] | None = None) -> st.SearchStrategy[Sample]:
    """Any of the above, for an importer whose header is ``header``; ``columns`` holds plausible values for each
    header column (so that many rows are valid and the write path is exercised too)."""
    return st.one_of(clean_csv(header, columns), broken_file(header, columns))


def is_japanese(message: str) -> bool:
    """A user-facing message in Japanese: it has kana or kanji (the messages are whole Japanese sentences)."""
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in message)


def read_csv(text: str) -> list[list[str]]:
    """The records of ``text`` as Python's csv reads the whole text (no field size limit)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text)))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(limit)


def non_blank_rows(text: str, width: int) -> int:
    """How many data records (header excluded) the whole text holds that have something in the first ``width``
    columns: the victims importer skips blank rows and ignores cells past the header."""
    rows = read_csv(text.replace("\u3000", " "))
    return sum(1 for row in rows[1:] if "".join(row[:width]).strip())
