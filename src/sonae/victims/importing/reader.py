"""Reading a victim list: encoding, header, and record-aligned chunks for parallel workers. Pure module.

CSV files are cut into chunks of about ``chunk_bytes`` that end at a record boundary, so each worker process can
decode and parse its chunk alone. A boundary is a line feed outside quotes: the number of ``"`` before it is
even (a quoted field may hold line breaks). Cutting bytes before decoding is safe for the supported encodings:
in UTF-8 and CP932 the bytes 0x0A and 0x22 only ever stand for LF and ``"`` (CP932 trail bytes are 0x40–0xFC);
encodings where they do not (UTF-16, UTF-32, EBCDIC) are refused (``check_framing``). Counting quotes is exact for
well-formed CSV; a stray quote inside an unquoted cell (a"b) can move a cut into a quoted cell, and the worker that
finds its chunk ending inside quotes refuses the file naming the line (``worker._parse``), so a misplaced cut
never turns into rows.

Line numbers are the file's physical lines (header = line 1), which is what an editor shows; for a spreadsheet
they are its row numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from charset_normalizer import from_bytes

from sonae.documents.xlsx_guard import SuspiciousArchive, check_xlsx_archive

SAMPLE_BYTES = 1 << 20
DEFAULT_CHUNK_BYTES = 4 << 20
MAX_HEADER_BYTES = 1 << 20
MAX_HEADER_LINES = 20  # physical lines of the header record (headings may hold a quoted line break)
MAX_HEADER_CELL = 200  # characters in one column heading
# Bytes the record framing relies on (see the module doc): an encoding must write these characters as these bytes.
FRAMING = '\r\n",'


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX file Sonae can read (message in Japanese)."""


