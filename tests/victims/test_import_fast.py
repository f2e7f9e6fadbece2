"""The import's fast path (polars) gives exactly what the Python path gives, row for row (importing.fast)."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonae.core.crypto import Keyring, generate_keyring_json
from sonae.victims.importing import fast, worker
from sonae.victims.importing.reader import Chunk
from sonae.victims.importing.rows import ColumnNormaliser
from sonae.victims.items import mask_of

TODAY = date(2025, 6, 1)
FULL = [
    "name",
    "kana",
    "birth_date",
    "postal_code",
    "address",
    "phone",
    "patient_id",
    "insurance_card",
    "items",
]
FIELDS = ("lines", "records", "kana_messages", "patient_messages", "items", "corporate", "errors", "rows")


def python_path(
    text: str, mapping: list[str], first_line: int = 2, default_items: int = 0
) -> worker.Prepared:
    normaliser = ColumnNormaliser(mapping, today=TODAY, default_items=default_items)
    chunk = Chunk(index=0, first_line=first_line, data=text.encode("cp932", "replace"), end_offset=0)
    errors: list = []
    rows, lines = worker._parse(chunk, "cp932", errors)
    prepared = worker.prepared_of(normaliser.normalise(rows, lines), "7")
    prepared.errors = errors + prepared.errors
    return prepared


def fast_path(text: str, mapping: list[str], first_line: int = 2, default_items: int = 0):
    normaliser = ColumnNormaliser(mapping, today=TODAY, default_items=default_items)
    return fast.prepare(text.encode("cp932", "replace"), "cp932", first_line, normaliser, "7")


def assert_same(text: str, mapping: list[str], **options) -> fast.Prepared | None:
    got = fast_path(text, mapping, **options)
    if got is None:
        return None
    expected = python_path(text, mapping, **options)
    for name in FIELDS:
        assert getattr(got, name) == getattr(expected, name), name
    return got


def test_a_plain_chunk_of_common_rows_takes_the_fast_path_for_every_row():
    text = (
        "小林 大翔,コバヤシ ヒロト,1941-04-28,260-1931,千葉県千葉市中央区富士見8丁目21番13号,09-7386-7090,"
        "P00000001,記号90 番号58378,氏名;住所\n"
        "松本　葵,ﾏﾂﾓﾄ ｱｵｲ,S61.12.16,1000365,東京都千代田区千代田1丁目29番13号 コーポみなと407号室,"
        "090-9644-3632,ｐ 0002,,氏名\n"
        "山田 花子,やまだ はなこ,昭和45年3月2日,,大阪府大阪市北区梅田１丁目,,,,\n"
        "田中 一郎,タナカ イチロウ,19700302,,,,,,\n"
        "佐藤 太郎,サトウ タロウ,R1.5.1,,,,,,\n"
    )
    got = assert_same(text, FULL)
    assert got is not None and got.fast_rows == got.rows == 5
    assert got.lines == [2, 3, 4, 5, 6]
    assert b'"kana":"\xe3\x83\x9e\xe3\x83\x84' in got.records[1]  # ﾏﾂ → マツ
    assert got.patient_messages[1] == b"7\x1fP0002"
    assert got.kana_messages[2] == "7\x1fヤマダハナコ\x1f1970-03-02".encode()
    assert got.kana_messages[4] == "7\x1fサトウタロウ\x1f2019-05-01".encode()


def test_bad_and_unusual_rows_go_the_python_way_with_their_messages_in_line_order():
    text = (
        "小林 大翔,コバヤシ,平成31年5月1日,,,,,,\n"  # not a 平成 date: error
        "松本 葵,マツモト・アオイ,1970-01-01,,,,,,\n"  # middle dot: the Python path
        ",,,,,,,,\n"  # blank row: skipped, not counted
        "①山田,ヤマダ,2030-01-01,,,,,,\n"  # NFKC outside the safe alphabet; birth in the future
        "田中 一郎,タナカ,1970-02-30,12-345,,01,,,不明な項目\n"
        "佐藤 太郎,サトウ タロウ,S45.3.2,,,,,,\n"
    )
    got = assert_same(text, FULL)
    assert got is not None
    assert got.fast_rows == 1 and got.lines == [3, 7]
    assert {line for line, _c, _m in got.errors} == {2, 5, 6}


@pytest.mark.parametrize(
    "text",
    [
        'a,b"c,1970-01-01\n',  # a stray quote
        'a,"b"c,1970-01-01\n',  # text after a closing quote
        'a,"b\nc",1970-01-01\n',  # a quoted line break
        'a, "b",1970-01-01\n',  # a space before an opening quote
        "a,b,1970-01-01\rc,d,1970-01-01\n",  # a lone carriage return
        "a,b,1970-01-01\n\nc,d,1970-01-01\n",  # a blank line
        "a,b\nc,d,1970-01-01,x\n",  # ragged lines
    ],
)
def test_chunks_that_are_not_plain_are_left_to_the_python_path(text):
    assert fast_path(text, ["name", "kana", "birth_date"]) is None


def test_cells_quoted_as_a_whole_are_plain():
    text = '"山田 花子","ヤマダ ハナコ","1970-01-01"\n"田中,一郎",タナカ,""\n"鈴木""","スズキ",1980-02-02\n'
    got = assert_same(text, ["name", "kana", "birth_date"])
    assert got is not None and got.rows == 3
    assert got.fast_rows == 2  # the name with a quote in it needs a JSON escape: the Python path
    assert b'"name":"\xe7\x94\xb0\xe4\xb8\xad,\xe4\xb8\x80\xe9\x83\x8e"' in got.records[1]  # 田中,一郎


