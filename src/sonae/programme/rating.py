"""Premium rating: a pure function of the programme year's rating table and the quote's inputs.

No Django. Everything that varies (bands, factors, discounts, rounding) is data from the year file's ``rating``
section; this module only applies it, in exact decimal arithmetic, rounding once at the end as the table says:

    annual = round(base(sales band) × 業務 factor × plan factor × (1 − security discount) × (1 − group discount))
    annual = max(annual, minimum premium)
    mid-term premium = round(annual × remaining months / months in the period)

Premium basis = last fiscal year's sales incl. tax, as in the market (insurance-and-sector.md §2.4, MS&AD terms);
the security discount follows the declared measures (§2.2, "セキュリティ対策状況に応じます"); the group discount is
the group scheme's scale merit (§2.1, "up to 20%"). The sample numbers live in the data file, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from sonae.core.errors import InvalidInput

from .businesses import BY_CODE, business_label

ROUNDING_MODES = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half_up": ROUND_HALF_UP}
ROUNDING_LABELS = {"floor": "未満切り捨て", "ceil": "未満切り上げ", "half_up": "未満四捨五入"}

# IPA 5分でできる自社診断: 25 questions, 4/2/0/−1 points → −25 … 100 (insurance-and-sector.md §5.1).
SCORE_MIN, SCORE_MAX = -25, 100


class RatingError(InvalidInput):
    """The inputs fall outside what the rating table covers (e.g. sales above the top band)."""

    code = "rating_out_of_range"


@dataclass(frozen=True)
class SalesBand:
    up_to: int | None  # inclusive upper bound of sales in yen; None = no upper bound
    base_premium: int

    @property
    def label(self) -> str:
        if self.up_to is None:
            return "上限なし"
        return f"{_oku_man(self.up_to)}以下"


@dataclass(frozen=True)
class ScoreBand:
    min_score: int
    discount: Decimal
    label: str = ""


@dataclass(frozen=True)
class Rounding:
    unit: int = 10
    mode: str = "floor"

    def apply(self, amount: Decimal) -> int:
        units = (amount / self.unit).quantize(Decimal(1), rounding=ROUNDING_MODES[self.mode])
        return int(units) * self.unit

    @property
    def label(self) -> str:
        return f"{self.unit:,}円{ROUNDING_LABELS[self.mode]}"


@dataclass(frozen=True)
class RatingTable:
    sales_bands: tuple[SalesBand, ...]
    business_factors: Mapping[str, Decimal]
    plan_factors: Mapping[str, Decimal]
    score_bands: tuple[ScoreBand, ...]  # highest min_score first
    group_discount: Decimal
    rounding: Rounding = field(default_factory=Rounding)
    minimum_premium: int = 0
    # Which factor applies when a business holds several 業務: the highest (the riskiest service sets the rate).
    business_factor_rule: str = "max"

    def band_for(self, annual_sales: int) -> SalesBand:
        for band in self.sales_bands:
            if band.up_to is None or annual_sales <= band.up_to:
                return band
        top = self.sales_bands[-1].up_to or 0
        raise RatingError(
            f"売上高が料率表の範囲（{_oku_man(top)}）を超えるため、個別のお見積りとなります。取扱代理店にご相談ください。",
            field="annual_sales",
        )

    def score_discount(self, score: int | None) -> ScoreBand | None:
        if score is None:
            return None
        for band in self.score_bands:
            if score >= band.min_score:
                return band
        return None


@dataclass(frozen=True)
class RatingInput:
    annual_sales: int
    business_codes: tuple[str, ...]
    plan: str
    security_score: int | None = None


@dataclass(frozen=True)
class Step:
    """One line of the breakdown: what was applied and the running amount after it (exact, unrounded)."""

    code: str
    label: str
    factor: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PremiumBreakdown:
    plan: str
    sales_band: str
    base_premium: int
    business_code: str
    business_factor: Decimal
    plan_factor: Decimal
    security_score: int | None
    security_discount: Decimal
    group_discount: Decimal
    unrounded: Decimal
    annual_premium: int
    steps: tuple[Step, ...]
    rounding: str
    minimum_applied: bool = False
    months: int | None = None  # remaining months for a mid-term joiner
    months_in_period: int = 12
    premium: int = 0  # what is payable: the annual premium, or its pro-rata share

    def as_dict(self) -> dict:
        """JSON-safe form (decimals as strings) stored on the quote."""
        return {
            "plan": self.plan,
            "sales_band": self.sales_band,
            "base_premium": self.base_premium,
            "business_code": self.business_code,
            "business_label": business_label(self.business_code),
            "business_factor": str(self.business_factor),
            "plan_factor": str(self.plan_factor),
            "security_score": self.security_score,
            "security_discount": str(self.security_discount),
            "group_discount": str(self.group_discount),
            "unrounded": str(self.unrounded),
            "annual_premium": self.annual_premium,
            "rounding": self.rounding,
            "minimum_applied": self.minimum_applied,
            "months": self.months,
            "months_in_period": self.months_in_period,
            "premium": self.premium,
            "steps": [
                {"code": s.code, "label": s.label, "factor": str(s.factor), "amount": str(s.amount)}
                for s in self.steps
            ],
        }


def _oku_man(yen: int) -> str:
    if yen % 100_000_000 == 0:
        return f"{yen // 100_000_000:,}億円"
    if yen % 10_000 == 0:
        return f"{yen // 10_000:,}万円"
    return f"{yen:,}円"


def _dec(value, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{where} は数値で指定してください。", field=where) from None
    if not result.is_finite():
        raise InvalidInput(f"{where} は数値で指定してください。", field=where)
    return result


def _int(value, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(f"{where} は{minimum}以上の整数（円）で指定してください。", field=where)
    return value


def _rate(value, where: str) -> Decimal:
    rate = _dec(value, where)
    if not (Decimal(0) <= rate < Decimal(1)):
        raise InvalidInput(f"{where} は0以上1未満の割合で指定してください。", field=where)
    return rate


def rating_table_from_dict(data: Mapping) -> RatingTable:
    """Build and validate a rating table from the year file's ``rating`` section. Raises InvalidInput."""
    if not isinstance(data, Mapping):
        raise InvalidInput("rating がありません。", field="rating")
    raw_bands = data.get("sales_bands") or []
    if not raw_bands:
        raise InvalidInput("rating.sales_bands がありません。", field="rating.sales_bands")
    bands: list[SalesBand] = []
    for i, raw in enumerate(raw_bands):
        where = f"rating.sales_bands[{i}]"
        up_to = raw.get("up_to")
        band = SalesBand(
            up_to=None if up_to is None else _int(up_to, f"{where}.up_to", minimum=1),
            base_premium=_int(raw.get("base_premium"), f"{where}.base_premium", minimum=1),
        )
        if bands and (bands[-1].up_to is None or (band.up_to is not None and band.up_to <= bands[-1].up_to)):
            raise InvalidInput(f"{where}: 売上高の区分は昇順に並べてください。", field=where)
        bands.append(band)

    factors = data.get("business_factors") or {}
    unknown = sorted(set(factors) - set(BY_CODE))
    if unknown:
        raise InvalidInput(f"rating.business_factors に不明な業務コードがあります: {', '.join(unknown)}")
    missing = sorted(set(BY_CODE) - set(factors))
    if missing:
        raise InvalidInput(f"rating.business_factors に係数のない業務があります: {', '.join(missing)}")
    business_factors = {code: _dec(v, f"rating.business_factors.{code}") for code, v in factors.items()}

    plan_factors = {
        str(k): _dec(v, f"rating.plan_factors.{k}") for k, v in (data.get("plan_factors") or {}).items()
    }
    if not plan_factors:
        raise InvalidInput("rating.plan_factors がありません。", field="rating.plan_factors")
    for where, value in [(f"rating.business_factors.{k}", v) for k, v in business_factors.items()] + [
        (f"rating.plan_factors.{k}", v) for k, v in plan_factors.items()
    ]:
        if value <= 0:
            raise InvalidInput(f"{where} は正の数で指定してください。", field=where)

    score_bands = tuple(
        sorted(
            (
                ScoreBand(
                    min_score=int(raw["min_score"]),
                    discount=_rate(raw.get("discount", 0), f"rating.security_discounts[{i}].discount"),
                    label=str(raw.get("label", "")),
                )
                for i, raw in enumerate(data.get("security_discounts") or [])
            ),
            key=lambda b: -b.min_score,
        )
    )
    rounding_raw = data.get("rounding") or {}
    rounding = Rounding(
        unit=_int(rounding_raw.get("unit", 10), "rating.rounding.unit", minimum=1),
        mode=str(rounding_raw.get("mode", "floor")),
    )
    if rounding.mode not in ROUNDING_MODES:
        raise InvalidInput(
            "rating.rounding.mode は floor / ceil / half_up のいずれかです。", field="rating.rounding.mode"
        )
    rule = str(data.get("business_factor_rule", "max"))
    if rule != "max":
        raise InvalidInput(
            "rating.business_factor_rule は max のみ対応しています。", field="rating.business_factor_rule"
        )
    return RatingTable(
        sales_bands=tuple(bands),
        business_factors=business_factors,
        plan_factors=plan_factors,
        score_bands=score_bands,
        group_discount=_rate(data.get("group_discount", 0), "rating.group_discount"),
        rounding=rounding,
        minimum_premium=_int(data.get("minimum_premium", 0), "rating.minimum_premium"),
        business_factor_rule=rule,
    )


