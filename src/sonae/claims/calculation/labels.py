"""Japanese labels for the parts, items and reasons of the claim calculation (for screens and documents).

Part and item labels come from the shared vocabulary in ``sonae.programme.coverage_items`` (one source for
programme terms, playbook tasks, expenses and claims); reason labels belong to the calculation and live here.
An unknown key is shown as itself so a new item in a plan never breaks a screen.
"""

from __future__ import annotations

from sonae.programme import coverage_items

PART_LABELS: dict[str, str] = dict(coverage_items.PARTS)
ITEM_LABELS: dict[str, str] = {code: label for code, (_part, label) in coverage_items.ITEMS.items()}

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
    return coverage_items.item_label(key)


def reason_label(code: str) -> str:
    """The Japanese explanation of a reason code, or the code itself when unknown."""
    return REASON_LABELS.get(code, code)
