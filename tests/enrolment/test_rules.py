import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.enrolment.rules import (
    corporate_number_check_digit,
    corporate_number_error,
    is_valid_corporate_number,
    neutralise_formula,
    payer_key,
    prefecture_of,
    region_of,
    with_check_digit,
)


@pytest.mark.parametrize(
    "number",
    [
        "7000012050002",  # 国税庁 (National Tax Agency)
        "1180301018771",  # トヨタ自動車株式会社
        "4011001098993",  # a company number quoted with the rule in public write-ups
        "2120901007402",
    ],
)
def test_real_corporate_numbers_pass_the_check_digit(number):
    assert is_valid_corporate_number(number)


def test_check_digit_follows_the_ministry_ordinance_example():
    # 法人番号の指定等に関する省令 第2条: 9 − (Σ Pn×Qn mod 9); base 000012050002 → Σ = 11 → 9 − 2 = 7
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("8000012050002", "検査用数字"),
        ("700001205000", "13桁"),
        ("70000120500021", "13桁"),
        ("7000O12050002", "13桁"),
    ],
)
def test_invalid_corporate_numbers_say_why(number, fragment):
    assert fragment in corporate_number_error(number)


def test_corporate_number_may_be_typed_full_width_with_hyphens():
    assert is_valid_corporate_number("７-0000-1205-0002")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_a_number_made_with_its_check_digit_is_valid_and_any_other_first_digit_is_not(base):
    number = with_check_digit(base)
    assert is_valid_corporate_number(number)
    assert 1 <= int(number[0]) <= 9
    for other in "123456789":
        if other != number[0]:
            assert not is_valid_corporate_number(other + base)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 11), st.integers(1, 9))
def test_changing_one_base_digit_is_detected(base, position, delta):
    number = with_check_digit(base)
    digits = list(base)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = number[0] + "".join(digits)
    # weights 1 and 2 are both units mod 9, so a single-digit change is caught unless it is 0↔9 (a change of 9)
    if {base[position], digits[position]} == {"0", "9"}:
        return
    assert not is_valid_corporate_number(changed)


@pytest.mark.parametrize(
    ("address", "prefecture", "region"),
    [
        ("東京都千代田区霞が関3-1-1", "東京都", "関東"),
        ("〒530-0001 大阪府大阪市北区梅田1-1", "大阪府", "近畿"),
        ("北海道札幌市中央区", "北海道", "北海道"),
        ("京都府京都市", "京都府", "近畿"),
        ("鹿児島県鹿児島市", "鹿児島県", "九州・沖縄"),
        ("千代田区霞が関", "", ""),
    ],
)
def test_prefecture_and_region_from_address(address, prefecture, region):
    assert prefecture_of(address) == prefecture
    assert region_of(prefecture) == region


@pytest.mark.parametrize(
    ("bank", "ours"),
    [
        ("ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", "サクラリンショウケンサ"),
        ("ｱｵﾊﾞｶﾝｼﾞﾔﾊﾝｿｳ(ｶ", "アオバカンジャハンソウ"),
        ("ﾐﾄﾞﾘﾌ-ﾄﾞｻ-ﾋﾞｽ(ｶ)", "ミドリフードサービス"),
        ("ｲ)ﾋﾉﾃﾞｶｲ", "ひのでかい"),
        ("ｶﾌﾞｼｷｶﾞｲｼﾔ ﾐﾅﾄｾｲｿｳ", "ミナトセイソウ"),
    ],
)
def test_bank_payer_names_meet_our_kana(bank, ours):
    assert payer_key(bank) == payer_key(ours)


def test_different_names_do_not_meet():
    assert payer_key("ｻｸﾗﾘﾝｼﾖｳｹﾝｻ") != payer_key("サクラリンショウケンサニ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+81", "'+81"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("株式会社", "株式会社"),
        (5, 5),
    ],
)
def test_formula_like_text_is_neutralised(value, expected):
    assert neutralise_formula(value) == expected
