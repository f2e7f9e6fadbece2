"""The determination's Japanese texts: one function per reason, plus the questions of the declared facts."""

from __future__ import annotations

from datetime import datetime

from sonae.duties.rules import CAUSE_LABELS
from sonae.incidents.triage import CATEGORIES
from sonae.jp.wareki import format_datetime_ja
from sonae.programme.cover_terms import EXCLUSIONS, RIDERS, TRIGGERS
from sonae.programme.coverage_items import PARTS

from .causes import FROM_CATEGORY, FROM_CAUSE, FROM_DATA_AT_RISK
from .model import Cause, PolicyPeriod

# The questions the insurer answers (該当する / 該当しない / 未確認) for each exclusion.
FACT_QUESTIONS: dict[str, str] = {
    "war_terror": "戦争・外国の武力行使・暴動・テロ行為に起因する事故ですか",
    "nuclear": "核燃料物質・放射線・放射能汚染に起因する事故ですか",
    "wilful_act": "保険契約者・被保険者（法人・役員）が故意に起こした事故ですか",
    "insured_crime": "被保険者（法人・役員）の犯罪行為（過失犯を除く）に起因する事故ですか",
    "knowing_law_violation": "被保険者が法令違反と認識しながら行った行為に起因する事故ですか",
    "known_before_inception": "被保険者が保険期間の開始前（加入前）からこの事故・その原因を知っていましたか",
    "earthquake_natural_disaster": "地震・噴火・津波・洪水・高潮等の自然災害に起因する事故ですか",
    "contractual_liability_beyond_law": "契約で法律上の責任を超える賠償責任を負っている部分がありますか",
    "bodily_injury_property_damage": "身体の障害・財物の損壊（紙・記録媒体を除く）に対する賠償責任ですか",
}


def _when(instant: datetime) -> str:
    return format_datetime_ja(instant, seconds=instant.second != 0)


def _period(period: PolicyPeriod) -> str:
    return f"{_when(period.start)}〜{_when(period.end)}"


def _parts(parts) -> str:
    return "・".join(f"「{PARTS.get(p, p)}」" for p in parts)


def no_policy(discovered_at: datetime | None) -> str:
    when = f"発覚日時（{_when(discovered_at)}）に" if discovered_at else ""
    return f"{when}有効な保険契約がありません。保険期間外に発覚した事故、未加入・解約後の事故は補償の対象外です。"


def terms_missing() -> str:
    return (
        "この契約の制度年度データに補償判定の条件（補償の対象となる事由・免責事由）が登録されていないため、"
        "保険会社の確認が必要です。"
    )


def discovery_unknown() -> str:
    return "発覚日時が登録されていないため、保険期間中に発見された事故かどうか判断できません。発覚日時を確認してください。"


def discovery_assumed(instant: datetime) -> str:
    return f"発覚日時が未登録のため、受付日時（{_when(instant)}）を発覚日時とみなして判定しました。"


def discovered_in_period(instant: datetime, period: PolicyPeriod) -> str:
    return f"発覚日時（{_when(instant)}）は保険期間（{_period(period)}）の中です。"


def discovered_before_start(instant: datetime, period: PolicyPeriod) -> str:
    return (
        f"発覚日時（{_when(instant)}）は保険期間の開始（{_when(period.start)}）より前のため、"
        "この契約の補償の対象外です（保険期間は開始日時ちょうどから補償します）。"
    )


def discovered_after_end(instant: datetime, period: PolicyPeriod) -> str:
    return (
        f"発覚日時（{_when(instant)}）は保険期間の終了（{_when(period.end)}）以後のため、この契約の補償の対象外です"
        "（終了日時ちょうどに発覚した事故は、更新後の契約で判定します）。"
    )


def _source(cause: Cause, source: str) -> str:
    if source == FROM_CAUSE:
        return f"原因「{CAUSE_LABELS.get(cause.cause, cause.cause)}」"
    if source == FROM_CATEGORY:
        return f"分類「{CATEGORIES.get(cause.category, cause.category)}」"
    if source == FROM_DATA_AT_RISK:
        return "個人データが漏えい等のおそれにあること"
    return ""


def trigger_covered(trigger: str, cause: Cause, source: str) -> str:
    return (
        f"{_source(cause, source)}から、補償の対象となる事由「{TRIGGERS[trigger]}」に当たると判断しました。"
    )


def trigger_unknown(cause: Cause) -> str:
    known = "、".join(TRIGGERS.values())
    what = ""
    if cause.cause:
        what = f"原因「{CAUSE_LABELS.get(cause.cause, cause.cause)}」"
    elif cause.category:
        what = f"分類「{CATEGORIES.get(cause.category, cause.category)}」"
    subject = f"{what}からは、" if what else "原因が分からないため、"
    return (
        f"{subject}補償の対象となる事由（{known}）のどれに当たるか判断できません。保険会社の確認が必要です。"
    )


def trigger_not_in_plan(trigger: str, plan: str) -> str:
    return f"事由「{TRIGGERS[trigger]}」は、プラン{plan}の補償の対象となる事由に含まれていません。"


def trigger_needs_rider(trigger: str, rider: str, plan: str) -> str:
    return (
        f"事由「{TRIGGERS[trigger]}」は「{RIDERS[rider]}」がセットされた契約に限り補償します。"
        f"この契約（プラン{plan}）にはセットされていないため、補償の対象外です。"
    )


def part_not_for_trigger(trigger: str, part: str) -> str:
    return f"事由「{TRIGGERS[trigger]}」による事故は「{PARTS.get(part, part)}」の補償の対象外です。"


def part_not_in_plan(part: str, plan: str) -> str:
    return f"プラン{plan}には「{PARTS.get(part, part)}」の補償がありません。"


def exclusion_applies(code: str, parts) -> str:
    return f"免責事由「{EXCLUSIONS[code]}」に当たるため、{_parts(parts)}は補償されません。"


def exclusion_to_review(code: str) -> str:
    return f"免責事由「{EXCLUSIONS[code]}」に当たるおそれがあるため、保険会社の確認が必要です。"


def declared_known_circumstances() -> str:
    return (
        "加入時の告知事項で「保険金請求につながるおそれのある事実を認識している」と申告されています。"
        "今回の事故がその事実に起因するかどうか、保険会社の確認が必要です。"
    )


def declared_past_incidents() -> str:
    return "加入時の告知事項で、過去5年以内の情報漏えい等の事故が申告されています（補償の可否には影響しません）。"