def test_crlf_line_ends_are_plain():
    got = assert_same(
        "山田 花子,ヤマダ ハナコ,1970-01-01\r\n田中,タナカ,1980-02-02\r\n", ["name", "kana", "birth_date"]
    )
    assert got is not None and got.fast_rows == 2


def test_kind_flag_columns_and_default_items_as_the_python_path_reads_them():
    mapping = ["name", "kind", "item:medical_history", "item:my_number", ""]
    text = "山田,法人,○,,x\n田中,個人,,1,y\n佐藤,,,,z\n鈴木,不明,,,w\n"
    default = mask_of(["name"])
    got = assert_same(text, mapping, default_items=default)
    assert got is not None and got.fast_rows == 3
    assert got.corporate == [True, False, False]


def test_a_field_over_several_columns_is_left_to_the_python_path():
    assert fast_path("山田,東京都,千代田区\n", ["name", "address", "address"]) is None


# -- random chunks ------------------------------------------------------------------------------------------------

ODD = list('①ｶﾞｷﾟﾞ＂＼\t\u3000\u00a0ß゛・･ｰー　"')
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("山田花子太郎東京都千代田区丁目番号 -ABCabc0123ａＢ１")),
        st.sampled_from(list("やまだはなこｱｲｳｴｵｶﾞﾊﾟカタナヴヵヶ")),
        st.sampled_from(ODD),
        st.characters(codec="cp932", exclude_characters=',\n\r"¢£¬‖−〜'),
    ),
    max_size=8,
)
BIRTH = st.one_of(
    st.dates(min_value=date(1860, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                d.isoformat(),
                f"{d.year}/{d.month}/{d.day}",
                f"{d.year}.{d.month:02}.{d.day}",
                f"{d.year}{d.month:02}{d.day:02}",
                f"{d.year}-{d.month}/{d.day}",
                f"S{d.year - 1925}.{d.month}.{d.day}",
                f"h{d.year - 1988}/{d.month}/{d.day}",
                f"昭和{d.year - 1925}年{d.month}月{d.day}日",
                f"平成{d.year - 1988}年{d.month}月{d.day}日",
                f"令{d.year - 2018}-{d.month}-{d.day}",
                f"明治{d.year - 1867}年{d.month}月{d.day}日",
                f"大{d.year - 1911}.{d.month}.{d.day}",
                f" {d.isoformat()}",
                f"{d.year}年{d.month}月{d.day}日",
            ]
        )
    ),
    st.sampled_from(
        ["", "0000-01-01", "1970-13-01", "S0.1.1", "S64.1.8", "H31.4.30", "H31.5.1", "R1.4.30", "x"]
    ),
)
POSTAL = st.sampled_from(["", "100-0001", "1000001", "100-001", "１００－０００１", "〒100-0001", "abc"])
PHONE = st.sampled_from(
    ["", "03-1234-5678", "09012345678", "090-1234-567", "0120-000-000", "1234567890", "０３"]
)
ITEMS = st.sampled_from(["", "氏名", "氏名;生年月日;病歴・既往症", "不明", "マイナンバー、氏名"])
KIND = st.sampled_from(["", "個人", "法人", "C", "p", "会社", "？"])
FLAG = st.sampled_from(["", "○", "1", "あり", "x", "no"])
ROW = st.tuples(TEXT, TEXT, BIRTH, POSTAL, TEXT, PHONE, TEXT, TEXT, ITEMS, KIND, FLAG)
WHOLE_CELL = re.compile(r'"(?:[^"]|"")*"|[^"]*')
QUOTED_TEXT = st.text(alphabet=st.sampled_from(list('山田ヤマダ ,"a1')), max_size=6)


