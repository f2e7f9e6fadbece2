"""Which data items leaked for one person: the duties vocabulary as a compact bit mask. Pure module (no Django).

Each victim row stores its leaked items as one integer (bit ``i`` set = ``ITEM_BITS[i]`` leaked), unencrypted:
statistics for the duties engine and the report drafts ("how many persons had 病歴") are a single SQL aggregate,
and the mask costs 8 bytes a row instead of a list. ``ITEM_BITS`` is a stored format: append new codes at the
end, never reorder or remove (a test checks that every code of ``sonae.duties.rules.DATA_ITEMS`` has a bit).

Lists name items in many ways: the duties codes (``test_results``), their labels (検査結果) and everyday short
forms (病歴, マイナンバー, 保険証). ``parse_items`` reads a cell such as "氏名;生年月日;病歴" into a mask.
"""

from __future__ import annotations

import re
import unicodedata

from sonae.duties.rules import DATA_ITEM_LABELS

# Stored format: bit positions. Append only.
ITEM_BITS: tuple[str, ...] = (
    "name", "name_kana", "address", "postal_code", "birth_date", "sex", "phone", "email", "patient_id",
    "employee_id", "salary", "device_log", "lifestyle", "medical_history", "medication", "test_results",
    "health_checkup", "hospital_visit", "ward", "diet_order", "surgery", "allergy", "infection", "disability",
    "lifestyle_medical", "other_sensitive", "my_number", "insurance_card_number", "pension_number",
    "license_number", "credit_card", "bank_account_pin", "payment_credentials", "bank_account",
    "login_credentials",
)  # fmt: skip
BIT_OF: dict[str, int] = {code: 1 << i for i, code in enumerate(ITEM_BITS)}

# Everyday names of items (after ``_item_key``) → code. Labels and codes are added below.
_SYNONYMS: dict[str, str] = {
    "名前": "name", "氏名漢字": "name", "漢字氏名": "name",
    "カナ": "name_kana", "フリガナ": "name_kana", "ふりがな": "name_kana", "氏名カナ": "name_kana", "カナ氏名": "name_kana",
    "住所": "address", "郵便番号": "postal_code", "生年月日": "birth_date", "性別": "sex",
    "電話番号": "phone", "電話": "phone", "メール": "email", "メールアドレス": "email",
    "患者ID": "patient_id", "患者番号": "patient_id", "診察券番号": "patient_id", "カルテ番号": "patient_id",
    "従業員番号": "employee_id", "社員番号": "employee_id", "給与": "salary",
    "病歴": "medical_history", "既往歴": "medical_history", "既往症": "medical_history", "病名": "medical_history",
    "投薬": "medication", "投薬歴": "medication", "処方": "medication", "処方内容": "medication", "調剤": "medication",
    "薬歴": "medication", "検査結果": "test_results", "検査値": "test_results", "検査データ": "test_results",
    "健診結果": "health_checkup", "健康診断": "health_checkup", "健康診断結果": "health_checkup",
    "ストレスチェック": "health_checkup", "受診歴": "hospital_visit", "通院歴": "hospital_visit",
    "入院歴": "hospital_visit", "送迎先": "hospital_visit", "病棟": "ward", "病室": "ward",
    "食事箋": "diet_order", "治療食": "diet_order", "食事内容": "diet_order", "手術歴": "surgery", "術式": "surgery",
    "アレルギー": "allergy", "感染症": "infection", "障害": "disability", "障害の有無": "disability",
    "マイナンバー": "my_number", "個人番号": "my_number",
    "保険証": "insurance_card_number", "保険証番号": "insurance_card_number",
    "被保険者証": "insurance_card_number", "被保険者番号": "insurance_card_number",
    "被保険者証記号番号": "insurance_card_number", "基礎年金番号": "pension_number", "年金番号": "pension_number",
    "運転免許証番号": "license_number", "旅券番号": "license_number", "パスポート番号": "license_number",
    "クレジットカード": "credit_card", "クレジットカード番号": "credit_card", "口座番号": "bank_account",
}  # fmt: skip

_DROP = re.compile(r"[\s・･()（）「」\[\]【】]+")
# Separators between items in one cell. Not ・: it is part of labels (病歴・既往症).
_SPLIT = re.compile(r"[;；,，、/／|｜\n\r\t]+")


def _item_key(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).upper()


_LOOKUP: dict[str, str] = {}
for _code, _label in DATA_ITEM_LABELS.items():
    _LOOKUP[_item_key(_code)] = _code
    _LOOKUP[_item_key(_label)] = _code
for _name, _code in _SYNONYMS.items():
    _LOOKUP.setdefault(_item_key(_name), _code)


def item_code(text: str) -> str | None:
    """The duties code for one item name (code, label or everyday name), or None when unknown."""
    return _LOOKUP.get(_item_key(text))


def parse_items(cell: str) -> tuple[int, list[str]]:
    """Read a cell listing items ("氏名;生年月日;病歴") into (mask, unknown names). Empty cell → (0, [])."""
    mask = 0
    unknown: list[str] = []
    for part in _SPLIT.split(cell):
        part = part.strip()
        if not part:
            continue
        code = _LOOKUP.get(_item_key(part))
        if code is None:
            unknown.append(part)
        else:
            mask |= BIT_OF[code]
    return mask, unknown


def mask_of(codes) -> int:
    """The mask of an iterable of codes (unknown codes raise KeyError)."""
    mask = 0
    for code in codes:
        mask |= BIT_OF[code]
    return mask


def codes_of(mask: int) -> list[str]:
    """The codes set in ``mask``, in vocabulary order."""
    return [code for i, code in enumerate(ITEM_BITS) if mask >> i & 1]


def labels_of(mask: int) -> list[str]:
    """The Japanese labels of the items set in ``mask``."""
    return [DATA_ITEM_LABELS.get(code, code) for code in codes_of(mask)]


TRUE_MARKS = frozenset(
    {
        "1",
        "○",
        "〇",
        "◯",
        "●",
        "◎",
        "✓",
        "✔",
        "Y",
        "YES",
        "TRUE",
        "有",
        "あり",
        "有り",
        "対象",
        "漏えい",
        "済",
    }
)


def is_marked(cell: str) -> bool:
    """A flag cell that says yes (○, 1, あり, Y …)."""
    value = unicodedata.normalize("NFKC", cell).strip().upper()
    return value in TRUE_MARKS
