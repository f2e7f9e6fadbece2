"""A programme year's data file: parse and validate it into plain dataclasses.

Pure module (no Django). The file (``data/<year>.yaml``) is the single source of the year's dates, plans, coverage
terms and rating table; ``ProgrammeYear.terms`` stores it as JSON and this module reads it back. Coverage terms per
plan use the shape of the claims contract's ``terms`` (parts → limit, deductible, items) and the item codes of
``coverage_items``, so the claims calculation can take them as they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from sonae.core.errors import InvalidInput
from sonae.jp.calendar import TOKYO

from .cover_terms import CoverTerms, parse_cover_terms
from .coverage_items import ITEMS, PARTS
from .rating import RatingTable, rating_table_from_dict

FORMAT = "sonae-programme-year/1"

ITEM_KEYS = {
    "sublimit",
    "pay_ratio",
    "per_individual_cap",
    "per_corporation_cap",
    "requires_consent",
    "requires_prior_approval",
}


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    liability_limit: int
    costs_limit: int
    deductible: int
    coverage: dict  # claims-contract ``terms``: {part: {limit, deductible, items: {item: {...}}}}


@dataclass(frozen=True)
class MidTermRule:
    """Mid-term joining: apply by ``apply_by_day`` of a month → cover from ``cover_day`` of the next month at
    ``cover_time`` to the common expiry, premium pro rata by remaining months (JNX group scheme, §2.2)."""

    enabled: bool = True
    apply_by_day: int = 20
    cover_day: int = 1
    cover_time: time = time(16, 0)
    pro_rata: str = "remaining_months"


@dataclass(frozen=True)
class ProgrammeTerms:
    code: str
    name: str
    version: str
    notice: str
    period_start: datetime
    period_end: datetime
    quote_opens: date | None
    quote_deadline: date
    application_deadline: date
    mid_term: MidTermRule
    reminder_days: tuple[int, ...]
    response_period_days: int
    deductible: int
    plans: dict[str, Plan]
    rating: RatingTable
    cover: CoverTerms | None = None  # the ``determination`` section (issue 12); None in older year files

    def plan(self, code: str) -> Plan:
        try:
            return self.plans[code]
        except KeyError:
            raise InvalidInput(f"プラン {code} はこの年度にありません。", field="plan") from None


def _require(data: Mapping, key: str, where: str):
    if key not in data or data[key] in (None, ""):
        raise InvalidInput(f"{where}{key} がありません。", field=f"{where}{key}")
    return data[key]


def _date(value, where: str) -> date:
    if isinstance(value, datetime):
        raise InvalidInput(f"{where} は日付（YYYY-MM-DD）で指定してください。", field=where)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{where} は日付（YYYY-MM-DD）で指定してください。", field=where) from None


def _instant(value, where: str) -> datetime:
    if isinstance(value, datetime):
        result = value
    else:
        try:
            result = datetime.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(
                f"{where} は日時（例: 2025-10-01T16:00:00+09:00）で指定してください。", field=where
            ) from None
    if result.tzinfo is None:
        raise InvalidInput(f"{where} には時差（+09:00）を付けてください。", field=where)
    return result.astimezone(TOKYO)


def _yen(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{where} は0以上の整数（円）で指定してください。", field=where)
    return value


def _coverage(data, where: str) -> dict:
    """Validate one plan's coverage terms (claims-contract shape) and return them JSON-clean."""
    if not isinstance(data, Mapping) or not data:
        raise InvalidInput(f"{where} がありません。", field=where)
    result: dict = {}
    for part, part_data in data.items():
        pwhere = f"{where}.{part}"
        if part not in PARTS:
            raise InvalidInput(f"{pwhere}: 不明な補償区分です（{', '.join(PARTS)}）。", field=pwhere)
        if not isinstance(part_data, Mapping):
            raise InvalidInput(f"{pwhere} の形式が正しくありません。", field=pwhere)
        items = part_data.get("items") or {}
        clean_items: dict = {}
        for item, item_data in items.items():
            iwhere = f"{pwhere}.items.{item}"
            if item not in ITEMS:
                raise InvalidInput(f"{iwhere}: 不明な補償項目コードです。", field=iwhere)
            if ITEMS[item][0] != part:
                raise InvalidInput(f"{iwhere}: この項目は {ITEMS[item][0]} の項目です。", field=iwhere)
            item_data = dict(item_data or {})
            extra = sorted(set(item_data) - ITEM_KEYS)
            if extra:
                raise InvalidInput(f"{iwhere}: 不明な設定があります: {', '.join(extra)}", field=iwhere)
            for key in ("sublimit", "per_individual_cap", "per_corporation_cap"):
                if key in item_data:
                    _yen(item_data[key], f"{iwhere}.{key}")
            if "pay_ratio" in item_data:
                ratio = item_data["pay_ratio"]
                if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio <= 1:
                    raise InvalidInput(
                        f"{iwhere}.pay_ratio は0より大きく1以下です。", field=f"{iwhere}.pay_ratio"
                    )
            for key in ("requires_consent", "requires_prior_approval"):
                if key in item_data and not isinstance(item_data[key], bool):
                    raise InvalidInput(f"{iwhere}.{key} は true / false です。", field=f"{iwhere}.{key}")
            clean_items[item] = item_data
        result[part] = {
            "limit": _yen(_require(part_data, "limit", f"{pwhere}."), f"{pwhere}.limit"),
            "deductible": _yen(part_data.get("deductible", 0), f"{pwhere}.deductible"),
            "items": clean_items,
        }
    return result