def _cell(draw, value: str) -> str:
    """The cell as a file writes it: mostly as is, sometimes quoted as a whole, now and then malformed."""
    how = draw(st.sampled_from(["plain"] * 6 + ["quoted", "quoted", "stray"]))
    if how == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if how == "stray":
        return value + '"' + draw(QUOTED_TEXT).replace(",", "").replace("\n", "")
    return value


@st.composite
def written_row(draw):
    row = list(draw(ROW))
    if draw(st.booleans()):
        row[0] = draw(QUOTED_TEXT.map(lambda v: v or "x"))  # commas and quotes inside a name
    return [_cell(draw, value) if '"' not in value and "," not in value else '"' + value.replace('"', '""') + '"'
            for value in row]  # fmt: skip


MAPPING = FULL + ["kind", "item:my_number"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(written_row(), min_size=1, max_size=12),
    st.integers(min_value=2, max_value=10_000),
    st.booleans(),
)
def test_random_chunks_give_what_the_python_path_gives(rows, first_line, with_default):
    _random_chunk_gives_what_the_python_path_gives(rows, first_line, with_default)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(written_row(), min_size=1, max_size=12),
    st.integers(min_value=2, max_value=10_000),
    st.booleans(),
)
def test_random_chunks_give_what_the_python_path_gives_without_the_c_loops(rows, first_line, with_default):
    """Where the C loops are not built, the fast path reads CP932 and birth dates in polars and Python."""
    with without_c_loops():
        _random_chunk_gives_what_the_python_path_gives(rows, first_line, with_default)


@contextmanager
def without_c_loops():
    saved = os.environ.get("SONAE_IMPORT_NATIVE")
    os.environ["SONAE_IMPORT_NATIVE"] = "0"  # read by ``native.loops()`` on each call
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SONAE_IMPORT_NATIVE"]
        else:
            os.environ["SONAE_IMPORT_NATIVE"] = saved


def _random_chunk_gives_what_the_python_path_gives(rows, first_line, with_default):
    text = "".join(",".join(row) + "\n" for row in rows)
    default = mask_of(["name"]) if with_default else 0
    got = assert_same(text, MAPPING, first_line=first_line, default_items=default)
    if '"' not in text and "\r" not in text:
        assert got is not None  # every chunk without a quote or CR is plain here (no blank line, same width)
    if all(WHOLE_CELL.fullmatch(cell) for row in rows for cell in row) and "\r" not in text:
        assert got is not None  # so is every chunk whose quotes wrap whole cells


