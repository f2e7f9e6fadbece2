"""Columns of a victim list: what each file column holds. Pure module (no Django).

A mapping is a list with one target per file column: a field name of ``FIELDS``, ``"item:<code>"`` for a column
that flags one leaked item (○ / 1 / あり), or ``""`` to ignore the column. ``auto_mapping`` recognises the
Japanese headers lists use (氏名, フリガナ, 生年月日 …); the user corrects it in the mapping step, and the mapping
is remembered per provider under the file's ``header_signature``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from sonae.victims.items import BIT_OF, item_code

# Target fields, with their Japanese names (for the mapping step and error messages).
FIELDS: dict[str, str] = {
    "name": "氏名",
    "kana": "フリガナ",
    "birth_date": "生年月日",
    "postal_code": "郵便番号",
    "address": "住所",
    "phone": "電話番号",
    "patient_id": "患者ID",
    "insurance_card": "被保険者証記号番号",
    "items": "漏えい項目",
    "kind": "個人・法人の区分",
}
# Columns that may appear more than once (their values are joined: 住所1 + 住所2 + 建物名).
MULTI_FIELDS = frozenset({"address", "items"})
REQUIRED_FIELDS = ("name",)

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "氏名", "名前", "お名前", "患者氏名", "患者名", "利用者名", "利用者氏名", "受診者氏名", "漢字氏名",
        "氏名漢字", "宛名", "NAME", "FULLNAME",
    ),
    "kana": (
        "フリガナ", "ふりがな", "氏名カナ", "氏名フリガナ", "カナ氏名", "カナ", "患者カナ", "患者氏名カナ",
        "利用者カナ", "ヨミ", "よみがな", "ヨミガナ", "KANA", "NAMEKANA",
    ),
    "birth_date": ("生年月日", "誕生日", "生年月日西暦", "生年月日和暦", "生年", "BIRTHDATE", "DOB", "BIRTHDAY"),
    "postal_code": ("郵便番号", "〒", "郵便", "〒番号", "ZIP", "ZIPCODE", "POSTALCODE", "POSTCODE"),
    "address": (
        "住所", "住所1", "住所2", "住所3", "現住所", "所在地", "送付先住所", "住所番地", "番地", "建物名",
        "建物", "方書", "ADDRESS", "ADDRESS1", "ADDRESS2",
    ),
    "phone": (
        "電話番号", "電話", "TEL", "連絡先", "連絡先電話番号", "携帯電話", "携帯番号", "携帯電話番号",
        "自宅電話番号", "PHONE", "TELEPHONE",
    ),
    "patient_id": (
        "患者ID", "患者番号", "患者コード", "診察券番号", "カルテ番号", "カルテNO", "利用者ID", "利用者番号",
        "利用者コード", "ID", "PATIENTID",
    ),
    "insurance_card": (
        "被保険者証記号番号", "被保険者証記号・番号", "被保険者証番号", "被保険者番号", "保険証番号",
        "保険証記号番号", "記号番号", "保険者番号", "INSURANCECARDNUMBER",
    ),
    "items": (
        "漏えい項目", "漏洩項目", "漏えいした項目", "漏洩した項目", "流出項目", "対象項目", "漏えい情報",
        "漏えい等のおそれがある項目", "漏えい等のおそれがある個人データの項目", "DATAITEMS", "ITEMS",
    ),
    "kind": ("区分", "個人法人区分", "個人・法人", "法人区分", "種別", "KIND"),
}  # fmt: skip

_DROP = re.compile(r"[\s_\-・･()（）「」\[\]【】:：]+")


def header_key(text: str) -> str:
    """A header reduced to what identifies it: NFKC, upper case, no spaces, brackets or punctuation."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "")).upper()


_HEADER_FIELD: dict[str, str] = {}
for _field, _names in _SYNONYMS.items():
    for _name in _names:
        _HEADER_FIELD[header_key(_name)] = _field


def target_for_header(header: str) -> str:
    """The target a header most likely means: a field, ``item:<code>`` for a leaked-item flag column, or ""."""
    key = header_key(header)
    if not key:
        return ""
    field = _HEADER_FIELD.get(key)
    if field is not None:
        return field
    code = item_code(header)
    if code is not None:
        return f"item:{code}"
    return ""


def auto_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> list[str]:
    """One target per column. ``remembered`` (header_key → target, from the provider's earlier mappings) wins
    over the built-in synonyms. A single-valued field is given to its first column only."""
    remembered = remembered or {}
    mapping: list[str] = []
    taken: set[str] = set()
    for header in headers:
        key = header_key(header)
        target = remembered.get(key, target_for_header(header)) if key else ""
        if target in taken and target not in MULTI_FIELDS:
            target = ""
        if target and not target.startswith("item:"):
            taken.add(target)
        mapping.append(target)
    return mapping


def header_signature(headers: list[str]) -> str:
    """A stable fingerprint of a header row (to remember a provider's mapping for files of the same layout)."""
    joined = "\x1f".join(header_key(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def valid_target(target: str) -> bool:
    if target == "" or target in FIELDS:
        return True
    return target.startswith("item:") and target[5:] in BIT_OF


def check_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    """Problems with a mapping, as Japanese messages (empty when it can be used)."""
    problems = []
    if len(mapping) != len(headers):
        return ["列の数と割り当ての数が一致しません。"]
    for header, target in zip(headers, mapping, strict=True):
        if not valid_target(target):
            problems.append(f"列「{header}」の割り当て先が正しくありません。")
    singles = [t for t in mapping if t in FIELDS and t not in MULTI_FIELDS]
    for field in sorted(set(singles)):
        if singles.count(field) > 1:
            problems.append(f"「{FIELDS[field]}」が複数の列に割り当てられています。")
    for field in REQUIRED_FIELDS:
        if field not in mapping:
            problems.append(f"「{FIELDS[field]}」の列を指定してください。")
    return problems


def target_label(target: str) -> str:
    """Japanese name of a target (for the mapping step)."""
    if not target:
        return "（取り込まない）"
    if target.startswith("item:"):
        from sonae.duties.rules import DATA_ITEM_LABELS

        return f"漏えい項目の有無: {DATA_ITEM_LABELS.get(target[5:], target[5:])}"
    return FIELDS.get(target, target)


def column_name(headers: list[str], index: int) -> str:
    """How an error names a column: its header, or 列N when the header is empty."""
    header = headers[index].strip() if index < len(headers) else ""
    return header or f"列{index + 1}"
