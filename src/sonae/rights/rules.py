"""Pure rules of individuals' rights requests (APPI art. 33-39). No Django imports."""

from __future__ import annotations

from datetime import date, timedelta

DISCLOSURE = "disclosure"
CORRECTION = "correction"
SUSPENSION = "suspension"
THIRD_PARTY = "third_party"

KIND_LABELS = {
    DISCLOSURE: "開示",
    CORRECTION: "訂正・追加・削除",
    SUSPENSION: "利用停止・消去",
    THIRD_PARTY: "第三者提供の停止",
}
# The article each kind rests on (shown with the answer-duty rule).
KIND_ARTICLES = {
    DISCLOSURE: "個人情報保護法33条",
    CORRECTION: "個人情報保護法34条",
    SUSPENSION: "個人情報保護法35条1項・5項",
    THIRD_PARTY: "個人情報保護法35条3項・5項",
}

COMPLY = "comply"
PARTLY = "partly"
REFUSE = "refuse"
ALTERNATIVE = "alternative"
DECISION_LABELS = {
    COMPLY: "請求に応じる",
    PARTLY: "一部応じる",
    REFUSE: "応じない（理由を付す）",
    ALTERNATIVE: "代替措置をとる",
}

DEFAULT_TARGET_DAYS = 14
# APPI art. 39: a lawsuit only after two weeks from the day the out-of-court request reached the business.
SUE_AFTER_DAYS = 14


def fee_allowed(kind: str) -> bool:
    """Only disclosure may carry a fee (APPI art. 38); correction, suspension and stop-of-provision may not."""
    return kind == DISCLOSURE


def target_date(received_on: date, days: int = DEFAULT_TARGET_DAYS) -> date:
    """The programme's target for the answer ("without delay" in art. 33-35; Sonae sets N calendar days)."""
    return received_on + timedelta(days=days)


def may_sue_from(received_on: date) -> date:
    """First day the requester may sue (art. 39(1): two weeks after the request arrived, unless refused earlier)."""
    return received_on + timedelta(days=SUE_AFTER_DAYS)


def is_late(*, target: date, answered_on: date | None, today: date) -> bool:
    """Late when answered after the target, or still unanswered after it."""
    return (answered_on or today) > target


def who_answers(*, entrusted: bool, by_contract: bool = False) -> tuple[str, str]:
    """("forward" | "self", the rule and its source in Japanese).

    Only the party holding the data as 保有個人データ must answer (law.md §8.2): for data entrusted by a hospital that
    is normally the hospital; the contractor forwards the request. The reading is UNSETTLED for specific contracts,
    so a contractor whose contract makes it answer on the hospital's behalf (``by_contract``) answers itself.
    """
    if entrusted and by_contract:
        return (
            "self",
            "委託を受けて取り扱う個人データ（通常は委託元の保有個人データ）ですが、委託契約に基づき委託元に代わって"
            "当社が請求に回答します。決定の内容は委託元にも報告してください（個人情報保護法33〜35条、委託先の立場）。",
        )
    if entrusted:
        return (
            "forward",
            "委託を受けて取り扱う個人データは、通常、委託元の医療機関の保有個人データです。開示等の請求に応じる義務は"
            "委託元にあるため、請求を委託元に転送し、請求者にその旨をお知らせします（個人情報保護法33〜35条、"
            "委託先の立場。個別の契約により異なる場合があります）。",
        )
    return (
        "self",
        "自社が取得・保有する個人データ（保有個人データ）のため、自社が請求に回答します（個人情報保護法33〜35条）。",
    )


def grounds_for_suspension(*, reportable_situation: bool, person_on_list: bool) -> tuple[bool, str]:
    """Art. 35(5): a reportable leak situation under art. 26(1) concerning this person's data gives the right."""
    if reportable_situation and person_on_list:
        return (
            True,
            "本人の個人データについて報告対象事態（法26条1項）が生じています（法35条5項の要件を満たす）。",
        )
    if not reportable_situation:
        return (
            False,
            "直近の法的義務の判定では報告対象事態に該当していません。他の根拠（法35条1項・5項）を確認してください。",
        )
    return False, "本人が対象者リストにありません。本人のデータが漏えい等の対象か確認してください。"


def restricts_person(kind: str, decision: str) -> bool:
    """A granted (fully or partly) suspension/erasure or stop of provision marks the person."""
    return kind in (SUSPENSION, THIRD_PARTY) and decision in (COMPLY, PARTLY)
