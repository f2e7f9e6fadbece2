"""Japanese words for the engine's input and output: field labels, values, and the rules in ``basis``.

Pure (no Django). Used by the page, the version diff, the drafts and the API. ``basis_label`` turns the engine's
citations ("Enforcement Rules art. 7(i)", "Sonae reading R5") into the Japanese form users read
(施行規則7条1号, Sonae解釈R5) and the anchor of the explain page that explains them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sonae.duties.rules import (
    APPI_CATEGORY_LABELS,
    CAUSE_LABELS,
    DATA_ITEM_LABELS,
    DATA_SCOPE_LABELS,
    EXFILTRATION_LABELS,
    MY_NUMBER_CATEGORY_LABELS,
    RECOMMENDATION_LABELS,
    REPORTING_MODE_LABELS,
    ROLE_LABELS,
)
from sonae.duties.rules.deadlines import jp_date
from sonae.jp.wareki import format_datetime_ja

# The contract's input fields, in the order of the form.
FACT_LABELS: dict[str, str] = {
    "discovered_at": "発覚日時（従業者のいずれかが最初に知った日時）",
    "role": "当社の立場",
    "entrusting_party_notified_at": "委託元へ通知した日時",
    "joint_report": "委託元と連名で報告する",
    "data_items": "漏えい等のおそれがある個人データの項目",
    "persons": "本人の数（推計の場合は上限）",
    "my_number_persons": "マイナンバーが含まれる本人の数",
    "cause": "原因",
    "unauthorized_purpose": "不正の目的によるものか",
    "financial_damage_risk": "財産的被害が生じるおそれ",
    "encrypted_high_level": "高度な暗号化等の秘匿化がされていた",
    "key_compromised": "復号鍵・パスワードも漏えいした",
    "exfiltration_evidence": "持ち出しの痕跡",
    "backup_intact": "完全なバックアップがある（滅失・毀損の場合）",
    "recipient_confirmed_deleted_unread": "誤送付先が閲覧せずに削除・返却したことを確認した",
    "publicly_viewable": "不特定多数の者が閲覧できる状態になった",
    "data_scope": "対象データの範囲",
}

# The contract's output fields (flattened with dots), in the order a reader goes through them.
RESULT_LABELS: dict[str, str] = {
    "knowing_date": "知った日",
    "appi.reportable_situation": "報告対象の事態に当たるか",
    "appi.categories": "該当する事態（規則7条）",
    "appi.ppc_report_required": "当社による個人情報保護委員会への報告",
    "appi.reporting_mode": "報告の方法",
    "appi.preliminary_report_target": "速報の目安",
    "appi.final_report_due": "確報の期限",
    "appi.final_report_due_reading_b": "確報の期限（翌日起算の場合・参考）",
    "appi.final_period_days": "確報までの日数",
    "appi.individual_notice_required": "当社による本人への通知",
    "appi.entrusting_party_notice_required": "委託元への通知",
    "appi.entrusting_party_notice_target": "委託元への通知の目安",
    "appi.entrusting_party.knowing_date": "委託元が知った日（通知を受けた日）",
    "appi.entrusting_party.preliminary_report_target": "委託元の速報の目安",
    "appi.entrusting_party.final_report_due": "委託元の確報の期限",
    "appi.entrusting_party.final_period_days": "委託元の確報までの日数",
    "appi.entrusting_party.individual_notice_required": "委託元による本人への通知",
    "appi.basis": "根拠（個人情報保護法）",
    "my_number.applicable": "マイナンバー（特定個人情報）を含む",
    "my_number.report_required": "マイナンバー法の報告",
    "my_number.categories": "該当する事態（番号法）",
    "my_number.preliminary_report_target": "マイナンバー法の速報の目安",
    "my_number.final_report_due": "マイナンバー法の確報の期限",
    "my_number.final_period_days": "マイナンバー法の確報までの日数",
    "my_number.individual_notice_required": "マイナンバー法による本人への通知",
    "my_number.basis": "根拠（番号法）",
    "recommendations": "おすすめする対応",
    "warnings": "Sonaeの解釈に関する注意",
}

YES, NO, EMPTY = "はい", "いいえ", "—"
TRISTATE_LABELS = {None: "原因・項目から判定", True: "はい", False: "いいえ"}

# Fields whose value is a code (or list of codes) with Japanese labels.
_CODE_LABELS: dict[str, dict[str, str]] = {
    "role": ROLE_LABELS,
    "data_items": DATA_ITEM_LABELS,
    "cause": CAUSE_LABELS,
    "exfiltration_evidence": EXFILTRATION_LABELS,
    "data_scope": DATA_SCOPE_LABELS,
    "appi.categories": APPI_CATEGORY_LABELS,
    "appi.reporting_mode": REPORTING_MODE_LABELS,
    "my_number.categories": MY_NUMBER_CATEGORY_LABELS,
    "recommendations": RECOMMENDATION_LABELS,
}
_TRISTATE_FIELDS = frozenset({"unauthorized_purpose", "financial_damage_risk", "publicly_viewable"})
_INSTANT_FIELDS = frozenset({"discovered_at", "entrusting_party_notified_at"})
_COUNT_FIELDS = frozenset({"persons", "my_number_persons"})


def format_day(value: str | date | None) -> str:
    """2025年10月10日（金） from a date or an ISO date string; an em dash for none."""
    if value in (None, ""):
        return EMPTY
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return jp_date(day)


def format_instant(value: str | datetime | None) -> str:
    """2025年10月6日 10:00 (Asia/Tokyo) from an aware datetime or an ISO string with offset."""
    if value in (None, ""):
        return EMPTY
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime_ja(instant)


def format_value(field: str, value) -> str:
    """A fact or result value as a Japanese reader sees it (labels for codes, dates with weekdays, はい/いいえ)."""
    if field in _TRISTATE_FIELDS:
        return TRISTATE_LABELS.get(value, str(value))
    if value is None:
        return EMPTY
    if field in _CODE_LABELS:
        labels = _CODE_LABELS[field]
        if isinstance(value, list):
            return "、".join(labels.get(code, code) for code in value) or "なし"
        return labels.get(value, value)
    if field.endswith("basis"):
        return "、".join(basis_label(b)[0] for b in value) or "なし"
    if field == "warnings":
        return "、".join(f"Sonae解釈{w['code']}" for w in value) or "なし"
    if isinstance(value, bool):
        return YES if value else NO
    if field in _INSTANT_FIELDS:
        return format_instant(value)
    if field in _COUNT_FIELDS:
        return f"{value:,}人"
    if field.endswith("_days"):
        return f"{value}日"
    if field.endswith(("_date", "_target", "_due", "_reading_b")) or field == "knowing_date":
        return format_day(value)
    return str(value)


# --- citations ---------------------------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
_RULE = re.compile(r"^Enforcement Rules art\. (?P<art>\d+)(?:\((?P<sub>[ivx]+|\d+)\))?$")
_APPI = re.compile(r"^APPI art\. (?P<art>\d+)(?:\((?P<para>\d+)\))?$")
_MN_ACT = re.compile(r"^My Number Act art\. (?P<art>\d+)-(?P<branch>\d+)(?:\((?P<para>\d+)\))?$")
_MN_RULE = re.compile(r"^My Number Rule art\. (?P<art>\d+)(?:\((?P<sub>[ivx]+)\))?$")
_READING = re.compile(r"^Sonae reading (?P<code>R\d+)$")


def _sub(sub: str | None) -> str:
    """(i) → 1号 (items of an article); (2) → 2項 (paragraphs)."""
    if not sub:
        return ""
    if sub.isdigit():
        return f"{sub}項"
    return f"{_ROMAN[sub]}号"


def basis_label(basis: str) -> tuple[str, str]:
    """The Japanese name of a citation and the explain page's anchor for it: ``("施行規則7条1号", "rule-7")``."""
    if m := _READING.match(basis):
        return f"Sonae解釈{m['code']}", m["code"].lower()
    if m := _RULE.match(basis):
        return f"個人情報保護法施行規則{m['art']}条{_sub(m['sub'])}", f"rule-{m['art']}"
    if m := _APPI.match(basis):
        para = f"{m['para']}項" if m["para"] else ""
        return f"個人情報保護法{m['art']}条{para}", f"appi-{m['art']}"
    if m := _MN_ACT.match(basis):
        para = f"第{m['para']}項" if m["para"] else ""
        return f"番号法{m['art']}条の{m['branch']}{para}", "my-number"
    if m := _MN_RULE.match(basis):
        return f"番号法の漏えい等報告規則{m['art']}条{_sub(m['sub'])}", "my-number"
    if basis.startswith("PPC guidelines (general) "):
        return f"個人情報保護委員会ガイドライン（通則編）{basis.rsplit(' ', 1)[1]}", "exceptions"
    if basis.startswith("PPC My Number Q&A "):
        return f"個人情報保護委員会 番号法Q&A {basis.rsplit(' ', 1)[1]}", "my-number"
    if basis.startswith("PPC Q&A "):
        return f"個人情報保護委員会Q&A {basis.rsplit(' ', 1)[1]}", "exceptions"
    return basis, ""


def basis_links(basis: list[str] | tuple[str, ...]) -> list[dict]:
    """``[{"code", "label", "anchor"}]`` for a basis list (for templates and the API)."""
    out = []
    for code in basis:
        label, anchor = basis_label(code)
        out.append({"code": code, "label": label, "anchor": anchor})
    return out
