"""How the audit log page shows an event: the action in Japanese and a one-line summary of its data.

The log stores machine codes (``incident.reported``, ``personal_data.lookup``) and a small JSON of facts (never
personal data in clear). Actions of personal-data access and the common ones have their own label; any other is
shown under its part's name with the code, so no event is ever hidden or mislabelled.
"""

from __future__ import annotations

PERSONAL_DATA_PREFIX = "personal_data."

ACTION_LABELS = {
    "personal_data.lookup": "個人データの照会（対象者の照会）",
    "personal_data.viewed": "個人データの閲覧",
    "personal_data.exported": "個人データの出力",
    "personal_data.evidence_downloaded": "証拠ファイルの取得",
    "api_token.created": "APIトークンの発行",
    "api_token.revoked": "APIトークンの失効",
    "membership.added": "メンバーの追加",
    "incident.reported": "インシデントの報告",
    "incident.triaged": "インシデントのトリアージ",
    "incident.status_changed": "インシデントの状態の変更",
    "victims.import_uploaded": "対象者リストのアップロード",
    "victims.import_mapped": "対象者リストの列の割り当て",
    "victims.import_validated": "対象者リストの検証",
    "victims.import_committed": "対象者リストの取り込み",
    "victims.import_cancelled": "対象者リストの取り込みの取り消し",
    "victims.letter_template_updated": "お詫び状の本文の変更",
    "victims.letter_run_started": "お詫び状の作成",
    "victims.letters_sent": "お詫び状の発送",
    "victims.inquiry_recorded": "問い合わせの記録",
    "victims.desk_access_granted": "支援デスクへの個人データの開示設定",
    "victims.self_service_lookup": "本人による照会（公開ページ）",
}

PART_LABELS = {
    "personal_data": "個人データ",
    "api_token": "APIトークン",
    "membership": "メンバー",
    "organisation": "組織",
    "incident": "インシデント",
    "victims": "対象者",
    "claims": "保険金請求",
    "duties": "法的対応",
    "hospitals": "委託元",
    "rights": "開示等の請求",
    "selfcheck": "自己点検・BCP",
    "application": "加入申込",
    "quote": "見積",
    "policy": "保険契約",
    "deposit": "入金",
    "roster": "認定事業者名簿",
    "enrolment": "加入手続",
    "export": "出力",
}

DATA_LABELS = {"incident": "事案", "by": "方法", "found": "該当", "victims": "対象者ID", "imported": "取り込み件数",
               "rows": "行数", "reason": "理由"}  # fmt: skip
VALUE_LABELS = {("by", "code"): "お問い合わせ番号", ("by", "kana_birth"): "フリガナと生年月日",
                ("by", "patient_id"): "患者ID"}  # fmt: skip


def action_label(action: str) -> str:
    """The action in Japanese: its own label, or its part's name and the code."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return label
    part, _, rest = action.partition(".")
    return f"{PART_LABELS[part]}（{rest}）" if part in PART_LABELS and rest else action


def data_summary(data) -> str:
    """The event's facts on one line (``事案: INC-2026-000001、方法: フリガナと生年月日、該当: 1``)."""
    if not isinstance(data, dict):
        return ""
    parts = []
    # A fixed order (PostgreSQL's jsonb keeps keys by length, SQLite as written): the known keys, then the rest.
    order = [key for key in DATA_LABELS if key in data] + sorted(
        key for key in data if key not in DATA_LABELS
    )
    for key in order:
        value = data[key]
        if isinstance(value, list):
            shown = "、".join(str(v) for v in value[:5]) + (
                f" ほか{len(value) - 5}件" if len(value) > 5 else ""
            )
        elif value is None or value == "":
            continue
        else:
            shown = VALUE_LABELS.get((key, value), str(value)) if isinstance(value, str) else str(value)
        parts.append(f"{DATA_LABELS.get(key, key)}: {shown}")
    return "、".join(parts)


def is_personal_data_access(action: str) -> bool:
    return action.startswith(PERSONAL_DATA_PREFIX)
