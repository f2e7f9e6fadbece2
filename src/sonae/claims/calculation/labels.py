"""Japanese labels for the parts, items and reasons of the claim calculation (for screens and documents).

Item keys are those used in coverage terms; an item without a label here is shown by its key
(``item_label``) so new items in a plan never break a screen.
"""

from __future__ import annotations

PART_LABELS: dict[str, str] = {
    "liability": "損害賠償責任",
    "costs": "サイバーセキュリティ事故対応費用",
    "business_interruption": "事業中断",
}

# insurance-and-sector.md §2.1, §2.4 (Tokio Marine / Sompo item lists) and the programme flyer's chain of costs.
ITEM_LABELS: dict[str, str] = {
    # liability
    "damages": "損害賠償金",
    "litigation": "争訟費用",
    "cooperation": "協力費用",
    # costs
    "investigation": "原因・被害範囲調査費用",
    "attack_response": "サイバー攻撃対応費用",
    "call_center": "コールセンター費用",
    "temporary_staff": "臨時雇用・超過勤務費用",
    "apology_advertisement": "謝罪広告費用",
    "press_conference": "記者会見費用",
    "apology_letters": "謝罪文作成・送付費用",
    "condolence": "見舞金・見舞品費用",
    "recurrence_prevention": "再発防止費用",
    "data_recovery": "データ復旧費用",
    "regulatory_reporting": "公的機関への報告等の費用",
    "consultation": "相談費用（弁護士等）",
    "reputation": "風評被害拡大防止費用",
    "equipment": "対策本部の機器・備品費用",
    # business interruption
    "lost_profit": "喪失利益",
    "continuation_costs": "営業継続費用",
}

REASON_LABELS: dict[str, str] = {
    "not_covered": "補償対象外の費用です",
    "no_consent": "保険会社の同意がありません",
    "no_prior_approval": "保険会社の事前承認がありません",
    "capped_per_person": "1名・1法人あたりの上限額を適用しました",
    "pay_ratio": "縮小支払割合を適用しました",
    "sublimit": "支払限度額（内枠）に達しました",
    "deductible": "免責金額（自己負担額）を差し引きました",
    "limit": "支払限度額に達しました",
}


def part_label(key: str) -> str:
    """The Japanese name of a part, or the key itself when unknown."""
    return PART_LABELS.get(key, key)


def item_label(key: str) -> str:
    """The Japanese name of a coverage item, or the key itself when it has no label."""
    return ITEM_LABELS.get(key, key)


def reason_label(code: str) -> str:
    """The Japanese explanation of a reason code, or the code itself when unknown."""
    return REASON_LABELS.get(code, code)
