"""Normalise and validate the rows of a victim list, a column at a time. Pure module (no Django).

Normalisation (issue 6 point 1): NFKC and collapsed spaces everywhere; kana to full-width katakana; birth dates
from 西暦 or 和暦 (``sonae.jp.wareki``); postal codes to 7 digits; phone numbers to digits. The results are exactly
those of ``sonae.jp.text`` / ``sonae.jp.formatting`` (tests compare them on random input).

Why a column at a time: a million-row import spends most of its time here. Applying C functions to whole
columns with ``map`` (``unicodedata.normalize``, ``str.split``/``join``, ``str.translate``, compiled regexes)
costs a fraction of calling Python helpers for every cell; repeated values (birth dates, item lists, flags) are
computed once per distinct value; only cells that fail the common shapes take the slow path through
``sonae.jp``. Rows with errors are set aside with one message per bad cell.

Error messages never repeat the cell's value: they are stored with the import and shown to users who may not
be entitled to see the person's data.
"""

from __future__ import annotations

import json.encoder
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import compress, repeat
from operator import and_, is_, itemgetter, methodcaller, not_

from jaconv.jaconv import H2K_TABLE

from sonae.jp.formatting import normalize_phone, normalize_postal_code
from sonae.jp.wareki import from_wareki, parse_japanese_date
from sonae.victims.items import BIT_OF, is_marked, parse_items

_NFKC = partial(unicodedata.normalize, "NFKC")
_split = str.split
_space_join = " ".join
_empty_join = "".join
_strip = str.strip
_upper = str.upper
_translate = str.translate
_no_dash = methodcaller("replace", "-", "")
_escape = json.encoder.encode_basestring  # C: '"…"' with JSON escapes, non-ASCII kept
_first = itemgetter(0)
_second = itemgetter(1)
_is_none = partial(is_, None)


_is_nfkc = partial(unicodedata.is_normalized, "NFKC")
_drop_spaces = methodcaller("replace", " ", "")
_OTHER_WHITESPACE = re.compile(r"[^\S ]")
_HIRAGANA = re.compile("[\u3041-\u3096\u309d\u309e]")
_MIDDLE_DOTS = re.compile("[\u30fb\u00b7\u2027\u22c5\u2022]")


def _text_column(column) -> list[str]:
    """``sonae.jp.text.normalize`` of every cell. Checked on the whole column first (cells joined by NUL, which
    is neither whitespace nor composable): usually every cell is NFKC already and holds single inner spaces
    only, and nothing is done per cell. Otherwise NFKC where the quick check fails, then spaces collapsed."""
    joined = "\0".join(column)
    out = list(column)
    if not _is_nfkc(joined):
        for i in compress(range(len(out)), map(not_, map(_is_nfkc, out))):
            out[i] = _NFKC(out[i])
        joined = "\0".join(out)
    if (
        "  " in joined
        or " \0" in joined
        or "\0 " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or _OTHER_WHITESPACE.search(joined)
    ):
        return list(map(_space_join, map(_split, out)))
    return out


# Mirrors sonae.jp.text: kana_key drops spaces and middle dots; is_kana's alphabet.
_KEY_DROP = re.compile(r"[\s\u30fb\u00b7\u2027\u22c5\u2022]+")
_KANA = re.compile(r"[\u3041-\u3096\u3099-\u309f\u30a0-\u30ff\u31f0-\u31ff\s]+")
_FAST_POSTAL = re.compile(r"[0-9]{3}-?[0-9]{4}")
_FAST_PHONE = re.compile(r"0[0-9]{1,4}-?[0-9]{1,4}-?[0-9]{3,4}")
_PHONE_LENGTHS = frozenset({10, 11})
_CORPORATE = frozenset({"法人", "CORPORATION", "CORPORATE", "C", "会社", "団体"})
_INDIVIDUAL = frozenset({"", "個人", "INDIVIDUAL", "PERSON", "P"})

MAX_LENGTHS = {"name": 100, "kana": 100, "address": 300, "patient_id": 50, "insurance_card": 60}
MEMO_LIMIT = 200_000
MIN_BIRTH = date(1873, 1, 1)

