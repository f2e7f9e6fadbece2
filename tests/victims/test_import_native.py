"""The import workers' C loops (``victims.importing._native``) against the Python code they mirror, byte for byte:
look-up keys, sealed COPY tuples, CP932 read as UTF-8, the duplicate table and the key buckets.

bootstrap builds the module (setup.py, OpenSSL's headers from libssl-dev); these tests fail where it is not built,
so CI always checks the code the imports run.
"""

from __future__ import annotations

import os
import re
import struct
from array import array
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.core.crypto import Keyring, generate_keyring_json, header_for
from sonae.victims.importing import _native, fast
from sonae.victims.importing.worker import copy_tuples, seal_records
from sonae.victims.keys import (
    KANA_BIRTH,
    PATIENT_ID,
    BucketBuilder,
    FirstSeen,
    lookup_key,
    lookup_keys_of,
    subkey_of,
)

KEYRING = Keyring.from_json(generate_keyring_json())
PREFIX = b"victims_victim.record:"
MESSAGES = st.lists(st.one_of(st.none(), st.binary(max_size=200)), max_size=40)


def _native_keys(keyring, domain, messages) -> list[int]:
    keys = array("q")
    keys.frombytes(_native.lookup_keys(subkey_of(keyring, domain), messages))
    return keys.tolist()


@settings(max_examples=200)
@given(MESSAGES)
def test_lookup_keys_equal_the_python_hmac(messages):
    expected = [-1 if m is None else k for m, k in zip(messages, _python_keys(messages), strict=True)]
    assert _native_keys(KEYRING, KANA_BIRTH, messages) == expected


def _python_keys(messages):
    present = [m for m in messages if m is not None]
    keys = iter(lookup_keys_of(KEYRING, KANA_BIRTH, present))
    return [None if m is None else next(keys) for m in messages]


def test_lookup_keys_equal_the_one_at_a_time_definition():
    message = "12\x1fヤマダタロウ\x1f1970-03-02"
    native = _native_keys(KEYRING, KANA_BIRTH, [message.encode()])
    assert native == [lookup_key(KEYRING, KANA_BIRTH, "12", "ヤマダタロウ", "1970-03-02")]
    assert native != _native_keys(KEYRING, PATIENT_ID, [message.encode()])  # the domain is part of the key
    assert 0 <= native[0] < 2**63


def test_lookup_keys_refuse_what_is_not_bytes():
    with pytest.raises(TypeError):
        _native.lookup_keys(subkey_of(KEYRING, KANA_BIRTH), ["text"])
    with pytest.raises(ValueError):
        _native.lookup_keys(b"k" * 65, [b"x"])


ROWS = st.lists(
    st.tuples(
        st.binary(max_size=600),  # record
        st.integers(0, 2**24 - 1),  # line
        st.integers(0, 2**40),  # items
        st.booleans(),  # corporate
    ),
    max_size=30,
)


@settings(max_examples=150)
@given(ROWS, st.integers(1, 2**31), st.integers(1, 2**31))
def test_seal_copy_equals_seal_records_and_the_python_layout(rows, incident, job):
    records = [r[0] for r in rows]
    lines, items, corporate = array("q", [r[1] for r in rows]), array("q", [r[2] for r in rows]), array("b")
    corporate.extend(int(r[3]) for r in rows)
    randoms = os.urandom(28 * len(rows))
    row_keys, sealed = seal_records(KEYRING, records, PREFIX, randoms)
    expected = copy_tuples(row_keys, sealed, lines, items, corporate, incident, job)
    key_id = KEYRING.current
    payload, offsets = _native.seal_copy(
        KEYRING.keys[key_id],
        header_for(key_id),
        PREFIX,
        records,
        randoms,
        lines,
        items,
        corporate,
        incident,
        job,
    )
    native_offsets = array("Q")
    native_offsets.frombytes(offsets)
    assert (payload, native_offsets) == expected


def test_seal_copy_records_read_back_with_the_keyring():
    records = [b'{"name":"\xe5\xb1\xb1\xe7\x94\xb0"}', b'{"name":"y"}']
    randoms = os.urandom(56)
    key_id = KEYRING.current
    payload, offsets = _native.seal_copy(
        KEYRING.keys[key_id], header_for(key_id), PREFIX, records, randoms,
        array("q", [2, 3]), array("q", [5, 0]), array("b", [0, 1]), 7, 9,
    )  # fmt: skip
    starts = array("Q")
    starts.frombytes(offsets)
    decoded = []
    for i in range(2):
        row = payload[starts[i] : starts[i + 1]]
        (count,) = struct.unpack_from("!h", row)
        fields, at = [], 2
        for _ in range(count):
            (length,) = struct.unpack_from("!i", row, at)
            fields.append(row[at + 4 : at + 4 + length])
            at += 4 + length
        assert at == len(row)
        victim_id, incident, job, line = (int.from_bytes(fields[k], signed=True) for k in (0, 2, 3, 4))
        assert (victim_id, incident, job, line) == (9 << 24 | (2 + i), 7, 9, 2 + i)
        assert fields[1] == randoms[16 * i : 16 * i + 16]
        decoded.append(KEYRING.decrypt_record(fields[5], PREFIX + fields[1]))
        assert int.from_bytes(fields[6]) == [5, 0][i] and fields[7] == bytes([i])
    assert decoded == [{"name": "山田"}, {"name": "y"}]


