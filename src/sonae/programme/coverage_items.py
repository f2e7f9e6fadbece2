"""The vocabulary of coverage parts and items shared by programme terms, playbook tasks, expenses and claims.

Pure module. Codes are stable (they appear in programme data files, the claims contract and the API); labels are
what users see. Which items a plan actually covers, with which sublimits, is programme *data*, not this list.
"""

from __future__ import annotations

PARTS: dict[str, str] = {
    "liability": "賠償責任",
    "costs": "各種対応費用",
    "business_interruption": "利益損害・営業継続費用",
}

# item code -> (part, Japanese label)
ITEMS: dict[str, tuple[str, str]] = {
    "damages": ("liability", "損害賠償金"),
    "litigation": ("liability", "争訟費用"),
    "cooperation": ("liability", "協力費用"),
    "investigation": ("costs", "事故原因・被害範囲調査費用"),
    "call_center": ("costs", "コールセンター・問い合わせ対応費用"),
    "temporary_staff": ("costs", "人員増強（臨時雇用）費用"),
    "apology_ad": ("costs", "謝罪広告費用"),
    "press_conference": ("costs", "記者会見費用"),
    "apology_letter": ("costs", "お詫び状作成・送付費用"),
    "condolence": ("costs", "見舞金・見舞品費用"),
    "recurrence_prevention": ("costs", "再発防止策費用（コンサルティング等）"),
    "data_recovery": ("costs", "データ・システム復旧費用"),
    "regulatory": ("costs", "公的機関への報告・届出費用"),
    "legal_advice": ("costs", "弁護士等への相談費用"),
    "equipment": ("costs", "対策本部の機器・備品費用（複合機の増設等）"),
    "lost_profit": ("business_interruption", "喪失利益"),
    "continuity_costs": ("business_interruption", "営業継続費用"),
}


def item_label(code: str) -> str:
    return ITEMS[code][1] if code in ITEMS else code


def part_of(code: str) -> str | None:
    return ITEMS[code][0] if code in ITEMS else None
