"""Pure parts: normalisation equals sonae.jp's, column mapping, items, inquiry codes, keys, chunking."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.core.crypto import Keyring, generate_keyring_json
from sonae.jp.formatting import normalize_phone, normalize_postal_code
from sonae.jp.text import kana_key, normalize, to_katakana
from sonae.jp.wareki import parse_japanese_date
from sonae.victims import codes, items
from sonae.victims.importing import columns, reader
from sonae.victims.importing.rows import (
    ColumnNormaliser,
    key_of_kana,
    normalize_kana,
    normalize_text,
    parse_birth,
)
from sonae.victims.keys import KANA_BIRTH, lookup_key, lookup_keys

KEYRING = Keyring.from_json(generate_keyring_json())
JAPANESE = st.text(
    alphabet=st.sampled_from(
        list("あいうがぱゃっーアイウガパャッ・ｱｲｳｶﾞﾊﾟｬｯｰ･ 　\t山田太郎ＡＢＣａｂ１２３-/.,゛゜ﾞﾟ´")
    ),
    max_size=12,
)


@given(JAPANESE)
def test_text_normalisation_equals_jp_normalize(text):
    assert normalize_text(text) == normalize(text)


@given(JAPANESE)
def test_kana_normalisation_equals_jp_to_katakana(text):
    assert normalize_kana(text) == to_katakana(normalize(text))


@given(JAPANESE)
def test_kana_key_equals_jp_kana_key(text):
    assert key_of_kana(normalize_kana(text)) == kana_key(text)


@settings(max_examples=200)
@given(st.lists(JAPANESE, min_size=1, max_size=5))
def test_column_normaliser_equals_jp_functions_on_names_and_kana(values):
    normaliser = ColumnNormaliser(["name", "kana"], today=date(2025, 1, 1))
    rows = [[f"名{i}{v}", v] for i, v in enumerate(values)]
    out = normaliser.normalise(rows, list(range(2, 2 + len(rows))))
    for line, key in zip(out.lines, out.kana_keys, strict=True):
        row = rows[line - 2]
        assert key == ""  # no birth date: no kana+birth index
        import json

        record = json.loads(out.records[out.lines.index(line)])
        assert record["name"] == normalize(row[0])
        assert record["kana"] == to_katakana(normalize(row[1]))


@pytest.mark.parametrize(
    "text",
    ["1970-03-02", "1970/3/2", "19700302", "S45.3.2", "s45-3-2", "昭和45年3月2日", "昭和４５年３月２日", "Ｓ45.3.2",
     "平成元年1月8日", "R1.5.1", "1970.03.02", "1970年3月2日", "昭45.3.2", "1970-3-2（月）"],
)  # fmt: skip
def test_birth_dates_read_as_parse_japanese_date_reads_them(text):
    expected = parse_japanese_date(text).isoformat()
    assert parse_birth(text, "2025-12-31") == (expected, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("昭和64年1月10日", "生年月日が存在しない日付です。"),
        ("1970-02-30", "生年月日が存在しない日付です。"),
        ("H31.5.1", "生年月日が存在しない日付です。"),
        ("1850-01-01", "生年月日が1873年（明治6年）1月1日より前です。"),
        ("2030-01-01", "生年月日が未来の日付です。"),
        ("きのう", "生年月日を日付として読み取れません（例: 1970-03-02、昭和45年3月2日、S45.3.2）。"),
    ],
)
def test_bad_birth_dates_say_why(text, message):
    assert parse_birth(text, "2025-12-31") == ("", message)


@pytest.mark.parametrize("text", ["〒123-4567", "１２３－４５６７", "1234567", "123ー4567"])
def test_postal_codes_are_seven_digits(text):
    normaliser = ColumnNormaliser(["name", "postal_code"], today=date(2025, 1, 1))
    out = normaliser.normalise([["山田", text]], [2])
    assert out.records[0].decode().count(f'"postal":"{normalize_postal_code(text)}"') == 1


@pytest.mark.parametrize(
    "text", ["03-1234-5678", "090-1234-5678", "+81 3-1234-5678", "０３（１２３４）５６７８"]
)
def test_phone_numbers_are_digits(text):
    normaliser = ColumnNormaliser(["name", "phone"], today=date(2025, 1, 1))
    out = normaliser.normalise([["山田", text]], [2])
    assert f'"phone":"{normalize_phone(text)}"' in out.records[0].decode()


def test_records_with_quotes_are_valid_json():
    import json

    normaliser = ColumnNormaliser(["name", "address"], today=date(2025, 1, 1))
    out = normaliser.normalise([['山田 "太郎"', "東京都\\千代田区"]], [2])
    assert json.loads(out.records[0])["name"] == '山田 "太郎"'


def test_blank_rows_are_skipped_and_not_counted():
    normaliser = ColumnNormaliser(["name"], today=date(2025, 1, 1))
    out = normaliser.normalise([["山田"], [""], ["  "], ["佐藤"]], [2, 3, 4, 5])
    assert out.rows == 2 and out.lines == [2, 5] and not out.errors


@pytest.mark.parametrize(
    ("header", "target"),
    [("氏名", "name"), ("ﾌﾘｶﾞﾅ", "kana"), ("氏名（カナ）", "kana"), ("生年月日", "birth_date"), ("〒", "postal_code"),
     ("住所２", "address"), ("ＴＥＬ", "phone"), ("患者ID", "patient_id"), ("被保険者証記号番号", "insurance_card"),
     ("漏えい項目", "items"), ("マイナンバー", "item:my_number"), ("病歴", "item:medical_history"), ("備考", "")],
)  # fmt: skip
def test_headers_are_recognised(header, target):
    assert columns.target_for_header(header) == target


def test_a_single_field_goes_to_its_first_column_only():
    assert columns.auto_mapping(["氏名", "名前", "住所1", "住所2"]) == ["name", "", "address", "address"]


def test_a_mapping_without_a_name_column_is_refused():
    assert "「氏名」の列を指定してください。" in columns.check_mapping(["A"], [""])


def test_items_cells_name_codes_labels_and_short_forms():
    mask, unknown = items.parse_items("氏名；病歴、マイナンバー/test_results|謎")
    assert items.codes_of(mask) == ["name", "medical_history", "test_results", "my_number"]
    assert unknown == ["謎"]


def test_every_duties_item_has_a_bit():
    from sonae.duties.rules import DATA_ITEMS

    assert set(DATA_ITEMS) <= set(items.ITEM_BITS)
    assert len(items.ITEM_BITS) <= 63


@given(st.integers(min_value=0, max_value=codes.DOMAIN - 1))
def test_inquiry_numbers_are_a_permutation(sequence):
    number = codes.permute(KEYRING, 7, sequence)
    assert 0 <= number < codes.DOMAIN and codes.unpermute(KEYRING, 7, number) == sequence


def test_inquiry_codes_are_unique_and_carry_a_check_digit():
    found = {codes.inquiry_code(KEYRING, 7, n) for n in range(1, 2001)}
    assert len(found) == 2000
    code = next(iter(found))
    assert codes.parse_code(code) is not None and codes.parse_code(code.lower().replace("-", " ")) is not None


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_a_wrong_digit_fails_the_check(sequence, position, delta):
    digits = codes.inquiry_digits(KEYRING, 7, sequence)
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    assert codes.parse_code(wrong) is None


def test_swapped_neighbours_fail_the_check():
    digits = codes.inquiry_digits(KEYRING, 7, 12345)
    for i in range(11):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert codes.parse_code(swapped) is None


def test_column_keys_equal_single_keys():
    messages = ["7\x1fヤマダタロウ\x1f1970-01-01", "7\x1fスズキ\x1f1980-02-02"]
    assert lookup_keys(KEYRING, KANA_BIRTH, messages) == [
        lookup_key(KEYRING, KANA_BIRTH, 7, *m.split("\x1f")[1:]) for m in messages
    ]


def test_chunks_end_at_record_boundaries_outside_quotes():
    data = b"\xe6\xb0\x8f\xe5\x90\x8d\n" + b"".join(f'"a{i}\nb",x\n'.encode() for i in range(50))
    stream = io.BytesIO(data)
    headers, rest, consumed, lines = reader.split_header(stream, "utf-8")
    chunks = list(reader.csv_chunks(stream, rest, consumed, first_line=1 + lines, chunk_bytes=40))
    assert b"".join(c.data for c in chunks) == data[consumed:]
    assert all(c.data.count(b'"') % 2 == 0 for c in chunks)
    assert [c.first_line for c in chunks][:3] == [
        2,
        2 + chunks[0].data.count(b"\n"),
        chunks[1].first_line + chunks[1].data.count(b"\n"),
    ]


def test_seal_records_reads_back_with_the_keyring():
    from sonae.victims.importing.worker import seal_records

    row_keys, sealed = seal_records(KEYRING, [b'{"name":"x"}', b'{"name":"y"}'], b"victims_victim.record:")
    assert [
        KEYRING.decrypt_record(c, b"victims_victim.record:" + k)
        for k, c in zip(row_keys, sealed, strict=True)
    ] == [
        {"name": "x"},
        {"name": "y"},
    ]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list('a山 "\\\x00\x1f\x7f\x85\xa0\u2028\u3000\t\n')), max_size=20))
def test_the_quick_escape_check_agrees_with_the_pattern(text):
    from sonae.victims.importing.rows import NEEDS_ESCAPE, _needs_escape

    assert _needs_escape(text) == (NEEDS_ESCAPE.search(text) is not None)