def test_seal_copy_checks_its_buffers():
    key_id = KEYRING.current
    args = [KEYRING.keys[key_id], header_for(key_id), PREFIX, [b"x"], os.urandom(28)]
    one, byte = array("q", [1]), array("b", [0])
    with pytest.raises(ValueError):
        _native.seal_copy(*args[:4], os.urandom(27), one, one, byte, 1, 1)
    with pytest.raises(ValueError):
        _native.seal_copy(*args, array("q", [1, 2]), one, byte, 1, 1)
    with pytest.raises(ValueError):
        _native.seal_copy(b"short", *args[1:], one, one, byte, 1, 1)
    with pytest.raises(TypeError):
        _native.seal_copy(*args[:3], ["x"], args[4], one, one, byte, 1, 1)


def _python_plain(data: bytes):
    """What ``cp932_to_utf8`` must answer, computed the plain way."""
    try:
        text = data.decode("cp932").replace("\u3000", " ").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    flags = (
        fast.LONE_CR * ("\r" in text)
        | fast.BLANK_LINE * (text.startswith("\n") or "\n\n" in text)
        | fast.QUOTE * ('"' in text)
        | fast.WIDTH_FORMS * any("\uff01" <= c <= "\uff9f" for c in text)
        | fast.ODD_SPACE * bool(re.search(r'^ | $|[ ,\n"] | [,\n"]', text))
    )
    widths = spaces = unsafe = 0
    if '"' in text:
        widths = spaces = unsafe = 2**64 - 1
    else:  # each cell by commas: the columns that hold a width form, a space at an edge or two, a non-SAFE character
        for line in text.split("\n"):
            for column, cell in enumerate(line.split(",")):
                bit = 1 << min(column, 63)
                if any("\uff01" <= c <= "\uff9f" for c in cell):
                    widths |= bit
                if re.search("^ | $|  ", cell):
                    spaces |= bit
                if not re.fullmatch(f"{fast.SAFE}*", cell.replace("\r", "")):  # a lone CR is flagged instead
                    unsafe |= bit
    return text.encode(), text.count("\n"), text.count(","), flags, widths, spaces, unsafe


CP932_BYTES = st.one_of(
    st.binary(max_size=60),  # mostly invalid: lone lead bytes, bad trails
    st.text(alphabet=st.characters(codec="cp932", exclude_characters="¢£¬‖−〜"), max_size=30).map(
        lambda t: t.encode("cp932")
    ),
    st.lists(
        st.sampled_from(
            ["山田", "ｶﾅ", "ＡＢ", "\u3000", " ", '"', "\r\n", "\r", "\n", ",", "①", "髙", "~", "\\"]
        )
    ).map(lambda parts: "".join(parts).encode("cp932")),
)


@settings(max_examples=500)
@given(CP932_BYTES)
def test_cp932_to_utf8_reads_what_python_reads(data):
    assert _native.cp932_to_utf8(data, fast.cp932_table()) == _python_plain(data)


def test_cp932_to_utf8_reads_every_byte_and_pair_as_python_does():
    table = fast.cp932_table()
    for lead in range(256):
        pieces = [bytes([lead])] + [bytes([lead, trail]) for trail in range(256)]
        for data in pieces:
            assert _native.cp932_to_utf8(data, table) == _python_plain(data), data


KEY_CALLS = st.lists(
    st.lists(st.tuples(st.integers(-1, 40), st.integers(-(2**40), 2**40)), max_size=30),  # few keys: repeats
    max_size=12,
)


@settings(max_examples=200)
@given(KEY_CALLS, st.integers(1, 64))
def test_first_seen_in_c_answers_as_numpy_does(calls, capacity):
    numpy_table, c_table = FirstSeen(capacity), FirstSeen(capacity, native=_native)
    for call in calls:
        keys, values = [k for k, _v in call], [v for _k, v in call]
        expected = numpy_table.setdefault_many(keys, values).tolist()
        assert c_table.setdefault_many(keys, values).tolist() == expected
        assert len(c_table) == len(numpy_table)


def test_first_seen_in_c_grows_and_keeps_every_key():
    table = FirstSeen(16, native=_native)
    keys = np.arange(
        0, 5000 * 7919, 7919, dtype=np.int64
    )  # spread over the slots, then colliding as it fills
    assert table.setdefault_many(keys, keys + 1).tolist() == (keys + 1).tolist()
    assert (
        table.setdefault_many(keys[::-1], np.zeros(5000, dtype=np.int64)).tolist()
        == (keys[::-1] + 1).tolist()
    )
    assert len(table) == 5000


BUCKET_KEYS = st.lists(
    st.tuples(st.integers(0, 2**63 - 1) | st.integers(0, 3) | st.just(2**63 - 1), st.integers(0, 2**24 - 1)),
    max_size=60,
)