# The encrypted record of every victim (stored format): a JSON object with these keys, always all present ("" when
# the list had no value).
RECORD_KEYS = {
    "name": "氏名",  # NFKC, spaces collapsed
    "kana": "フリガナ",  # full-width katakana
    "birth": "生年月日",  # ISO 8601
    "postal": "郵便番号",  # 7 digits
    "address": "住所",
    "phone": "電話番号",  # digits
    "patient": "患者ID",  # NFKC without spaces, upper case
    "card": "被保険者証記号番号",
}
# A record can be laid out without JSON escaping when no cell holds a quote, a backslash or a control character.
NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def _needs_escape(text: str) -> bool:
    """Whether ``text`` holds a character that JSON escapes. ``str.isprintable`` (false for every control
    character) settles most columns in one fast C pass; the regular expression decides the others."""
    if '"' in text or "\\" in text:
        return True
    return not text.isprintable() and NEEDS_ESCAPE.search(text) is not None


MESSAGES = {
    "name_empty": "氏名が入力されていません。",
    "name_long": "氏名が長すぎます（100文字まで）。",
    "kana_chars": "フリガナにカナ以外の文字が含まれています。",
    "kana_long": "フリガナが長すぎます（100文字まで）。",
    "postal": "郵便番号は7桁の数字で入力してください（例: 123-4567）。",
    "address_long": "住所が長すぎます（300文字まで）。",
    "phone": "電話番号は0から始まる10桁または11桁の番号で入力してください。",
    "patient_long": "患者IDが長すぎます（50文字まで）。",
    "card_long": "被保険者証記号番号が長すぎます（60文字まで）。",
    "kind": "区分は「個人」または「法人」で入力してください。",
    "birth_future": "生年月日が未来の日付です。",
    "birth_missing_day": "生年月日が存在しない日付です。",
    "birth_old": "生年月日が1873年（明治6年）1月1日より前です。",
    "birth_weekday": "生年月日の曜日が日付と一致しません。",
    "birth_unreadable": "生年月日を日付として読み取れません（例: 1970-03-02、昭和45年3月2日、S45.3.2）。",
}


# -- single values (the same functions, one cell at a time: look-ups, corrections, tests) ----------------------


def normalize_text(text: str) -> str:
    """Same as ``sonae.jp.text.normalize`` (NFKC, whitespace runs → one space, stripped)."""
    return " ".join(_NFKC(text).split())


def normalize_kana(text: str) -> str:
    """Same as ``to_katakana(normalize(text))``: NFKC has already widened half-width kana; hiragana → katakana."""
    return " ".join(_NFKC(text).split()).translate(H2K_TABLE)


def key_of_kana(kana: str) -> str:
    """``sonae.jp.text.kana_key`` of a value already passed through ``normalize_kana``."""
    return _NFKC(_KEY_DROP.sub("", kana.upper()))


def normalize_patient_id(text: str) -> str:
    """Patient IDs compare without width, case or spaces: "ｐ 0012" and "P0012" are one patient."""
    return "".join(_NFKC(text).split()).upper()


def _birth_message(exc: Exception) -> str:
    text = str(exc)
    if "旧暦" in text or "1873" in text:
        return MESSAGES["birth_old"]
    if "存在" in text:
        return MESSAGES["birth_missing_day"]
    if "曜日" in text:
        return MESSAGES["birth_weekday"]
    return MESSAGES["birth_unreadable"]


_FAST_WESTERN = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{4})([0-9]{2})([0-9]{2})")
_FAST_WAREKI = re.compile(
    r"(明治|大正|昭和|平成|令和|[明大昭平令MTSHRmtshr])([0-9]{1,3})"
    r"(?:年([0-9]{1,2})月([0-9]{1,2})日|([-/.])([0-9]{1,2})\5([0-9]{1,2}))"
)


