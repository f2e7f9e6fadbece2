"""Pure enrolment rules: corporate numbers, prefectures and regions, bank payer names, spreadsheet safety.

No Django imports.
"""

from __future__ import annotations

import re
import unicodedata

try:  # the shared Japanese text helpers (sonae.jp.text); fall back to jaconv + NFKC when absent
    from sonae.jp.text import kana_key as _kana_key
except ImportError:  # pragma: no cover - only while the shared module is missing
    import jaconv

    def _kana_key(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        text = jaconv.hira2kata(jaconv.h2z(text, kana=True, ascii=False, digit=False)).upper()
        return re.sub(r"[\s\u30fb]+", "", text)


# --- 法人番号 (corporate number) ----------------------------------------------------------------------------

_DIGITS13 = re.compile(r"[0-9]{13}")


def corporate_number_check_digit(base: str) -> int:
    """The check digit of a 12-digit base number (会社法人等番号).

    法人番号の指定等に関する省令 (平成26年財務省令第70号) 第2条: 9 − ((Σ Pn × Qn) mod 9), where Pn is the n-th digit
    counting from the lowest (rightmost) digit of the base number and Qn is 1 for odd n, 2 for even n.
    """
    if not re.fullmatch(r"[0-9]{12}", base):
        raise ValueError("base number must be 12 ASCII digits")
    total = sum(int(digit) * (1 if n % 2 == 1 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def normalise_corporate_number(text: str) -> str:
    """Digits of a corporate number as typed (full-width digits, spaces and hyphens allowed)."""
    return re.sub(r"[\s\-‐−ー－]", "", unicodedata.normalize("NFKC", str(text)))


def corporate_number_error(text: str) -> str | None:
    """None when ``text`` is a valid 13-digit corporate number, else the reason in Japanese."""
    number = normalise_corporate_number(text)
    if not _DIGITS13.fullmatch(number):
        return f"法人番号は13桁の数字です（{text}）。"
    if int(number[0]) != corporate_number_check_digit(number[1:]):
        return f"法人番号の検査用数字（先頭の1桁）が正しくありません（{number}）。"
    return None


def is_valid_corporate_number(text: str) -> bool:
    return corporate_number_error(text) is None


def with_check_digit(base: str) -> str:
    """A full corporate number from its 12-digit base (demo data and tests)."""
    return f"{corporate_number_check_digit(base)}{base}"


# --- prefectures and regions ---------------------------------------------------------------------------------

REGIONS: dict[str, tuple[str, ...]] = {
    "北海道": ("北海道",),
    "東北": ("青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"),
    "関東": ("茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県"),
    "中部": ("新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県"),
    "近畿": ("三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県"),
    "中国": ("鳥取県", "島根県", "岡山県", "広島県", "山口県"),
    "四国": ("徳島県", "香川県", "愛媛県", "高知県"),
    "九州・沖縄": ("福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"),
}
PREFECTURES: tuple[str, ...] = tuple(p for prefs in REGIONS.values() for p in prefs)
_REGION_OF = {p: region for region, prefs in REGIONS.items() for p in prefs}
_POSTAL = re.compile(r"^〒?\s*[0-9]{3}-?[0-9]{4}\s*")


def prefecture_of(address: str) -> str:
    """The prefecture an address starts with ("" when it names none). 〒 and a postal code before it are skipped."""
    text = _POSTAL.sub("", unicodedata.normalize("NFKC", address or "").strip())
    text = text.replace(" ", "")
    for prefecture in PREFECTURES:
        if text.startswith(prefecture):
            return prefecture
    return ""


def region_of(prefecture: str) -> str:
    return _REGION_OF.get(prefecture, "")


# --- payer names on bank deposit lists -------------------------------------------------------------------------

_SMALL_KANA = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
# Bank notation for legal forms (全銀協 略語): カ)株式会社 ユ)有限会社 ド)合同会社 シ)合資会社 メ)合名会社 イ)医療法人
# ザイ)財団法人 シヤ)社団法人 ガク)学校法人 フク)社会福祉法人 トク)特定非営利活動法人 ドク)独立行政法人.
_FORMS = "カ|ユ|ド|シ|メ|イ|ザイ|シヤ|ガク|フク|トク|ドク|ソ|ゴ"
_FORM_MARKS = re.compile(rf"\((?:{_FORMS})\)|^(?:{_FORMS})\)|\((?:{_FORMS})$")
_FORM_WORDS = re.compile(
    "カブシキガイシヤ|ユウゲンガイシヤ|ゴウドウガイシヤ|ゴウシガイシヤ|ゴウメイガイシヤ|イリヨウホウジン(?:シヤダン|ザイダン)?"
    "|イツパンザイダンホウジン|イツパンシヤダンホウジン|シヤカイフクシホウジン|トクテイヒエイリカツドウホウジン"
)
_HYPHENS = re.compile(r"[-‐‑–—−－ｰ]")
_PUNCT = re.compile(r"[.,、。()/\\'\"「」・]")


def payer_key(text: str) -> str:
    """A key under which a bank's payer name and our kana of the same business meet.

    Bank lists write names in half-width upper-case kana without small letters (ｼﾖｳ for ショウ), mark the legal
    form with 略語 (ｶ) / (ｶ), and use '-' for ー. So: kana_key (NFKC, katakana, no spaces), small kana → large,
    hyphens → ー, legal-form marks and words removed, remaining punctuation removed.
    """
    key = _kana_key(text or "").translate(_SMALL_KANA)
    key = _HYPHENS.sub("ー", key)
    key = _FORM_MARKS.sub("", key)
    key = _FORM_WORDS.sub("", key)
    return _PUNCT.sub("", key)


# --- spreadsheets ----------------------------------------------------------------------------------------------


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula gets a leading quote (OWASP CSV injection); the one
    shared rule of :mod:`sonae.documents.tabular`."""
    from sonae.documents.tabular import neutralise

    return neutralise(value)
