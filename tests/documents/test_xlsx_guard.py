"""Zip bombs disguised as .xlsx: refused with a clear Japanese message before openpyxl inflates anything; real
workbooks pass untouched."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from sonae.documents import xlsx_guard
from sonae.documents.xlsx_guard import SuspiciousArchive, check_xlsx_archive


def _workbook_bytes(rows=100) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["氏名", "フリガナ", "生年月日"])
    for n in range(rows):
        sheet.append([f"山田 太郎{n}", "ヤマダ タロウ", "1970-03-02"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes], count: int = 0) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for n in range(count):
            archive.writestr(f"x/{n}", b"")
    out.seek(0)
    return out


def test_a_real_workbook_passes_and_the_stream_is_rewound():
    stream = io.BytesIO(_workbook_bytes())
    stream.seek(0)
    check_xlsx_archive(stream, max_total_bytes=10 * 2**20)
    assert stream.tell() == 0


def test_too_much_declared_content_is_refused():
    stream = _zip({"xl/sharedStrings.xml": b"<si>" + b"0" * (3 * 2**20)})
    with pytest.raises(SuspiciousArchive, match="展開すると大きすぎます"):
        check_xlsx_archive(stream, max_total_bytes=2**20)


def test_a_member_compressed_far_beyond_xml_is_refused():
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (40 * 2**20)})
    assert bomb.getbuffer().nbytes < 200_000  # about 1000 : 1
    with pytest.raises(SuspiciousArchive, match="異常に圧縮"):
        check_xlsx_archive(bomb, max_total_bytes=2**30)


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MAX_MEMBERS", 50)
    with pytest.raises(SuspiciousArchive, match="部品の数"):
        check_xlsx_archive(_zip({}, count=51), max_total_bytes=2**30)


def test_something_that_is_not_a_zip_is_left_to_the_reader():
    stream = io.BytesIO(b"not a zip at all")
    check_xlsx_archive(stream, max_total_bytes=1)
    assert stream.tell() == 0


def test_the_victims_reader_reports_a_bomb_as_an_unreadable_file(monkeypatch):
    from sonae.victims.importing import reader

    monkeypatch.setattr(reader, "XLSX_MAX_EXPANDED", 2**20)
    data = _workbook_bytes()
    bomb = _zip({"xl/sharedStrings.xml": b"<si>" + b"0" * (3 * 2**20)})
    with pytest.raises(reader.UnreadableFile, match="展開すると大きすぎます"):
        reader.xlsx_rows(bomb)
    headers, rows = reader.xlsx_rows(io.BytesIO(data))
    assert headers[:2] == ["氏名", "フリガナ"] and len(list(rows)) == 100


def test_the_roster_reader_reports_a_bomb_as_invalid_input(monkeypatch):
    from sonae.core.errors import InvalidInput
    from sonae.enrolment import files

    monkeypatch.setattr(files, "XLSX_MAX_EXPANDED", 2**20)
    bomb = _zip({"xl/sharedStrings.xml": b"<si>" + b"0" * (3 * 2**20)}).getvalue()
    with pytest.raises(InvalidInput, match="展開すると大きすぎます"):
        files._xlsx_rows(bomb)
    assert len(files._xlsx_rows(_workbook_bytes(rows=10))) == 11
