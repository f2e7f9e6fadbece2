"""Japanese dates: 和暦 (the era calendar) and the 西暦 forms Japanese documents and spreadsheets use.

Pure module (no Django). Output forms:

- ``format_wareki``: 令和7年10月1日 (元年 for the first year of an era), or R7.10.1 abbreviated;
- ``format_date_ja``: 2025年10月1日, optionally with the weekday: 2025年10月10日（金）;
- ``format_datetime_ja``: 2025年10月1日 16:00 in Asia/Tokyo (hours not zero-padded: 9:05).

``parse_japanese_date`` reads what people actually type (see its docstring) and refuses, with a Japanese message,
anything it cannot read with certainty — including era dates that never existed (平成31年5月1日, 昭和64年1月8日).

Japan adopted the Gregorian calendar on 明治6年1月1日 (1873-01-01); earlier Meiji dates are lunisolar and do not map
to Gregorian dates by arithmetic, so this module supports dates from 1873-01-01 on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sonae.jp.calendar import to_tokyo

WEEKDAYS_JA = "月火水木金土日"

# Dajōkan decree No. 337 of 1872: the solar calendar from 明治6年1月1日 = 1873-01-01.
GREGORIAN_ADOPTED = date(1873, 1, 1)


@dataclass(frozen=True)
class Era:
    """One era (元号): its name, one-kanji and one-letter abbreviations, first and last day (None: current)."""

    name: str
    kanji: str
    letter: str
    start: date
    end: date | None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


# Official first days (Gregorian). 明治 began 1868-10-23, but only dates from 1873-01-01 are supported (above).
# Each era ends the day before the next begins: 昭和64年 is 1989-01-01..07, 平成31年 is 2019-01-01..04-30.
ERAS: tuple[Era, ...] = (
    Era("明治", "明", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "大", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "昭", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "平", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "令", "R", date(2019, 5, 1), None),
)

_ERA_BY_LABEL: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_LABEL[_era.name] = _era
    _ERA_BY_LABEL[_era.kanji] = _era
    _ERA_BY_LABEL[_era.letter] = _era


@dataclass(frozen=True)
class WarekiDate:
    """A date in the era calendar: ``era`` and the era ``year`` (1 = 元年), month and day."""

    era: Era
    year: int
    month: int
    day: int

    @property
    def year_label(self) -> str:
        """令和7年, 令和元年."""
        return f"{self.era.name}{'元' if self.year == 1 else self.year}年"

    def __str__(self) -> str:
        return f"{self.year_label}{self.month}月{self.day}日"


def _as_date(value: date | datetime) -> date:
    # An aware datetime is a moment: its date is the date in Tokyo. A naive one is refused by to_tokyo.
    if isinstance(value, datetime):
        return to_tokyo(value).date()
    return value


def _weekday_suffix(day: date) -> str:
    return f"（{WEEKDAYS_JA[day.weekday()]}）"


def era_of(value: date | datetime) -> Era:
    """The era a date falls in (dates before 1873-01-01 are refused)."""
    day = _as_date(value)
    if day < GREGORIAN_ADOPTED:
        raise ValueError("1873年（明治6年）1月1日より前の日付は旧暦のため和暦に変換できません。")
    for era in reversed(ERAS):
        if era.start <= day:
            return era
    raise AssertionError("unreachable: 明治 starts before 1873")  # pragma: no cover


def to_wareki(value: date | datetime) -> WarekiDate:
    """The era-calendar form of a date (an aware datetime counts by its date in Tokyo)."""
    day = _as_date(value)
    era = era_of(day)
    return WarekiDate(era, day.year - era.start.year + 1, day.month, day.day)


def from_wareki(era: str | Era, year: int, month: int, day: int) -> date:
    """The Gregorian date of an era date; ``era`` is an ``Era`` or a label (令和, 令, R).

    Raises ValueError (Japanese message) for unknown eras, impossible dates and dates outside the era.
    """
    if isinstance(era, str):
        found = _ERA_BY_LABEL.get(era.upper() if era.isascii() else era)
        if found is None:
            raise ValueError(
                f"元号「{era}」は使えません。明治・大正・昭和・平成・令和のいずれかを指定してください。"
            )
        era = found
    label = f"{era.name}{'元' if year == 1 else year}年{month}月{day}日"
    if year < 1:
        raise ValueError(f"{label}は存在しません。年は元年（1年）以上です。")
    try:
        result = date(era.start.year + year - 1, month, day)
    except ValueError:
        raise ValueError(f"{label}は存在しない日付です。") from None
    if result < GREGORIAN_ADOPTED:
        raise ValueError(f"{label}は旧暦の日付のため扱えません（1873年（明治6年）1月1日以降が対象です）。")
    if not era.contains(result):
        # Strict: 平成31年4月30日 exists, 平成31年5月1日 does not (it is 令和元年5月1日).
        span = f"{format_date_ja(era.start)}から" + (f"{format_date_ja(era.end)}まで" if era.end else "")
        raise ValueError(f"{label}は存在しません。{era.name}は{span}です。")
    return result


def format_wareki(value: date | datetime, *, abbreviated: bool = False, weekday: bool = False) -> str:
    """令和7年10月1日 (令和元年5月1日 in an era's first year); ``abbreviated``: R7.10.1.

    ``weekday`` appends （金）. Dates before 1873-01-01 raise ValueError.
    """
    day = _as_date(value)
    w = to_wareki(day)
    text = f"{w.era.letter}{w.year}.{w.month}.{w.day}" if abbreviated else str(w)
    return text + (_weekday_suffix(day) if weekday else "")


def format_date_ja(value: date | datetime, *, weekday: bool = False) -> str:
    """2025年10月1日; with ``weekday``: 2025年10月10日（金）. An aware datetime is shown by its Tokyo date."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日" + (_weekday_suffix(day) if weekday else "")


def format_datetime_ja(value: datetime, *, weekday: bool = False, seconds: bool = False) -> str:
    """2025年10月1日 16:00 in Asia/Tokyo (naive datetimes are refused); ``seconds``: 16:00:05."""
    local = to_tokyo(value)
    clock = f"{local.hour}:{local.minute:02d}" + (f":{local.second:02d}" if seconds else "")
    return f"{format_date_ja(local.date(), weekday=weekday)} {clock}"


# --- parsing ----------------------------------------------------------------------------------------------------

_WEEKDAY_TAIL = re.compile(r"\((?P<wd>[月火水木金土日])(?:曜日?)?\)$")
_WESTERN_KANJI = re.compile(r"(?:西暦)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_WESTERN_SEP = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")
_WESTERN_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_WAREKI = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令MTSHR])(?P<y>\d{1,3}|元)"
    r"(?:年(?P<m>\d{1,2})月(?P<d>\d{1,2})日|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2}))"
)

