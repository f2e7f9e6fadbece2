"""Display and input forms for yen, person counts, postal codes and telephone numbers.

Pure module (no Django). Money is ``int`` yen everywhere in Sonae, so the formatters refuse floats and Decimals
rather than round them silently.
"""

from __future__ import annotations

import re
import unicodedata

from sonae.jp.text import digits_only

# Hyphen look-alikes people type between the two parts of a postal code or phone number (after NFKC, which already
# maps － to -): ‐ ‑ ‒ – — ― − and the katakana long vowel mark ー (a frequent IME slip).
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_POSTAL = re.compile(rf"(\d{{3}})[{_DASHES}]?(\d{{4}})")


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; True円 is always a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    return value


def format_yen(amount: int, *, symbol: bool = False) -> str:
    """12,345円, or with ``symbol`` ¥12,345. Negative amounts: -12,345円 / -¥12,345 (ASCII minus first)."""
    amount = _require_int(amount, "amount")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}"
    return f"{sign}¥{grouped}" if symbol else f"{sign}{grouped}円"


def format_persons(count: int) -> str:
    """5,000人. A count of persons is never negative."""
    count = _require_int(count, "count")
    if count < 0:
        raise ValueError("人数は0以上で指定してください。")
    return f"{count:,}人"


def normalize_postal_code(text: str) -> str:
    """The seven digits of a Japanese postal code: "〒123-4567", "１２３－４５６７", "1234567" → "1234567".

    Accepts full-width characters, a leading 〒, spaces and one hyphen (or look-alike) after the third digit.
    Anything else raises ValueError with a Japanese message.
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    s = s.removeprefix("〒")  # NFKC maps the circled 〶 to 〒 too
    m = _POSTAL.fullmatch(s)
    if not m:
        raise ValueError(f"郵便番号は7桁の数字で入力してください（例: 123-4567）。入力: {text.strip()}")
    return m[1] + m[2]


def format_postal_code(text: str, *, mark: bool = True) -> str:
    """〒123-4567 (without 〒 when ``mark`` is False) from any form ``normalize_postal_code`` accepts."""
    digits = normalize_postal_code(text)
    return f"{'〒' if mark else ''}{digits[:3]}-{digits[3:]}"


def normalize_phone(text: str) -> str:
    """The digits of a Japanese telephone number as dialled in Japan: "03-1234-5678" → "0312345678".

    "+81 3-1234-5678" and "+81 (0)3 1234 5678" become "0312345678". The result must be 10 or 11 digits
    starting with 0 (fixed lines 10, mobile/IP/0800 11); anything else — including foreign numbers — raises
    ValueError with a Japanese message.
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    digits = digits_only(s)
    if s.startswith("+"):
        if not digits.startswith("81"):
            raise ValueError(f"日本国内の電話番号を入力してください。入力: {text.strip()}")
        digits = digits[2:]
        if not digits.startswith("0"):  # +81 (0)3 ... keeps its trunk 0; +81 3 ... needs one
            digits = "0" + digits
    if not (digits.startswith("0") and len(digits) in (10, 11)):
        raise ValueError(f"電話番号は0から始まる10桁または11桁の数字で入力してください。入力: {text.strip()}")
    return digits


# Groupings that follow from the prefix alone (MIC numbering plan). Other fixed-line numbers have area codes of
# 2 to 5 digits that only the full area-code table can tell apart, so they are returned ungrouped rather than
# grouped wrongly; ungrouped digits always dial correctly.
_GROUPINGS: tuple[tuple[str, int, tuple[int, ...]], ...] = (
    ("0120", 10, (4, 3, 3)),  # toll-free
    ("0570", 10, (4, 3, 3)),  # navi dial
    ("0800", 11, (4, 3, 4)),  # toll-free
    ("020", 11, (3, 4, 4)),  # M2M / pagers
    ("050", 11, (3, 4, 4)),  # IP phones
    ("060", 11, (3, 4, 4)),
    ("070", 11, (3, 4, 4)),  # mobile
    ("080", 11, (3, 4, 4)),
    ("090", 11, (3, 4, 4)),
    ("03", 10, (2, 4, 4)),  # Tokyo 23 wards
    ("06", 10, (2, 4, 4)),  # Osaka
)


def format_phone(text: str) -> str:
    """A Japanese telephone number for display: 03-1234-5678, 090-1234-5678, 0120-123-456.

    Numbers whose grouping is not determined by the prefix (most fixed lines outside Tokyo and Osaka) are
    returned as plain digits. Invalid numbers raise ValueError (see ``normalize_phone``).
    """
    digits = normalize_phone(text)
    for prefix, length, groups in _GROUPINGS:
        if digits.startswith(prefix) and len(digits) == length:
            parts, start = [], 0
            for size in groups:
                parts.append(digits[start : start + size])
                start += size
            return "-".join(parts)
    return digits