@dataclass(frozen=True)
class Chunk:
    index: int
    first_line: int  # physical line number of the chunk's first line
    data: bytes | list  # CSV bytes, or rows of strings (XLSX)
    end_offset: int  # bytes read so far (progress)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV file from its first bytes: BOM → utf-8-sig; strict UTF-8; strict CP932; otherwise
    charset-normalizer's best guess. The sample is cut at its last line feed so a character is never split."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    cut = sample.rfind(b"\n")
    if cut > 0 and len(sample) >= SAMPLE_BYTES:
        sample = sample[: cut + 1]
    for encoding in ("utf-8", "cp932"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    best = from_bytes(sample).best()
    if best is None:
        raise UnreadableFile(
            "文字コードを判別できません。CSVはUTF-8またはShift_JIS（CP932）で保存してください。"
        )
    return best.encoding


def check_framing(encoding: str) -> None:
    """Refuse encodings in which line feeds, quotes and commas are not the ASCII bytes the chunking cuts at
    (UTF-16 and UTF-32 — Excel's "Unicode text" —, EBCDIC): read byte-wise they would give garbage rows."""
    try:
        encoder = codecs.getincrementalencoder(encoding)()
        encoder.encode("a")  # past a byte-order mark, if the encoding writes one
        compatible = encoder.encode(FRAMING) == FRAMING.encode("ascii")
    except (LookupError, UnicodeError):
        compatible = False
    if not compatible:
        raise UnreadableFile(
            f"この文字コード（{encoding}）のCSVには対応していません。"
            "UTF-8またはShift_JIS（CP932）のCSV（Excelでは「CSV UTF-8（コンマ区切り）」）で保存してください。"
        )


@contextmanager
def field_limit(size: int):
    """Let ``csv`` read fields of up to ``size`` characters (its default limit, 131,072, would raise on a long
    cell and lose the whole chunk; a cell too long for its column is a row error instead)."""
    previous = csv.field_size_limit()
    if size <= previous:
        yield
        return
    csv.field_size_limit(size)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def is_xlsx(head: bytes) -> bool:
    """XLSX files are ZIP archives."""
    return head.startswith(b"PK\x03\x04")


def _boundary(buffer: bytes, parity_start: int = 0, end: int | None = None) -> int:
    """Offset just after the last line feed in ``buffer[:end]`` that lies outside quotes, or -1."""
    position = buffer.rfind(b"\n", 0, end)
    if position >= 0 and parity_start == 0 and b'"' not in buffer:  # the usual list: no quotes at all
        return position + 1
    while position >= 0:
        if (parity_start + buffer.count(b'"', 0, position)) % 2 == 0:
            return position + 1
        position = buffer.rfind(b"\n", 0, position)
    return -1


def split_header(stream, encoding: str) -> tuple[list[str], bytes, int, int]:
    """Read the header record. Returns (headers, bytes already read after it, its size in bytes, its number of
    physical lines).

    The header ends at the first line feed where CSV reading is outside quotes. Counting quotes is not enough
    here: a stray quote in a heading (備考") would make the header swallow the data rows after it."""
    buffer = b""
    position = 0
    while True:
        block = stream.read(64 << 10)
        buffer += block
        while True:
            newline = buffer.find(b"\n", position)
            if newline < 0:
                break
            position = newline + 1
            lines = buffer.count(b"\n", 0, position)
            if lines > MAX_HEADER_LINES:
                raise UnreadableFile("見出し行が長すぎます。CSVの1行目に列の見出しを入れてください。")
            headers = _complete_header(buffer[:position], encoding)
            if headers is not None:
                return headers, buffer[position:], position, lines
        if not block:
            return _parse_header(buffer, encoding), b"", len(buffer), 1
        if len(buffer) > MAX_HEADER_BYTES:
            raise UnreadableFile("見出し行が長すぎます。CSVの1行目に列の見出しを入れてください。")


# A record no file holds: appended after text, it shows whether the text ended outside quotes.
END_SENTINEL = "\x00sonae-end\x00"


def _complete_header(data: bytes, encoding: str) -> list[str] | None:
    """The headers when ``data`` (up to a line feed) is one complete CSV record; None when the line feed lies
    inside a quoted field."""
    text = _decode_header(data, encoding)
    with field_limit(len(text) + len(END_SENTINEL)):
        rows = list(csv.reader(io.StringIO(text + END_SENTINEL, newline="")))
    if len(rows) < 2 or rows[-1] != [END_SENTINEL]:
        return None
    return _headers(rows[0])


def _decode_header(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(f"見出し行を文字コード {encoding} として読み取れません。") from None


def _parse_header(data: bytes, encoding: str) -> list[str]:
    text = _decode_header(data, encoding)
    with field_limit(len(text)):
        rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise UnreadableFile("1行目に列の見出しがありません。")
    return _headers(rows[0])


def _headers(cells: list[str]) -> list[str]:
    headers = [cell.strip() for cell in cells]
    if not any(headers):
        raise UnreadableFile("1行目に列の見出しがありません。")
    for index, header in enumerate(headers, start=1):
        if any(ord(ch) < 32 and ch != "\t" or ord(ch) == 127 for ch in header):
            # NUL and other control characters: a binary file, not a list (and PostgreSQL cannot store NUL in text).
            raise UnreadableFile(
                f"{index}列目の見出しに読み取れない文字（制御文字）があります。CSVまたはExcelのファイルか確認してください。"
            )
        if len(header) > MAX_HEADER_CELL:
            raise UnreadableFile(
                f"{index}列目の見出しが長すぎます（{MAX_HEADER_CELL}文字まで）。1行目には列の見出しを入れてください。"
            )
    return headers


def csv_chunks(
    stream, rest: bytes, consumed: int, *, first_line: int = 2, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Iterator[Chunk]:
    """Record-aligned chunks of the data after the header (``rest`` = bytes already read past it, ``consumed`` =
    the header's size in bytes, ``first_line`` = the physical line the data starts on)."""
    buffer = rest
    offset = consumed
    line = first_line
    index = 0
    eof = False
    while True:
        while not eof and len(buffer) < chunk_bytes:
            block = stream.read(chunk_bytes)
            if not block:
                eof = True
            buffer += block
        if not buffer:
            return
        # The last record boundary within the chunk size (chunks are the same for every run of the same file).
        cut = _boundary(buffer, end=chunk_bytes)
        if cut < 0 and eof:
            cut = len(buffer)
        elif cut < 0:
            cut = _boundary(buffer)
            while cut < 0:  # one record longer than a chunk: read on until it ends
                block = stream.read(chunk_bytes)
                if not block:
                    eof = True
                    cut = len(buffer)
                    break
                buffer += block
                cut = _boundary(buffer)
        data, buffer = buffer[:cut], buffer[cut:]
        offset += len(data)
        yield Chunk(index, line, data, offset)
        line += data.count(b"\n")
        index += 1
        if eof and not buffer:
            return


def _cell_text(value, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # Numbers typed into Excel lose their leading zeros: 0600001 → 600001, 0312345678 → 312345678.
        if field == "postal_code" and len(text) < 7:
            return text.zfill(7)
        if field == "phone" and len(text) in (9, 10) and not text.startswith("0"):
            return "0" + text
        return text
    return str(value)


# A million-row list saved as .xlsx expands to about 1 GB of XML; four times that is no real list.
XLSX_MAX_EXPANDED = 4 * 2**30


def xlsx_rows(stream) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """(headers, iterator of (row number, raw cell values)) of the first worksheet, read-only. A damaged
    worksheet (openpyxl reads it lazily, row by row) raises UnreadableFile naming the row, wherever it is hit."""
    unreadable = "Excelファイル（.xlsx）として読み取れません。"
    try:
        check_xlsx_archive(stream, max_total_bytes=XLSX_MAX_EXPANDED)
    except SuspiciousArchive as exc:
        raise UnreadableFile(str(exc)) from None
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(stream, read_only=True, data_only=True)
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        number = 0
        for first in rows:
            number += 1
            if first and any(v not in (None, "") for v in first):
                headers = [str(v).strip() if v is not None else "" for v in first]
                break
        else:
            raise UnreadableFile("1行目に列の見出しがありません。")
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file (zip, XML, cell references)
        raise UnreadableFile(unreadable) from None
    _headers(headers)
    return headers, _guarded_rows(rows, number + 1)


def _guarded_rows(rows, first: int) -> Iterator[tuple[int, list]]:
    number = first
    try:
        for values in rows:
            yield number, list(values)
            number += 1
    except Exception:  # a damaged worksheet part, found only when reading reaches it
        raise UnreadableFile(
            f"Excelファイルの{number}行目付近が壊れているため読み取れません。ファイルを保存し直してください。"
        ) from None


def xlsx_chunks(rows: Iterator[tuple[int, list]], mapping: list[str], rows_per_chunk: int = 20_000):
    """Chunks of (row number, cells as text) from ``xlsx_rows``."""
    index = 0
    batch: list[tuple[int, list[str]]] = []
    for number, values in rows:
        texts = [_cell_text(v, mapping[i] if i < len(mapping) else "") for i, v in enumerate(values)]
        batch.append((number, texts))
        if len(batch) >= rows_per_chunk:
            yield Chunk(index, batch[0][0], batch, 0)
            index += 1
            batch = []
    if batch:
        yield Chunk(index, batch[0][0], batch, 0)