@settings(max_examples=200)
@given(st.lists(BUCKET_KEYS, max_size=4), st.integers(1, 2**40), st.integers(1, 2**40))
def test_bucket_copy_lays_out_what_buckets_yields(chunks, incident, job):
    python, c = BucketBuilder(), BucketBuilder()
    for chunk in chunks:
        keys = array("q", [k for k, _n in chunk])
        lines = array("q", [n for _k, n in chunk])
        for builder in (python, c):
            builder.add(keys, lines)
    assert c.copy_rows(incident, job, _native) == python.copy_rows(incident, job)


def test_bucket_copy_sorts_equal_keys_by_line_and_refuses_negative_keys():
    builder = BucketBuilder()
    builder.add(array("q", [5, 5, 1 << 50]), array("q", [9, 3, 4]))
    payload = builder.copy_rows(1, 2, _native)
    first = payload[: 2 + 12 + 12 + 8 + 4 + 16 + 4 + 8]
    assert first[-8:] == (3).to_bytes(4) + (9).to_bytes(4)  # lines of key 5: 3 then 9
    with pytest.raises(ValueError):
        _native.bucket_copy(array("q", [-2]), array("q", [1]), 1, 2, 47)


def test_cp932_to_utf8_marks_the_columns_that_need_nfkc_a_space_fix_or_a_safety_check():
    table = fast.cp932_table()
    _text, _lf, _commas, _flags, widths, spaces, unsafe = _native.cp932_to_utf8(
        "a,ｶﾅ,b \nc, d,e①\t\n".encode("cp932"), table
    )
    assert (widths, spaces, unsafe) == (0b010, 0b110, 0b100)
    line = ",".join("ｱ" if i == 70 else "x" for i in range(72)).encode("cp932")
    assert _native.cp932_to_utf8(line, table)[4] == 1 << 63  # columns from the 64th on share the last bit
    assert _native.cp932_to_utf8(b'"a",b', table)[4:] == (2**64 - 1,) * 3  # quotes: ask every column


# -- birth dates ------------------------------------------------------------------------------------------------

TODAY = date(2025, 6, 1)
ERA_LABELS = [
    "明治",
    "大正",
    "昭和",
    "平成",
    "令和",
    "明",
    "大",
    "昭",
    "平",
    "令",
    "M",
    "t",
    "S",
    "h",
    "R",
    "Q",
    "元",
]
BIRTH_CELLS = st.one_of(
    st.dates(min_value=date(1850, 1, 1), max_value=date(2030, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month:02}.{d.day}",
                f"{d.year}{d.month:02}{d.day:02}", f"{d.year}-{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日",
                f" {d.isoformat()}", f"{d.year}-{d.month:03}-{d.day}",
            ]
        )
    ),
    st.tuples(
        st.sampled_from(ERA_LABELS), st.integers(-1, 1000), st.integers(0, 13), st.integers(0, 32),
        st.sampled_from(["年月日", "-- ", "// ", ".. ", "-/ ", "年-日", "年月 ", "年月日日"]),
    ).map(lambda t: f"{t[0]}{t[1]}{t[4][0]}{t[2]}{t[4][1]}{t[3]}{t[4][2:]}".rstrip()),
    st.text(alphabet=st.sampled_from(list("0123456789-/.年月日昭和S ")), max_size=14),
)  # fmt: skip


@settings(max_examples=1000)
@given(st.lists(BIRTH_CELLS, max_size=20))
def test_births_in_c_read_what_the_polars_reading_reads_and_parse_birth_agrees(cells):
    import polars as pl

    from sonae.victims.importing.rows import ColumnNormaliser, parse_birth

    today = TODAY.year * 10000 + TODAY.month * 100 + TODAY.day
    got = _native.births(cells, today, fast._ERA_TABLE)
    normaliser = ColumnNormaliser(["birth_date"], today=TODAY)
    frame = pl.DataFrame({"c0": cells}, schema={"c0": pl.String})
    assert got == fast._births_read(frame, "c0", normaliser).to_list()
    for cell, iso in zip(cells, got, strict=True):
        if iso is not None:  # a date read here is the one the Python path reads, without an error
            assert parse_birth(cell, TODAY.isoformat()) == (iso, "")


def test_births_in_c_keep_real_dates_in_range_only():
    today = 20250601
    cells = ["1970-3-2", "19700302", "S45.3.2", "昭和45年3月2日", "H31.4.30", "H31.5.1", "R1.5.1", "S64.1.8",
             "1873-01-01", "1872-12-31", "2025-06-02", "2024-02-29", "2023-02-29", "S0.1.1", "1970/3-2",
             "197003021", "", "１９７０-3-2", "1970-13-01", "S45.0.1", "1970-04-31", "平成元年1月8日"]  # fmt: skip
    assert _native.births(cells, today, fast._ERA_TABLE) == [
        "1970-03-02", "1970-03-02", "1970-03-02", "1970-03-02", "2019-04-30", None, "2019-05-01", None,
        "1873-01-01", None, None, "2024-02-29", None, None, None, None, None, None, None, None, None, None,
    ]  # fmt: skip