_EXAMPLES = "例: 2025-10-01、2025年10月1日、令和7年10月1日、R7.10.1"


def parse_japanese_date(text: str) -> date:
    """Read a date as people write it in Japan.

    西暦: 2025-10-01, 2025/10/1, 2025.10.1, 20251001, 2025年10月1日 (西暦 prefix allowed).
    和暦: 昭和45年3月2日, 平成元年1月8日, S45.3.2, S45/3/2, S45-3-2, 昭45.3.2, H1.1.8, R07.10.01 (letters in either
    case; 元 for year 1 in any form). Full-width digits and letters, the ligatures ㍻/㋿ and spaces are accepted.
    A trailing weekday — （金）, (金曜), (金曜日) — is accepted and must match the date.
    Not accepted: two-digit Western years, kanji numerals (四十五年), Excel serial numbers, dates before 1873.
    Raises ValueError with a Japanese message.
    """
    if not isinstance(text, str):
        raise ValueError("日付は文字列で指定してください。")
    # NFKC: full-width digits/letters/brackets to ASCII and ㍻ → 平成; spaces carry no meaning in a date.
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    if not s:
        raise ValueError(f"日付が入力されていません。{_EXAMPLES}")

    stated_weekday = None
    tail = _WEEKDAY_TAIL.search(s)
    if tail:
        stated_weekday = tail["wd"]
        s = s[: tail.start()]

    result = _parse_core(s, text)
    if stated_weekday is not None and WEEKDAYS_JA[result.weekday()] != stated_weekday:
        actual = WEEKDAYS_JA[result.weekday()]
        raise ValueError(f"曜日が一致しません。{format_date_ja(result)}は{actual}曜日です。")
    return result


def _parse_core(s: str, original: str) -> date:
    m = _WAREKI.fullmatch(s)
    if m:
        year = 1 if m["y"] == "元" else int(m["y"])
        month, day = (m["m"], m["d"]) if m["m"] else (m["m2"], m["d2"])
        return from_wareki(m["era"], year, int(month), int(day))
    for pattern in (_WESTERN_KANJI, _WESTERN_SEP, _WESTERN_COMPACT):
        m = pattern.fullmatch(s)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            try:
                result = date(y, mo, d)
            except ValueError:
                raise ValueError(f"{y}年{mo}月{d}日は存在しない日付です。") from None
            if result < GREGORIAN_ADOPTED:
                raise ValueError("1873年（明治6年）1月1日より前の日付は扱えません。")
            return result
    raise ValueError(f"日付として読み取れません（{original.strip()}）。{_EXAMPLES}")
