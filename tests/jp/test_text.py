import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.jp.text import digits_only, is_kana, kana_key, normalize, to_katakana


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("  山田　　太郎  ", "山田 太郎"),
        ("山田\u3000太郎", "山田 太郎"),
        ("山田\t\n太郎", "山田 太郎"),
        ("山田\u00a0太郎", "山田 太郎"),
        ("㈱サンプル", "(株)サンプル"),
        ("㍻", "平成"),
        ("", ""),
        ("　", ""),
        ("すでに正規", "すでに正規"),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("ﾊﾟﾝ", "パン"),
        ("きょう", "キョウ"),
        ("ゔぁいおりん", "ヴァイオリン"),
        ("らーめん", "ラーメン"),
        ("カタカナ", "カタカナ"),
        ("山田ABC123", "山田ABC123"),
        ("ABC", "ABC"),
    ],
)
def test_to_katakana(text, expected):
    assert to_katakana(text) == expected


@pytest.mark.parametrize(
    "spelling",
    [
        "やまだ　たろう",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "ヤマダ・タロウ",
        "ヤマダ･タロウ",
        "ヤマダ·タロウ",
        " ヤ マ ダ タ ロ ウ ",
        "やまだタロウ",
    ],
)
def test_kana_key_brings_spellings_of_one_reading_together(spelling):
    assert kana_key(spelling) == "ヤマダタロウ"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("キョウ", "キヨウ"),  # small kana changes the reading
        ("ハヤシ", "バヤシ"),  # voicing mark changes the reading
        ("ハヤシ", "パヤシ"),
        ("サトウ", "サトー"),  # the long vowel mark is kept as written
    ],
)
def test_kana_key_keeps_what_changes_the_reading(a, b):
    assert kana_key(a) != kana_key(b)


def test_kana_key_keeps_long_vowel_mark_from_half_width():
    assert kana_key("ｻｰﾋﾞｽ") == "サービス"


def test_kana_key_upper_cases_latin_letters():
    assert kana_key("ａｂｃメディカル") == kana_key("ABC メディカル") == "ABCメディカル"


@given(st.text())
def test_kana_key_is_idempotent(text):
    assert kana_key(kana_key(text)) == kana_key(text)


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ", True),
        ("ヤマダ", True),
        ("ﾔﾏﾀﾞ", True),
        ("ヤマダ タロウ", True),
        ("ヤマダ　タロウ", True),
        ("ヤマダ・タロウ", True),
        ("ラーメン", True),
        ("キョウ", True),
        ("ヴァ", True),
        ("山田", False),
        ("ヤマダ1", False),
        ("yamada", False),
        ("", False),
        ("　", False),
    ],
)
def test_is_kana(text, expected):
    assert is_kana(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-1234-5678", "0312345678"),
        ("０３－１２３４－５６７８", "0312345678"),
        ("〒123-4567", "1234567"),
        ("(03) 1234 5678", "0312345678"),
        ("abc", ""),
        ("", ""),
    ],
)
def test_digits_only(text, expected):
    assert digits_only(text) == expected