def parse_birth(raw: str, today_iso: str) -> tuple[str, str]:
    """(ISO date, "") or ("", message) for a birth date cell (already stripped).

    The shapes lists mostly use are read here directly (ASCII digits, no spaces): 1970-03-02, 1970/3/2,
    19700302, S45.3.2, 昭和45年3月2日 — with the results of ``parse_japanese_date``, which reads everything else.
    """
    try:
        m = _FAST_WESTERN.fullmatch(raw)
        if m:
            y, mo, d = (m[1], m[3], m[4]) if m[1] else (m[5], m[6], m[7])
            try:
                day = date(int(y), int(mo), int(d))
            except ValueError:
                raise ValueError("存在しない") from None
            if day < MIN_BIRTH:
                raise ValueError("1873")
        else:
            m = _FAST_WAREKI.fullmatch(raw)
            if m:
                month, dom = (m[3], m[4]) if m[3] else (m[6], m[7])
                day = from_wareki(m[1], int(m[2]), int(month), int(dom))
            else:
                day = parse_japanese_date(raw)
    except ValueError as exc:
        return "", _birth_message(exc)
    iso = day.isoformat()
    return (iso, "") if iso <= today_iso else ("", MESSAGES["birth_future"])


# -- whole columns ----------------------------------------------------------------------------------------------


@dataclass
class Columns:
    """The normalised rows of one chunk that passed validation (parallel lists) and the errors of the others."""

    lines: list[int] = field(default_factory=list)
    records: list[bytes] = field(default_factory=list)  # UTF-8 JSON, RECORD_FORMAT
    kana_keys: list[str] = field(default_factory=list)  # "" when kana or birth date is missing
    births: list[str] = field(default_factory=list)
    patients: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    corporate: list[bool] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # (line, column index, message)
    rows: int = 0  # non-blank rows seen


