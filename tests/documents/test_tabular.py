"""The shared CSV/Excel writer: every text cell that a spreadsheet would run as a formula is neutralised, control
characters cannot smuggle one in, and the files read back with openpyxl and the csv module."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sonae.documents.tabular import (
    FORMULA_START,
    Column,
    cell_text,
    cell_value,
    csv_bytes,
    neutralise,
    xlsx_bytes,
)

ATTACKS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-1+1",
    "@x",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '=HYPERLINK("http://example.jp","x")',
    "＝1+1",
    "\x00=cmd|' /C calc'!A0",
    "\x01\x02+SUM(1)",
    "\x0b-1",
]
COLUMNS = (Column("text", "テキスト"), Column("note", "=備考"))

# Text from any alphabet, biased towards what an attacker types first.
texts = st.one_of(
    st.sampled_from(ATTACKS),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(list(FORMULA_START) + ["\x00", "\x07", "'"]),
        st.text(),
    ),
    st.text(),
)


def _expected(raw: str) -> str:
    """What the cell must hold: the text without XML-illegal control characters, quoted when it would run."""
    clean = "".join(ch for ch in raw if ch in "\t\n\r" or not (ord(ch) < 0x20 or ch in "\ufffe\uffff"))
    return "'" + clean if clean.startswith(FORMULA_START) else clean


def _xlsx_cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("attack", ATTACKS)
def test_known_formula_injections_are_quoted(attack):
    cell = neutralise(attack)
    assert cell.startswith("'")
    assert cell == _expected(attack)


@pytest.mark.parametrize("value", [5, -3, 2.5, None, date(2026, 1, 1), True])
def test_values_that_are_not_text_are_left_alone(value):
    assert neutralise(value) is value


def test_plain_japanese_text_is_unchanged():
    assert neutralise("株式会社さくら臨床検査") == "株式会社さくら臨床検査"
    assert cell_text(None) == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(texts, texts), min_size=1, max_size=6))
def test_every_xlsx_cell_is_neutralised_and_the_file_reads_back(rows):
    data = xlsx_bytes(COLUMNS, [{"text": a, "note": b} for a, b in rows], title="=一覧")
    cells = _xlsx_cells(data)
    assert [c.value for c in cells[0]] == ["テキスト", "'=備考"]
    assert len(cells) == len(rows) + 1
    for (a, b), written in zip(rows, cells[1:], strict=True):
        for raw, cell in zip((a, b), written, strict=True):
            assert cell.data_type != "f"
            assert (cell.value or "") == _expected(raw)
            assert not (cell.value or "").startswith(FORMULA_START)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(texts, texts), min_size=1, max_size=6))
def test_every_csv_cell_is_neutralised_and_the_file_reads_back(rows):
    data = csv_bytes(COLUMNS, [{"text": a, "note": b} for a, b in rows])
    parsed = _csv_rows(data)
    assert parsed[0] == ["テキスト", "'=備考"]
    assert len(parsed) == len(rows) + 1
    for (a, b), written in zip(rows, parsed[1:], strict=True):
        assert written == [_expected(a), _expected(b)]
        assert not any(cell.startswith(FORMULA_START) for cell in written)


def test_typed_values_stay_typed_in_excel():
    instant = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)  # 09:30 in Tokyo
    rows = [
        {"n": -1500, "d": date(2026, 4, 1), "t": instant, "b": True, "l": ["氏名", "=x"], "nested": {"a": 1}}
    ]
    columns = [
        Column("n", "金額"),
        Column("d", "日付"),
        Column("t", "日時"),
        Column("b", "有無"),
        Column("l", "項目"),
    ]
    (header, row) = [[c.value for c in r] for r in _xlsx_cells(xlsx_bytes(columns, rows))]
    assert header == ["金額", "日付", "日時", "有無", "項目"]
    assert row[0] == -1500  # a negative amount is a number, not a formula
    assert row[1] == datetime(2026, 4, 1)
    assert row[2] == datetime(2026, 4, 1, 9, 30)
    assert row[3] == "はい"
    assert row[4] == "氏名、=x"
    # A joined list that starts like a formula is quoted as a whole.
    assert cell_value(["=x", "y"]) == "'=x、y"


def test_csv_writes_tokyo_times_and_nested_keys():
    rows = [{"at": datetime(2026, 4, 1, 0, 30, tzinfo=UTC), "provider": {"name": "+81 株式会社"}}]
    data = csv_bytes([Column("at", "日時"), Column("provider.name", "事業者")], rows)
    assert data.endswith(b"\r\n")
    assert _csv_rows(data)[1] == ["2026-04-01 09:30:00", "'+81 株式会社"]