def _mid_term(data) -> MidTermRule:
    data = data or {}
    rule = MidTermRule(
        enabled=bool(data.get("enabled", True)),
        apply_by_day=int(data.get("apply_by_day", 20)),
        cover_day=int(data.get("cover_day", 1)),
        cover_time=time.fromisoformat(str(data.get("cover_time", "16:00"))),
        pro_rata=str(data.get("pro_rata", "remaining_months")),
    )
    if not 1 <= rule.apply_by_day <= 28 or not 1 <= rule.cover_day <= 28:
        raise InvalidInput("mid_term の日付は1〜28日で指定してください。", field="mid_term")
    if rule.pro_rata != "remaining_months":
        raise InvalidInput(
            "mid_term.pro_rata は remaining_months のみ対応しています。", field="mid_term.pro_rata"
        )
    return rule


def parse_terms(document: Mapping) -> ProgrammeTerms:
    """Validate a year document (as read from YAML, or as stored JSON). Raises InvalidInput naming the field."""
    if not isinstance(document, Mapping):
        raise InvalidInput("年度データの形式が正しくありません。")
    if document.get("format") != FORMAT:
        raise InvalidInput(f"format は {FORMAT} です。", field="format")
    period = _require(document, "period", "")
    deadlines = _require(document, "deadlines", "")
    period_start = _instant(_require(period, "start", "period."), "period.start")
    period_end = _instant(_require(period, "end", "period."), "period.end")
    if period_end <= period_start:
        raise InvalidInput("period.end は period.start より後です。", field="period.end")
    quote_deadline = _date(_require(deadlines, "quote", "deadlines."), "deadlines.quote")
    application_deadline = _date(_require(deadlines, "application", "deadlines."), "deadlines.application")
    quote_opens = (
        _date(deadlines["quote_opens"], "deadlines.quote_opens") if deadlines.get("quote_opens") else None
    )
    if not quote_deadline <= application_deadline < period_start.date():
        raise InvalidInput(
            "締切は 見積依頼 ≦ 加入依頼・払込 < 保険期間開始 の順です。", field="deadlines.application"
        )
    if quote_opens and quote_opens > quote_deadline:
        raise InvalidInput("deadlines.quote_opens は見積依頼締切より前です。", field="deadlines.quote_opens")

    deductible = _yen(document.get("deductible", 0), "deductible")
    plans: dict[str, Plan] = {}
    for code, plan in (_require(document, "plans", "") or {}).items():
        where = f"plans.{code}"
        coverage = _coverage(_require(plan, "coverage", f"{where}."), f"{where}.coverage")
        plans[str(code)] = Plan(
            code=str(code),
            name=str(_require(plan, "name", f"{where}.")),
            liability_limit=_yen(_require(plan, "liability_limit", f"{where}."), f"{where}.liability_limit"),
            costs_limit=_yen(_require(plan, "costs_limit", f"{where}."), f"{where}.costs_limit"),
            deductible=_yen(plan.get("deductible", deductible), f"{where}.deductible"),
            coverage=coverage,
        )
        if "liability" in coverage and coverage["liability"]["limit"] != plans[str(code)].liability_limit:
            raise InvalidInput(
                f"{where}: liability_limit と coverage.liability.limit が一致しません。", field=where
            )
        if "costs" in coverage and coverage["costs"]["limit"] != plans[str(code)].costs_limit:
            raise InvalidInput(f"{where}: costs_limit と coverage.costs.limit が一致しません。", field=where)
    rating = rating_table_from_dict(_require(document, "rating", ""))
    missing = sorted(set(plans) - set(rating.plan_factors))
    if missing:
        raise InvalidInput(f"rating.plan_factors に係数のないプランがあります: {', '.join(missing)}")
    reminders = (document.get("reminders") or {}).get("days_before", [7, 1])
    if not all(isinstance(d, int) and d >= 0 for d in reminders):
        raise InvalidInput("reminders.days_before は0以上の日数の一覧です。", field="reminders.days_before")
    response_days = document.get("response_period_days", 365)
    if not isinstance(response_days, int) or response_days <= 0:
        raise InvalidInput("response_period_days は正の日数です。", field="response_period_days")
    return ProgrammeTerms(
        code=str(_require(document, "code", "")),
        name=str(_require(document, "name", "")),
        version=str(_require(document, "version", "")),
        notice=str(document.get("notice", "")).strip(),
        period_start=period_start,
        period_end=period_end,
        quote_opens=quote_opens,
        quote_deadline=quote_deadline,
        application_deadline=application_deadline,
        mid_term=_mid_term(document.get("mid_term")),
        reminder_days=tuple(sorted(set(reminders), reverse=True)),
        response_period_days=response_days,
        deductible=deductible,
        plans=plans,
        rating=rating,
        cover=parse_cover_terms(
            document.get("determination"), plans={code: tuple(p.coverage) for code, p in plans.items()}
        ),
    )


def to_json(document: Mapping) -> dict:
    """The document with dates and instants as ISO strings, as stored in ``ProgrammeYear.terms``."""

    def default(value):
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        raise TypeError(f"cannot store {type(value).__name__} in programme terms")

    return json.loads(json.dumps(document, ensure_ascii=False, default=default))
