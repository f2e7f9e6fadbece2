"""Exposure estimate: damages by the JNSA JO model and response costs from JNSA reference values.

Sources: insurance-and-sector.md §3.3 (JO model) and §3.1 (JNSA 第2版 SME reference values). All money is int yen.

JO model, per leaked person:
    想定損害賠償額 = 500 × (10^(x−1) + 5^(y−1)) × 本人特定容易度 × 社会的責任度 × 事後対応評価
x = highest 精神的苦痛 level (1–3) and y = highest 経済的損失 level (1–3) over the leaked items; 本人特定容易度 6 when
氏名 and 住所 are both included, 3 for 氏名 alone or 住所 + 電話番号, else 1; 社会的責任度 and 事後対応評価 are 1 or 2.
The incident total is per-person value × persons (the domain file's inference, as JNSA publishes both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sonae.core.errors import InvalidInput

from .data_items import DATA_ITEM_LABELS

BASE_VALUE = 500  # 基礎情報価値 (§3.3)

# (x = 精神的苦痛, y = 経済的損失) per data item of the duties vocabulary. Items named on the JNSA EP map (§3.3,
# 2003 report examples) take its cell; the others take the cell of the nearest named example, and where two cells
# could apply the higher one (conservative, as the duties engine reads open points).
EP_LEVELS: dict[str, tuple[int, int]] = {
    # (1,1): 氏名・住所・生年月日・電話・健康保険証番号 等
    "name": (1, 1),
    "name_kana": (1, 1),
    "address": (1, 1),
    "postal_code": (1, 1),
    "birth_date": (1, 1),
    "sex": (1, 1),
    "phone": (1, 1),
    "email": (1, 1),
    "patient_id": (1, 1),
    "employee_id": (1, 1),
    "device_log": (1, 1),
    "lifestyle": (1, 1),
    "insurance_card_number": (1, 1),
    # (1,2): パスポート番号, ISP ID/PW — identifiers and credentials that enable misuse but not payment
    "license_number": (1, 2),
    "my_number": (1, 2),
    "pension_number": (1, 2),
    "login_credentials": (1, 2),
    "bank_account": (1, 2),
    # (1,3): 口座番号+暗証番号, カード番号・有効期限 — and credentials of services that can pay or transfer
    "credit_card": (1, 3),
    "bank_account_pin": (1, 3),
    "payment_credentials": (1, 3),
    # (2,1): 健康診断書, 手術歴, 検査記録, 病歴 — and other records that reveal medical care
    "medical_history": (2, 1),
    "test_results": (2, 1),
    "health_checkup": (2, 1),
    "surgery": (2, 1),
    "medication": (2, 1),
    "hospital_visit": (2, 1),
    "ward": (2, 1),
    "diet_order": (2, 1),
    "allergy": (2, 1),
    "lifestyle_medical": (2, 1),
    # (2,2): 年収・資産・借金
    "salary": (2, 2),
    # (3,1): 病状, カルテ, 障害; 感染症 is 精神的苦痛 3 in the thinkit table. The EP map also lists 身体障害者手帳 at
    # (2,1); the higher cell is taken for the fact of a disability.
    "infection": (3, 1),
    "disability": (3, 1),
    # (3,1) 信条・宗教 and (3,3) 前科: the item bundles 信条 and 犯罪歴, so the higher cell applies.
    "other_sensitive": (3, 3),
}

IDENTIFIABILITY_EASY = 6
IDENTIFIABILITY_SOME = 3
IDENTIFIABILITY_HARD = 1
NAME_ITEMS = frozenset({"name", "name_kana"})  # the kana reading of a name is a name


def sensitivity(x: int, y: int) -> int:
    """機微情報度 = 10^(x−1) + 5^(y−1) (§3.3)."""
    if x not in (1, 2, 3) or y not in (1, 2, 3):
        raise InvalidInput("精神的苦痛・経済的損失のレベルは1〜3です。", field="levels")
    return 10 ** (x - 1) + 5 ** (y - 1)


def identifiability(items: Iterable[str]) -> int:
    """本人特定容易度 (§3.3): 6 with 氏名 and 住所; 3 with 氏名, or 住所 and 電話番号; else 1."""
    present = set(items)
    has_name = bool(present & NAME_ITEMS)
    if has_name and "address" in present:
        return IDENTIFIABILITY_EASY
    if has_name or {"address", "phone"} <= present:
        return IDENTIFIABILITY_SOME
    return IDENTIFIABILITY_HARD


def jo_value_per_person(
    *, x: int, y: int, identifiability: int, social_responsibility: int = 1, response_evaluation: int = 1
) -> int:
    """想定損害賠償額 per person (§3.3): 500 × 機微情報度 × 本人特定容易度 × 社会的責任度 × 事後対応評価."""
    if identifiability not in (IDENTIFIABILITY_EASY, IDENTIFIABILITY_SOME, IDENTIFIABILITY_HARD):
        raise InvalidInput("本人特定容易度は6・3・1のいずれかです。", field="identifiability")
    if social_responsibility not in (1, 2):
        raise InvalidInput("社会的責任度は1か2です。", field="social_responsibility")
    if response_evaluation not in (1, 2):
        raise InvalidInput("事後対応評価は1か2です。", field="response_evaluation")
    return BASE_VALUE * sensitivity(x, y) * identifiability * social_responsibility * response_evaluation


@dataclass(frozen=True)
class JoBreakdown:
    privacy_level: int  # x
    economic_level: int  # y
    privacy_items: tuple[str, ...]  # the items that set x
    economic_items: tuple[str, ...]  # the items that set y
    sensitivity: int
    identifiability: int
    social_responsibility: int
    response_evaluation: int
    per_person: int


def validate_items(items: Iterable[str]) -> tuple[str, ...]:
    """Known item codes, de-duplicated in vocabulary order; at least one."""
    given = list(items or ())
    unknown = sorted({c for c in given if c not in EP_LEVELS or c not in DATA_ITEM_LABELS})
    if unknown:
        raise InvalidInput(f"不明な情報の種類です：{', '.join(unknown)}", field="data_items")
    if not given:
        raise InvalidInput("保有している個人情報の種類を1つ以上選んでください。", field="data_items")
    return tuple(code for code in DATA_ITEM_LABELS if code in set(given))


def jo_breakdown(
    items: Iterable[str], *, social_responsibility: int = 1, response_evaluation: int = 1
) -> JoBreakdown:
    """The JO-model factors and per-person value for a set of leaked items."""
    codes = validate_items(items)
    x = max(EP_LEVELS[c][0] for c in codes)
    y = max(EP_LEVELS[c][1] for c in codes)
    ident = identifiability(codes)
    return JoBreakdown(
        privacy_level=x,
        economic_level=y,
        privacy_items=tuple(c for c in codes if EP_LEVELS[c][0] == x),
        economic_items=tuple(c for c in codes if EP_LEVELS[c][1] == y),
        sensitivity=sensitivity(x, y),
        identifiability=ident,
        social_responsibility=social_responsibility,
        response_evaluation=response_evaluation,
        per_person=jo_value_per_person(
            x=x,
            y=y,
            identifiability=ident,
            social_responsibility=social_responsibility,
            response_evaluation=response_evaluation,
        ),
    )


# --- response costs (JNSA インシデント損害額調査レポート 第2版, SME reference values, §3.1) ------------------------

LETTER_PER_PERSON = 130  # DM to 10,000 people ≈ ¥1.3M
CONDOLENCE_PER_PERSON = 650  # prepaid cards to 10,000 people ≈ ¥6.5M incl. handling
CALL_CENTRE_3_MONTHS = (7_000_000, 10_000_000)
CREDIT_MONITORING_PER_MONTH = (1_000_000, 5_000_000)
# 「数百万円〜数千万円」 for system recovery and for recurrence prevention: Sonae reads the range as ¥3M–¥30M.
SEVERAL_TO_TENS_OF_MILLIONS = (3_000_000, 30_000_000)
CARD_ITEMS = frozenset({"credit_card"})


@dataclass(frozen=True)
class CostLine:
    code: str
    coverage_item: str  # sonae.programme.coverage_items code
    label: str
    low: int
    high: int
    basis: str


@dataclass(frozen=True)
class ExposureInputs:
    data_items: tuple[str, ...]
    persons: int
    social_responsibility: int = 1
    response_evaluation: int = 1
    response_months: int = 3
    system_damage: bool = False


@dataclass(frozen=True)
class ExposureEstimate:
    inputs: ExposureInputs
    jo: JoBreakdown
    damages: int
    cost_lines: tuple[CostLine, ...]
    costs_low: int
    costs_high: int
    assumptions: tuple[str, ...]
    not_included: tuple[str, ...] = field(default_factory=tuple)

    @property
    def total_low(self) -> int:
        return self.damages + self.costs_low

    @property
    def total_high(self) -> int:
        return self.damages + self.costs_high


def validate_inputs(
    *,
    data_items: Iterable[str],
    persons,
    social_responsibility=1,
    response_evaluation=1,
    response_months=3,
    system_damage=False,
) -> ExposureInputs:
    """Checked inputs for :func:`estimate_exposure` (raises ``InvalidInput`` with a Japanese message)."""
    codes = validate_items(data_items)
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
        raise InvalidInput("人数は1以上の整数で入力してください。", field="persons")
    if persons > 100_000_000:
        raise InvalidInput("人数が大きすぎます（1億人まで）。", field="persons")
    if (
        isinstance(response_months, bool)
        or not isinstance(response_months, int)
        or not 1 <= response_months <= 24
    ):
        raise InvalidInput("対応期間は1〜24か月で入力してください。", field="response_months")
    if social_responsibility not in (1, 2):
        raise InvalidInput("社会的責任度は1か2です。", field="social_responsibility")
    if response_evaluation not in (1, 2):
        raise InvalidInput("事後対応評価は1か2です。", field="response_evaluation")
    return ExposureInputs(
        data_items=codes,
        persons=persons,
        social_responsibility=social_responsibility,
        response_evaluation=response_evaluation,
        response_months=response_months,
        system_damage=bool(system_damage),
    )


def response_costs(inputs: ExposureInputs) -> tuple[CostLine, ...]:
    """Response-cost lines from the JNSA SME reference values (§3.1), scaled to the persons and months given."""
    persons, months = inputs.persons, inputs.response_months
    lines = [
        CostLine("investigation", "investigation", "事故原因・被害範囲の調査", 3_000_000, 4_000_000,
                 "JNSA参考値：300万〜400万円"),
        CostLine("consulting", "recurrence_prevention", "コンサルティング", 100_000, 1_000_000,
                 "JNSA参考値：10万〜100万円"),
        CostLine("legal_advice", "legal_advice", "弁護士への相談", 300_000, 1_000_000,
                 "JNSA参考値：30万〜100万円"),
        CostLine("letters", "apology_letter", "お詫び状の送付", persons * LETTER_PER_PERSON,
                 persons * LETTER_PER_PERSON,
                 f"JNSA参考値：1万人へのDMで約130万円 → 1人{LETTER_PER_PERSON}円 × {persons:,}人"),
        CostLine("newspaper_ad", "apology_ad", "お知らせの新聞広告（地方紙）", 500_000, 500_000,
                 "JNSA参考値：地方紙への掲載で約50万円"),
        CostLine("call_centre", "call_center", "コールセンター", CALL_CENTRE_3_MONTHS[0] * months // 3,
                 CALL_CENTRE_3_MONTHS[1] * months // 3,
                 f"JNSA参考値：3か月で700万〜1,000万円 → {months}か月分"),
        CostLine("condolence", "condolence", "見舞品（プリペイドカード等）", persons * CONDOLENCE_PER_PERSON,
                 persons * CONDOLENCE_PER_PERSON,
                 f"JNSA参考値：1万人へのプリペイドカードで約650万円 → 1人{CONDOLENCE_PER_PERSON}円 × {persons:,}人"),
    ]  # fmt: skip
    if CARD_ITEMS & set(inputs.data_items):
        lines.append(
            CostLine("credit_monitoring", "recurrence_prevention", "クレジット情報のモニタリング",
                     CREDIT_MONITORING_PER_MONTH[0] * months, CREDIT_MONITORING_PER_MONTH[1] * months,
                     f"JNSA参考値：1か月100万〜500万円 × {months}か月")
        )  # fmt: skip
    if inputs.system_damage:
        low, high = SEVERAL_TO_TENS_OF_MILLIONS
        lines.append(CostLine("system_recovery", "data_recovery", "システム・データの復旧", low, high,
                              "JNSA参考値：数百万〜数千万円（本試算では300万〜3,000万円）"))  # fmt: skip
        lines.append(CostLine("recurrence_prevention", "recurrence_prevention", "再発防止策の実施", low, high,
                              "JNSA参考値：数百万〜数千万円（本試算では300万〜3,000万円）"))  # fmt: skip
    return tuple(lines)


NOT_INCLUDED: tuple[str, ...] = (
    "ネット炎上への対応（JNSA参考値：場合により300万〜900万円）",
    "ダークウェブの調査（JNSA参考値：数百万円以上）",
    "従業員の超過勤務の人件費（事案により大きく異なる）",
    "営業停止による利益の減少（利益損害）",
)


def _assumptions(inputs: ExposureInputs, jo: JoBreakdown) -> tuple[str, ...]:
    labels = DATA_ITEM_LABELS
    return (
        "損害賠償額はJNSAの「JOモデル」で、漏えいした1人あたりの想定額に人数を掛けて求めています。",
        f"精神的苦痛のレベル{jo.privacy_level}（{'・'.join(labels[c] for c in jo.privacy_items)}）、"
        f"経済的損失のレベル{jo.economic_level}（{'・'.join(labels[c] for c in jo.economic_items)}）から、"
        f"機微情報度は{jo.sensitivity}です。",
        f"本人特定容易度は{jo.identifiability}です（氏名と住所があれば6、氏名だけ・住所と電話番号なら3、それ以外は1）。",
        f"社会的責任度は{jo.social_responsibility}、事後対応評価は{jo.response_evaluation}としています"
        "（事故後の対応が不適切だと評価されると2倍になります）。",
        "対応費用はJNSA「インシデント損害額調査レポート 第2版」の中小企業向け参考値によります。"
        "実際の費用は事案の内容や業者によって大きく変わります。",
        f"コールセンター等の対応期間は{inputs.response_months}か月としています。",
        "試算であり、保険金の支払額を示すものではありません。補償の範囲・条件はご契約の約款によります。",
    )


def estimate_exposure(inputs: ExposureInputs) -> ExposureEstimate:
    """Damages (JO model × persons) and response costs (low–high) with the assumptions in plain Japanese."""
    jo = jo_breakdown(
        inputs.data_items,
        social_responsibility=inputs.social_responsibility,
        response_evaluation=inputs.response_evaluation,
    )
    lines = response_costs(inputs)
    return ExposureEstimate(
        inputs=inputs,
        jo=jo,
        damages=jo.per_person * inputs.persons,
        cost_lines=lines,
        costs_low=sum(line.low for line in lines),
        costs_high=sum(line.high for line in lines),
        assumptions=_assumptions(inputs, jo),
        not_included=NOT_INCLUDED,
    )


def cover_percent(limit: int, amount: int) -> int:
    """How much of ``amount`` a limit covers, in whole percent rounded down, at most 100."""
    if amount <= 0:
        return 100
    return min(100, limit * 100 // amount)


def estimate_to_dict(estimate: ExposureEstimate) -> dict:
    """A JSON-ready form of an estimate (stored with saved estimates and returned by the API)."""
    inputs, jo = estimate.inputs, estimate.jo
    return {
        "inputs": {
            "data_items": list(inputs.data_items),
            "persons": inputs.persons,
            "social_responsibility": inputs.social_responsibility,
            "response_evaluation": inputs.response_evaluation,
            "response_months": inputs.response_months,
            "system_damage": inputs.system_damage,
        },
        "jo": {
            "privacy_level": jo.privacy_level,
            "economic_level": jo.economic_level,
            "privacy_items": list(jo.privacy_items),
            "economic_items": list(jo.economic_items),
            "sensitivity": jo.sensitivity,
            "identifiability": jo.identifiability,
            "social_responsibility": jo.social_responsibility,
            "response_evaluation": jo.response_evaluation,
            "per_person": jo.per_person,
        },
        "damages": estimate.damages,
        "costs": [
            {
                "code": line.code,
                "coverage_item": line.coverage_item,
                "label": line.label,
                "low": line.low,
                "high": line.high,
                "basis": line.basis,
            }
            for line in estimate.cost_lines
        ],
        "costs_low": estimate.costs_low,
        "costs_high": estimate.costs_high,
        "total_low": estimate.total_low,
        "total_high": estimate.total_high,
        "assumptions": list(estimate.assumptions),
        "not_included": list(estimate.not_included),
    }


def items_summary(codes: Sequence[str]) -> str:
    """Japanese labels of item codes joined for display."""
    return "・".join(DATA_ITEM_LABELS.get(c, c) for c in codes)
