"""Row-level validation of roster files and bank deposit lists. Pure (no Django).

Every bad row is reported with its line number and every reason found on it, in Japanese; valid rows come out as
plain dicts ready to store (dates as ISO strings, so a validated upload can wait as JSON until it is committed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sonae.core.errors import InvalidInput
from sonae.jp.wareki import parse_japanese_date
from sonae.programme.businesses import BY_CODE, parse_business, parse_unit

from .files import Table, cell_date, cell_text, map_header
from .rules import corporate_number_error, normalise_corporate_number, payer_key, prefecture_of

ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "corporate_number": ("法人番号", "corporate_number"),
    "name": ("事業者名", "法人名", "名称", "商号", "name"),
    "name_kana": ("事業者名カナ", "事業者名フリガナ", "フリガナ", "カナ", "名称カナ", "name_kana"),
    "address": ("所在地", "住所", "本店所在地", "address"),
    "business": ("認定業務", "業務", "業務区分", "business"),
    "unit": ("認定単位", "認定区分", "unit"),
    "facility_name": ("施設名", "事業所名", "facility_name"),
    "certified_from": ("認定日", "認定年月日", "認定開始日", "有効期間開始日", "certified_from"),
    "valid_until": ("有効期限", "有効期間満了日", "認定有効期限", "valid_until"),
    "certificate_number": ("認定番号", "認定証番号", "certificate_number"),
}
ROSTER_REQUIRED = ("corporate_number", "name", "business", "certified_from", "valid_until")
ROSTER_LABELS = {
    "corporate_number": "法人番号",
    "name": "事業者名",
    "business": "認定業務",
    "certified_from": "認定日",
    "valid_until": "有効期限",
}

# The roster table's column sizes (enrolment.models): a longer value is a row error, not a database error.
ROSTER_MAX_LENGTHS = {
    "name": 200,
    "name_kana": 200,
    "address": 300,
    "facility_name": 200,
    "certificate_number": 50,
}
ROSTER_FIELD_NAMES = {
    "name": "事業者名",
    "name_kana": "事業者名カナ",
    "address": "所在地",
    "facility_name": "施設名",
    "certificate_number": "認定番号",
}

DEPOSIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "deposited_on": ("入金日", "日付", "取引日", "勘定日", "年月日", "date"),
    "payer_name": ("振込依頼人名", "振込依頼人", "依頼人名", "振込人名", "振込名義", "名義", "摘要", "payer"),
    "amount": ("金額", "入金額", "入金金額", "お預り金額", "預入金額", "amount"),
}


@dataclass
class RowErrors:
    line: int
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"line": self.line, "messages": self.messages}


@dataclass
class Parsed:
    rows: list[dict]
    errors: list[RowErrors]
    total: int

    @property
    def error_dicts(self) -> list[dict]:
        return [e.as_dict() for e in self.errors]


def _date(value, label: str, errors: list[str]) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        errors.append(f"{label}が入力されていません。")
        return None
    try:
        return parse_japanese_date(value)
    except ValueError as exc:
        errors.append(f"{label}を日付として読み取れません（{value}）: {exc}")
        return None


def _missing_columns(found: dict[str, int], required, labels) -> None:
    missing = [labels[name] for name in required if name not in found]
    if missing:
        raise InvalidInput(f"1行目（見出し）に必要な列がありません: {'、'.join(missing)}")


def parse_roster(table: Table) -> Parsed:
    """Validate a roster file: one row per certification (a business with several 業務 has several rows)."""
    columns = map_header(table.header, ROSTER_COLUMNS)
    _missing_columns(columns, ROSTER_REQUIRED, ROSTER_LABELS)
    valid: list[dict] = []
    errors: list[RowErrors] = []
    seen_names: dict[str, tuple[str, int]] = {}
    seen_certs: dict[tuple, int] = {}
    for line, cells in table.rows:
        problems: list[str] = []
        text = {name: cell_text(cells, columns.get(name)) for name in ROSTER_COLUMNS}

        raw_number = text["corporate_number"]
        number = normalise_corporate_number(raw_number)
        if not raw_number:
            problems.append("法人番号が入力されていません。")
        elif error := corporate_number_error(raw_number):
            problems.append(error)

        name = text["name"]
        if not name:
            problems.append("事業者名が入力されていません。")
        elif number in seen_names and seen_names[number][0] != name:
            problems.append(
                f"同じ法人番号の{seen_names[number][1]}行目と事業者名が異なります（{seen_names[number][0]}）。"
            )

        business = parse_business(text["business"]) if text["business"] else None
        if not text["business"]:
            problems.append("認定業務が入力されていません。")
        elif business is None:
            problems.append(f"認定業務「{text['business']}」は11の認定業務のいずれでもありません。")

        unit = (
            parse_unit(text["unit"]) if text["unit"] else (BY_CODE[business].usual_unit if business else None)
        )
        if text["unit"] and unit is None:
            problems.append(f"認定単位「{text['unit']}」は「施設」または「事業者」で入力してください。")

        certified_from = _date(cell_date(cells, columns.get("certified_from")), "認定日", problems)
        valid_until = _date(cell_date(cells, columns.get("valid_until")), "有効期限", problems)
        if certified_from and valid_until and valid_until < certified_from:
            problems.append("有効期限が認定日より前になっています。")

        for column, limit in ROSTER_MAX_LENGTHS.items():
            if len(text[column]) > limit:
                problems.append(f"{ROSTER_FIELD_NAMES[column]}が長すぎます（{limit}文字まで）。")

        key = (number, business, text["facility_name"], text["certificate_number"])
        if not problems and key in seen_certs:
            problems.append(f"{seen_certs[key]}行目と同じ認定が重複しています。")

        if problems:
            errors.append(RowErrors(line, problems))
            continue
        seen_names.setdefault(number, (name, line))
        seen_certs[key] = line
        valid.append(
            {
                "line": line,
                "corporate_number": number,
                "name": name,
                "name_kana": text["name_kana"],
                "address": text["address"],
                "prefecture": prefecture_of(text["address"]),
                "business": business,
                "unit": unit,
                "facility_name": text["facility_name"],
                "certified_from": certified_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "certificate_number": text["certificate_number"],
            }
        )
    return Parsed(rows=valid, errors=errors, total=len(table.rows))


MAX_AMOUNT = 2_147_483_647  # the largest amount the deposits table holds (yen)
_AMOUNT_NOISE = re.compile(r"[,，円¥\\\s]")


def parse_amount(text: str) -> int | None:
    """Yen from a bank list cell: '123,456', '¥123,456', '１２３４５６円' → 123456; None when not a whole amount."""
    cleaned = _AMOUNT_NOISE.sub("", unicodedata.normalize("NFKC", str(text)))
    if not re.fullmatch(r"[0-9]+", cleaned):
        return None
    return int(cleaned)


def _deposit_columns(table: Table) -> tuple[dict[str, int], list[tuple[int, list]]]:
    columns = map_header(table.header, DEPOSIT_COLUMNS)
    if len(columns) == 3:
        return columns, table.rows
    # Some banks export without a header: date, payer, amount. Treat the first row as data when it reads so.
    first = list(table.header_cells)
    if len(first) >= 3:
        try:
            looks_like_data = isinstance(first[0], date) or bool(parse_japanese_date(str(first[0])))
        except ValueError:
            looks_like_data = False
        if looks_like_data and (isinstance(first[2], int) or parse_amount(str(first[2])) is not None):
            return {"deposited_on": 0, "payer_name": 1, "amount": 2}, [
                (table.header_line, first),
                *table.rows,
            ]
    _missing_columns(
        columns,
        ("deposited_on", "payer_name", "amount"),
        {"deposited_on": "入金日", "payer_name": "振込依頼人名", "amount": "金額"},
    )
    return columns, table.rows


def parse_deposits(table: Table) -> Parsed:
    """Validate a bank deposit list: date, payer name in kana, amount."""
    columns, rows = _deposit_columns(table)
    valid: list[dict] = []
    errors: list[RowErrors] = []
    for line, cells in rows:
        problems: list[str] = []
        deposited_on = _date(cell_date(cells, columns["deposited_on"]), "入金日", problems)
        payer = cell_text(cells, columns["payer_name"])
        if not payer:
            problems.append("振込依頼人名が入力されていません。")
        raw_amount = cells[columns["amount"]] if columns["amount"] < len(cells) else ""
        amount = (
            raw_amount
            if isinstance(raw_amount, int) and not isinstance(raw_amount, bool)
            else parse_amount(cell_text(cells, columns["amount"]))
        )
        if amount is None or amount <= 0:
            problems.append(f"金額が正しくありません（{cell_text(cells, columns['amount'])[:30]}）。")
        elif amount > MAX_AMOUNT:
            problems.append(f"金額が大きすぎます（{MAX_AMOUNT:,}円まで）。")
        if problems:
            errors.append(RowErrors(line, problems))
            continue
        valid.append(
            {
                "line": line,
                "deposited_on": deposited_on.isoformat(),
                "payer_name": payer,
                "payer_key": payer_key(payer),
                "amount": amount,
            }
        )
    return Parsed(rows=valid, errors=errors, total=len(rows))