def _validate_input(table: RatingTable, rating_input: RatingInput) -> None:
    sales = rating_input.annual_sales
    if isinstance(sales, bool) or not isinstance(sales, int) or sales < 0:
        raise InvalidInput("売上高は0以上の整数（円）で入力してください。", field="annual_sales")
    if not rating_input.business_codes:
        raise InvalidInput("認定業務を1つ以上選んでください。", field="business_codes")
    unknown = [c for c in rating_input.business_codes if c not in table.business_factors]
    if unknown:
        raise InvalidInput(f"不明な業務コードです: {', '.join(unknown)}", field="business_codes")
    if rating_input.plan not in table.plan_factors:
        raise InvalidInput(f"プラン {rating_input.plan} は料率表にありません。", field="plan")
    score = rating_input.security_score
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX
    ):
        raise InvalidInput(
            f"セキュリティ自己診断の点数は{SCORE_MIN}〜{SCORE_MAX}点で入力してください。",
            field="security_score",
        )


def annual_premium(table: RatingTable, rating_input: RatingInput) -> PremiumBreakdown:
    """The annual premium of one plan with its breakdown. Raises InvalidInput / RatingError on bad input."""
    _validate_input(table, rating_input)
    band = table.band_for(rating_input.annual_sales)
    # The riskiest certified service sets the factor (rule "max"); ties go to the first code as given.
    business_code = max(rating_input.business_codes, key=lambda c: table.business_factors[c])
    business_factor = table.business_factors[business_code]
    plan_factor = table.plan_factors[rating_input.plan]
    score_band = table.score_discount(rating_input.security_score)
    security_discount = score_band.discount if score_band else Decimal(0)

    amount = Decimal(band.base_premium)
    steps = [Step("base", f"基本保険料（売上高 {band.label}）", Decimal(1), amount)]
    amount *= business_factor
    steps.append(Step("business", f"業務係数（{business_label(business_code)}）", business_factor, amount))
    amount *= plan_factor
    steps.append(Step("plan", f"プラン係数（プラン{rating_input.plan}）", plan_factor, amount))
    amount *= 1 - security_discount
    score_text = "未回答" if rating_input.security_score is None else f"{rating_input.security_score}点"
    steps.append(
        Step("security", f"セキュリティ割引（自己診断 {score_text}）", 1 - security_discount, amount)
    )
    amount *= 1 - table.group_discount
    steps.append(Step("group", "団体割引", 1 - table.group_discount, amount))

    rounded = table.rounding.apply(amount)
    minimum_applied = rounded < table.minimum_premium
    annual = max(rounded, table.minimum_premium)
    return PremiumBreakdown(
        plan=rating_input.plan,
        sales_band=band.label,
        base_premium=band.base_premium,
        business_code=business_code,
        business_factor=business_factor,
        plan_factor=plan_factor,
        security_score=rating_input.security_score,
        security_discount=security_discount,
        group_discount=table.group_discount,
        unrounded=amount,
        annual_premium=annual,
        steps=tuple(steps),
        rounding=table.rounding.label,
        minimum_applied=minimum_applied,
        premium=annual,
    )


def pro_rata(table: RatingTable, annual: int, months: int, months_in_period: int = 12) -> int:
    """A mid-term joiner's premium: the annual premium × remaining months / months in the period, rounded as the
    table says (mid-term joining rule: premium pro rata by remaining months; JNX group scheme precedent §2.2)."""
    if not 0 < months <= months_in_period:
        raise InvalidInput("残り月数は1か月以上・保険期間の月数以下です。", field="months")
    if months == months_in_period:
        return annual
    return table.rounding.apply(Decimal(annual) * months / months_in_period)


def quote_premium(
    table: RatingTable, rating_input: RatingInput, *, months: int | None = None, months_in_period: int = 12
) -> PremiumBreakdown:
    """The premium payable for one plan: annual, or pro rata when ``months`` (remaining months) is given."""
    breakdown = annual_premium(table, rating_input)
    if months is None:
        return breakdown
    payable = pro_rata(table, breakdown.annual_premium, months, months_in_period)
    return PremiumBreakdown(
        **{
            **breakdown.__dict__,
            "months": months,
            "months_in_period": months_in_period,
            "premium": payable,
        }
    )
