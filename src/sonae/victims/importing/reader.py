"""Reading a victim list: encoding, header, and record-aligned chunks for parallel workers. Pure module.

CSV files are cut into chunks of about ``chunk_bytes`` that end at a record boundary, so each worker process can
decode and parse its chunk alone. A boundary is a line feed outside quotes: the number of ``"`` before it is
even (a quoted field may hold line breaks). Cutting bytes before decoding is safe for the supported encodings:
in UTF-8 and CP932 the bytes 0x0A and 0x22 only ever stand for LF and ``"`` (CP932 trail bytes are 0x40–0xFC).

Line numbers are the file's physical lines (header = line 1), which is what an editor shows; for a spreadsheet
they are its row numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from charset_normalizer import from_bytes

SAMPLE_BYTES = 1 << 20
DEFAULT_CHUNK_BYTES = 4 << 20
MAX_HEADER_BYTES = 1 << 20


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


def is_xlsx(head: bytes) -> bool:
    """XLSX files are ZIP archives."""
    return head.startswith(b"PK\x03\x04")


def _boundary(buffer: bytes, parity_start: int = 0) -> int:
    """Offset just after the last line feed in ``buffer`` that lies outside quotes, or -1."""
    position = buffer.rfind(b"\n")
    while position >= 0:
        if (parity_start + buffer.count(b'"', 0, position)) % 2 == 0:
            return position + 1
        position = buffer.rfind(b"\n", 0, position)
    return -1


def split_header(stream, encoding: str) -> tuple[list[str], bytes, int, int]:
    """Read the header record. Returns (headers, bytes already read after it, its size in bytes, its number of
    physical lines)."""
    buffer = b""
    while True:
        block = stream.read(64 << 10)
        buffer += block
        position = 0
        # The first line feed outside quotes ends the header.
        while True:
            newline = buffer.find(b"\n", position)
            if newline < 0:
                break
            if buffer.count(b'"', 0, newline) % 2 == 0:
                header_bytes = buffer[: newline + 1]
                rest = buffer[newline + 1 :]
                lines = header_bytes.count(b"\n")
                return _parse_header(header_bytes, encoding), rest, len(header_bytes), lines
            position = newline + 1
        if not block:
            return _parse_header(buffer, encoding), b"", len(buffer), 1
        if len(buffer) > MAX_HEADER_BYTES:
            raise UnreadableFile("見出し行が長すぎます。CSVの1行目に列の見出しを入れてください。")


def _parse_header(data: bytes, encoding: str) -> list[str]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise UnreadableFile(f"見出し行を文字コード {encoding} として読み取れません。") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise UnreadableFile("1行目に列の見出しがありません。")
    return [cell.strip() for cell in rows[0]]


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
        cut = _boundary(buffer[:chunk_bytes])
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


def xlsx_rows(stream) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """(headers, iterator of (row number, raw cell values)) of the first worksheet, read-only."""
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("Excelファイル（.xlsx）として読み取れません。") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    for number, first in enumerate(rows, start=1):
        if first and any(v not in (None, "") for v in first):
            headers = [str(v).strip() if v is not None else "" for v in first]
            return headers, ((n, list(r)) for n, r in enumerate(rows, start=number + 1))
    raise UnreadableFile("1行目に列の見出しがありません。")


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