class ColumnNormaliser:
    """Normalise and validate chunks of rows under one mapping. Keeps memo tables: use one per process."""

    def __init__(self, mapping: list[str], *, today: date, default_items: int = 0):
        self.today_iso = today.isoformat()
        self.default_items = default_items
        self.width = len(mapping)
        self.columns: dict[str, list[int]] = {}
        self.flag_columns: list[tuple[int, int]] = []  # (column, bit)
        for index, target in enumerate(mapping):
            if target.startswith("item:"):
                self.flag_columns.append((index, BIT_OF[target[5:]]))
            elif target:
                self.columns.setdefault(target, []).append(index)
        self._birth_memo: dict[str, tuple[str, str]] = {}
        self._items_memo: dict[str, tuple[int, str]] = {}
        self._flag_memo: dict[str, bool] = {}
        self._kind_memo: dict[str, tuple[bool, bool]] = {}
        self.fast_memos: dict[str, dict] = {}  # the fast path's own tables (``fast``)

    def _column(self, cols: tuple, field_name: str) -> tuple | list | None:
        indexes = self.columns.get(field_name)
        if not indexes:
            return None
        if len(indexes) == 1:
            return cols[indexes[0]]
        return list(map(_space_join, zip(*(cols[i] for i in indexes), strict=False)))

    def normalise(self, rows: list[list[str]], lines: list[int]) -> Columns:
        """Normalise ``rows`` (cells as text) found on ``lines``."""
        out = Columns()
        width = self.width
        if rows and (len(set(map(len, rows))) != 1 or len(rows[0]) != width):
            rows = [r[:width] if len(r) >= width else r + [""] * (width - len(r)) for r in rows]
        # Blank rows (spreadsheets end with some) are skipped and not counted.
        keep = [i for i, filled in enumerate(map(any, rows)) if filled]
        if len(keep) != len(rows):
            rows = [rows[i] for i in keep]
            lines = [lines[i] for i in keep]
        n = len(rows)
        out.rows = n
        if not n:
            return out
        cols = tuple(zip(*rows, strict=False)) if width else ()
        bad: dict[int, list[tuple[int, str]]] = {}
        strip = partial(map, _strip)

        def flag(indexes, field_name: str, message: str) -> None:
            column = self.columns[field_name][0]
            for i in indexes:
                bad.setdefault(i, []).append((column, message))

        def too_long(values, field_name: str, message: str) -> None:
            limit = MAX_LENGTHS[field_name]
            if max(map(len, values), default=0) > limit:  # one C pass; the rows only when one is too long
                flag([i for i, length in enumerate(map(len, values)) if length > limit], field_name, message)

        # 氏名: required.
        raw = self._column(cols, "name")
        names = _text_column(raw) if raw is not None else [""] * n
        empty = [i for i, name in enumerate(names) if not name] if "" in names else []
        # A row of spaces only is blank too.
        really_blank = {i for i in empty if not "".join(rows[i]).strip()}
        if really_blank:
            out.rows -= len(really_blank)
        flag([i for i in empty if i not in really_blank], "name", MESSAGES["name_empty"])
        too_long(names, "name", MESSAGES["name_long"])

        # フリガナ: full-width katakana, and its kana_key for the look-up index. A valid kana has no letters, so
        # kana_key's upper() changes nothing in the rows that are kept.
        raw = self._column(cols, "kana")
        if raw is not None:
            kanas = _text_column(raw)
            if _HIRAGANA.search("".join(kanas)):  # translating is slow per character: only when needed
                kanas = list(map(_translate, kanas, repeat(H2K_TABLE)))
            flag(
                [
                    i
                    for i, (k, m) in enumerate(zip(kanas, map(_KANA.fullmatch, kanas), strict=False))
                    if k and m is None
                ],
                "kana",
                MESSAGES["kana_chars"],
            )
            too_long(kanas, "kana", MESSAGES["kana_long"])
            if not any(map(_MIDDLE_DOTS.search, kanas)):  # normalised text: spaces are the only whitespace
                keys = list(map(_drop_spaces, kanas))
            else:
                keys = list(map(_KEY_DROP.sub, repeat(""), kanas))
            for i in compress(range(n), map(not_, map(_is_nfkc, keys))):
                keys[i] = _NFKC(keys[i])
        else:
            kanas = keys = [""] * n

        # 生年月日: once per distinct cell.
        raw = self._column(cols, "birth_date")
        if raw is not None:
            cells = list(strip(raw))
            memo = self._birth_memo
            found = list(map(memo.get, cells))
            for i in compress(range(n), map(_is_none, found)):
                cell = cells[i]
                hit = memo.get(cell)  # seen earlier in this chunk
                if hit is None:
                    hit = parse_birth(cell, self.today_iso) if cell else ("", "")
                    if len(memo) >= MEMO_LIMIT:
                        memo.clear()
                    memo[cell] = hit
                found[i] = hit
            births = list(map(_first, found))
            column = self.columns["birth_date"][0]
            for i in compress(range(n), map(_second, found)):
                bad.setdefault(i, []).append((column, found[i][1]))
        else:
            births = [""] * n

        # 郵便番号: 7 digits.
        raw = self._column(cols, "postal_code")
        if raw is not None:
            cells = list(strip(raw))
            postals = list(map(_no_dash, cells))
            for i in compress(range(n), map(_is_none, map(_FAST_POSTAL.fullmatch, cells))):
                if cells[i]:
                    try:
                        postals[i] = normalize_postal_code(cells[i])
                    except ValueError:
                        postals[i] = ""
                        flag([i], "postal_code", MESSAGES["postal"])
        else:
            postals = [""] * n

        # 住所.
        raw = self._column(cols, "address")
        if raw is not None:
            addresses = _text_column(raw)
            too_long(addresses, "address", MESSAGES["address_long"])
        else:
            addresses = [""] * n

        # 電話番号: digits.
        raw = self._column(cols, "phone")
        if raw is not None:
            cells = list(strip(raw))
            phones = list(map(_no_dash, cells))
            fast = map(
                and_,
                map(bool, map(_FAST_PHONE.fullmatch, cells)),
                map(_PHONE_LENGTHS.__contains__, map(len, phones)),
            )
            for i in compress(range(n), map(not_, fast)):
                if cells[i]:
                    try:
                        phones[i] = normalize_phone(cells[i])
                    except ValueError:
                        phones[i] = ""
                        flag([i], "phone", MESSAGES["phone"])
        else:
            phones = [""] * n

        # 患者ID (no spaces, upper case), 被保険者証記号番号.
        raw = self._column(cols, "patient_id")
        if raw is not None:
            patients = list(map(_upper, map(_drop_spaces, _text_column(raw))))
            too_long(patients, "patient_id", MESSAGES["patient_long"])
        else:
            patients = [""] * n
        raw = self._column(cols, "insurance_card")
        if raw is not None:
            cards = _text_column(raw)
            too_long(cards, "insurance_card", MESSAGES["card_long"])
        else:
            cards = [""] * n

        # 漏えい項目: a list column and/or flag columns; rows naming none get the job's default items.
        items = [0] * n
        raw = self._column(cols, "items")
        if raw is not None:
            memo = self._items_memo
            found = list(map(memo.get, raw))
            for i in compress(range(n), map(_is_none, found)):
                hit = memo.get(raw[i])  # seen earlier in this chunk
                if hit is None:
                    hit = _items_cell(raw[i])
                    if len(memo) >= MEMO_LIMIT:
                        memo.clear()
                    memo[raw[i]] = hit
                found[i] = hit
            items = list(map(_first, found))
            column = self.columns["items"][0]
            for i in compress(range(n), map(_second, found)):
                bad.setdefault(i, []).append((column, found[i][1]))
        for index, bit in self.flag_columns:
            memo = self._flag_memo
            for i, cell in enumerate(cols[index]):
                if cell:
                    marked = memo.get(cell)
                    if marked is None:
                        marked = memo[cell] = is_marked(cell)
                    if marked:
                        items[i] |= bit
        default = self.default_items
        if default:
            items = [mask or default for mask in items]

        # 個人・法人.
        raw = self._column(cols, "kind")
        corporate = [False] * n
        if raw is not None:
            memo = self._kind_memo
            for i, cell in enumerate(raw):
                if not cell:
                    continue
                hit = memo.get(cell)
                if hit is None:
                    hit = memo[cell] = read_kind(cell)
                corporate[i] = hit[0]
                if not hit[1]:
                    flag([i], "kind", MESSAGES["kind"])

        # Set aside the rows with errors; lay out the others.
        if bad or really_blank:
            for i in sorted(bad):
                if i in really_blank:
                    continue
                for column, message in bad[i]:
                    out.errors.append((lines[i], column, message))
            good = [i for i in range(n) if i not in bad and i not in really_blank]

            def pick(values):
                return [values[i] for i in good]

            lines, names, kanas, keys, births, postals = map(
                pick, (lines, names, kanas, keys, births, postals)
            )
            addresses, phones, patients, cards, items, corporate = map(
                pick, (addresses, phones, patients, cards, items, corporate)
            )
        fields = (names, kanas, births, postals, addresses, phones, patients, cards)
        if any(map(_needs_escape, map(_empty_join, fields))):  # JSON escapes, without their quotes
            fields = tuple([_escape(v)[1:-1] for v in values] for values in fields)
        out.records = [
            f'{{"name":"{n}","kana":"{k}","birth":"{b}","postal":"{z}","address":"{a}","phone":"{t}","patient":"{p}","card":"{c}"}}'.encode()
            for n, k, b, z, a, t, p, c in zip(*fields, strict=False)
        ]
        out.lines = list(lines)
        # The kana+birth index needs both parts.
        out.kana_keys = [k if b else "" for k, b in zip(keys, births, strict=False)]
        out.births = births
        out.patients = patients
        out.items = items
        out.corporate = corporate
        return out


def read_kind(cell: str) -> tuple[bool, bool]:
    """(corporate, known) of a 個人・法人 cell that is not empty."""
    value = _NFKC(cell).strip().upper()
    return value in _CORPORATE, value in _CORPORATE or value in _INDIVIDUAL


def _items_cell(cell: str) -> tuple[int, str]:
    if not cell.strip():
        return 0, ""
    mask, unknown = parse_items(cell)
    if unknown:
        names = "、".join(f"「{u[:20]}」" for u in unknown[:3])
        return mask, f"漏えい項目{names}は登録された項目にありません。"
    return mask, ""
