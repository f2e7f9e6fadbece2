from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sonae.jp.formatting import (
    format_persons,
    format_phone,
    format_postal_code,
    format_yen,
    normalize_phone,
    normalize_postal_code,
)


@pytest.mark.parametrize(
    ("amount", "symbol", "expected"),
    [
        (12345, False, "12,345円"),
        (12345, True, "¥12,345"),
        (0, False, "0円"),
        (0, True, "¥0"),
        (999, False, "999円"),
        (1000, False, "1,000円"),
        (100_000_000, False, "100,000,000円"),
        (-12345, False, "-12,345円"),
        (-12345, True, "-¥12,345"),
        (-1, False, "-1円"),
    ],
)
def test_format_yen(amount, symbol, expected):
    assert format_yen(amount, symbol=symbol) == expected


@pytest.mark.parametrize("amount", [12.5, Decimal("100"), "100", True, None])
def test_format_yen_refuses_anything_but_int(amount):
    with pytest.raises(TypeError):
        format_yen(amount)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_yen_digits_read_back_to_the_amount(amount):
    text = format_yen(amount)
    assert int(text.removesuffix("円").replace(",", "")) == amount


@pytest.mark.parametrize(
    ("count", "expected"),
    [(5000, "5,000人"), (0, "0人"), (1, "1人"), (1_234_567, "1,234,567人")],
)
def test_format_persons(count, expected):
    assert format_persons(count) == expected


def test_format_persons_refuses_negative_counts():
    with pytest.raises(ValueError, match="人数"):
        format_persons(-1)


def test_format_persons_refuses_floats():
    with pytest.raises(TypeError):
        format_persons(1.0)


@pytest.mark.parametrize(
    "text",
    [
        "1234567",
        "123-4567",
        "〒123-4567",
        "〒 123-4567",
        "〒1234567",
        "１２３－４５６７",
        "〒１２３４５６７",
        "123ー4567",
        "123‐4567",
        "123−4567",
        " 123-4567 ",
        "〶123-4567",
    ],
)
def test_normalize_postal_code_accepts_common_forms(text):
    assert normalize_postal_code(text) == "1234567"


@pytest.mark.parametrize(
    "text",
    [
        "123456",
        "12345678",
        "12-34567",
        "1234-567",
        "123--4567",
        "abc-defg",
        "",
        "〒",
        "123-4567-8",
        "１２３４５６",
    ],
)
def test_normalize_postal_code_refuses_other_input(text):
    with pytest.raises(ValueError, match="郵便番号は7桁"):
        normalize_postal_code(text)


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1234567", True, "〒123-4567"),
        ("１２３４５６７", True, "〒123-4567"),
        ("〒123-4567", True, "〒123-4567"),
        ("1234567", False, "123-4567"),
    ],
)
def test_format_postal_code(text, mark, expected):
    assert format_postal_code(text, mark=mark) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-1234-5678", "0312345678"),
        ("０３－１２３４－５６７８", "0312345678"),
        ("(03) 1234-5678", "0312345678"),
        ("090-1234-5678", "09012345678"),
        ("+81 3-1234-5678", "0312345678"),
        ("+81 (0)3 1234 5678", "0312345678"),
        ("+81-90-1234-5678", "09012345678"),
        ("0120-123-456", "0120123456"),
    ],
)
def test_normalize_phone(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    ["312345678", "03-1234-567", "090-1234-56789", "+1 212 555 0100", "", "電話なし", "1234567890"],
)
def test_normalize_phone_refuses_non_japanese_numbers(text):
    with pytest.raises(ValueError):
        normalize_phone(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0312345678", "03-1234-5678"),
        ("0612345678", "06-1234-5678"),
        ("09012345678", "090-1234-5678"),
        ("08012345678", "080-1234-5678"),
        ("07012345678", "070-1234-5678"),
        ("05012345678", "050-1234-5678"),
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),
        ("08001234567", "0800-123-4567"),
        ("+81 90 1234 5678", "090-1234-5678"),
        # Area codes of 3 to 5 digits are not told apart by prefix: left ungrouped, never grouped wrongly.
        ("0466-12-3456", "0466123456"),
        ("045-123-4567", "0451234567"),
    ],
)
def test_format_phone(text, expected):
    assert format_phone(text) == expected