def test_the_worker_gives_the_same_chunk_result_either_way():
    keyring = Keyring.from_json(generate_keyring_json())
    text = (
        "".join(
            f"山田 {i},ヤマダ {'ﾊﾅｺ' if i % 2 else 'はなこ'},S45.3.{i % 28 + 1},100-000{i % 10},東京都{i}丁目,"
            f"03-1234-{i:04},P{i},記号{i},氏名;住所\n"
            for i in range(200)
        )
        + "①,ヤマダ,1970-01-01,,,,,,\n"
    )
    chunk = Chunk(index=0, first_line=2, data=text.encode("cp932"), end_offset=len(text))
    results = {}
    for engine in (False, True):
        config = worker.WorkerConfig(
            encoding="cp932", mapping=FULL, incident_id=7, job_id=3, keyring=keyring, today=TODAY,
            default_items=0, aad_prefix=b"victims.victim.record:", mode=worker.ROWS, fast=engine,
        )  # fmt: skip
        worker.init_worker(config)
        results[engine] = worker.process_chunk(chunk)
    python, polars = results[False], results[True]
    assert polars.rows == python.rows == 201
    for name in ("lines", "kana_keys", "patient_keys", "items", "corporate", "errors"):
        assert getattr(polars, name) == getattr(python, name), name
    assert len(polars.victim_rows) == 201

    def records(result):
        return [keyring.decrypt_record(row[5], b"victims.victim.record:" + bytes.fromhex(row[1]))
                for row in result.victim_rows]  # fmt: skip

    assert records(polars) == records(python)
    assert records(polars)[1]["kana"] == "ヤマダ ハナコ"


# -- forking ------------------------------------------------------------------------------------------------------


def test_the_fast_path_is_used_only_by_pool_workers_of_a_process_that_has_not_run_polars(monkeypatch):
    from sonae.victims.importing import pipeline

    monkeypatch.setattr(fast, "_has_run", False)
    assert pipeline.fast_engine(2) is True
    assert pipeline.fast_engine(0) is False  # inline: this process would run it
    monkeypatch.setenv("SONAE_IMPORT_FAST", "0")
    assert pipeline.fast_engine(2) is False
    monkeypatch.delenv("SONAE_IMPORT_FAST")
    fast_path("山田,ヤマダ\n", ["name", "kana"])
    assert fast.has_run() and pipeline.fast_engine(2) is False


FORKED = """
import multiprocessing, sys
from datetime import date
from sonae.victims.importing import fast, pipeline
from sonae.victims.importing.rows import ColumnNormaliser

def child(text):
    import hashlib, hmac
    normaliser = ColumnNormaliser(["name", "kana"], today=date(2025, 6, 1))
    rows = fast.prepare(text.encode(), "utf-8", 2, normaliser, "7").fast_rows
    hmac.new(b"k" * 32, hashlib.sha256(text.encode()).digest(), "sha256").digest()  # OpenSSL, as keys are made
    return rows

assert pipeline.fast_engine(2) and "polars" in sys.modules and not fast.has_run()
if "--busy-thread" in sys.argv:  # like a task worker's heartbeat: allocating, hashing, logging at the fork
    import hashlib, logging, threading
    def busy():
        while True:
            logging.getLogger("busy").debug("%s", hashlib.sha256(bytes(4096)).hexdigest() * 8)
    threading.Thread(target=busy, daemon=True).start()
for _round in range(int(sys.argv[1])):
    with multiprocessing.get_context("fork").Pool(2) as pool:
        print(sum(pool.map(child, ["山田,ヤマダ\\n田中,タナカ\\n"] * 4)))
"""


def test_workers_forked_after_polars_was_loaded_but_not_run_can_run_it():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FORKED, "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "8"


def test_workers_forked_while_another_thread_is_busy_can_run_polars():
    """A task worker forks the pool while its heartbeat thread runs: the children never wait on that thread."""
    import subprocess
    import sys

    command = [sys.executable, "-c", FORKED, "20", "--busy-thread"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8"] * 20
