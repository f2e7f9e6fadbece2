"""The facts of one incident (the engine's input) and their parser/validator.

``parse_facts`` turns the decoded JSON object of the contract into a ``Facts`` value or raises ``InvalidInput``
naming the field, with a Japanese message that lists the valid values where there is a list.

Decisions on points the contract leaves open:
- Unknown fields are ignored (forward compatibility); ``null`` for a field with a default means the default.
- Strict JSON types: booleans must be ``true``/``false``, counts must be JSON integers (``30.0`` and ``"30"`` are
  refused), instants must be ISO 8601 strings with a UTC offset (``Z`` allowed). A date alone is refused.
- Instants must lie in the years 2000–2199 (keeps date arithmetic and the holiday calendar meaningful).
- ``entrusting_party_notified_at`` before ``discovered_at`` is refused: the business cannot notify before it knew.
- ``entrusting_party_notified_at`` and ``joint_report`` are ignored for a controller (they concern contractors).
- Repeated data item codes are accepted and counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sonae.core.errors import InvalidInput

from .vocab import (
    CAUSE_LABELS,
    CONTROLLER,
    DATA_ITEM_LABELS,
    DATA_SCOPE_LABELS,
    EXFILTRATION_LABELS,
    ROLE_LABELS,
    valid_values_text,
)

MIN_YEAR = 2000
MAX_YEAR = 2199
_INSTANT_EXAMPLE = "例: 2025-10-06T10:00+09:00"


@dataclass(frozen=True)
class Facts:
    """What is known about one incident, as the contract's input describes it."""

    discovered_at: datetime
    role: str
    data_items: tuple[str, ...]
    persons: int
    cause: str
    entrusting_party_notified_at: datetime | None = None
    joint_report: bool = False
    my_number_persons: int | None = None
    unauthorized_purpose: bool | None = None
    financial_damage_risk: bool | None = None
    encrypted_high_level: bool = False
    key_compromised: bool = False
    exfiltration_evidence: str = "unknown"
    backup_intact: bool = False
    recipient_confirmed_deleted_unread: bool = False
    publicly_viewable: bool | None = None
    data_scope: str = "held"


def _missing(field: str, what: str) -> InvalidInput:
    return InvalidInput(f"{field}（{what}）は必須です。", field=field)


def _instant(obj: dict, field: str, what: str, *, required: bool) -> datetime | None:
    value = obj.get(field)
    if value is None:
        if required:
            raise InvalidInput(
                f"{field}（{what}）は必須です。時差付きのISO 8601形式で指定してください（{_INSTANT_EXAMPLE}）。",
                field=field,
            )
        return None
    if not isinstance(value, str):
        raise InvalidInput(
            f"{field}（{what}）は時差付きのISO 8601形式の文字列で指定してください（{_INSTANT_EXAMPLE}）。",
            field=field,
        )
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field}（{what}）「{value}」は日時として読み取れません。時差付きのISO 8601形式で指定してください（{_INSTANT_EXAMPLE}）。",
            field=field,
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(
            f"{field}（{what}）「{value}」に時差（+09:00 など）がありません。時差付きのISO 8601形式で指定してください（{_INSTANT_EXAMPLE}）。",
            field=field,
        )
    if not MIN_YEAR <= instant.year <= MAX_YEAR:
        raise InvalidInput(
            f"{field}（{what}）は{MIN_YEAR}年から{MAX_YEAR}年までの日時で指定してください。", field=field
        )
    return instant


def _choice(obj: dict, field: str, what: str, labels: dict[str, str], *, default: str | None) -> str:
    value = obj.get(field)
    if value is None:
        if default is None:
            raise InvalidInput(
                f"{field}（{what}）は必須です。使用できる値: {valid_values_text(labels)}", field=field
            )
        return default
    if not isinstance(value, str) or value not in labels:
        raise InvalidInput(
            f"{field}（{what}）の値「{value}」は使用できません。使用できる値: {valid_values_text(labels)}",
            field=field,
        )
    return value


def _bool(obj: dict, field: str, what: str, *, default: bool | None) -> bool | None:
    value = obj.get(field)
    if value is None:
        return default
    if not isinstance(value, bool):
        allowed = "true または false" if default is not None else "true、false または null"
        raise InvalidInput(f"{field}（{what}）は {allowed} で指定してください。", field=field)
    return value


def _count(obj: dict, field: str, what: str, *, required: bool) -> int | None:
    value = obj.get(field)
    if value is None:
        if required:
            raise _missing(field, what)
        return None
    # bool is an int in Python; JSON true is not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field}（{what}）は0以上の整数で指定してください。", field=field)
    if value < 0:
        raise InvalidInput(
            f"{field}（{what}）は0以上の整数で指定してください（指定値: {value}）。", field=field
        )
    return value


def _data_items(obj: dict) -> tuple[str, ...]:
    field, what = "data_items", "漏えい等した個人データの項目"
    value = obj.get(field)
    if value is None:
        raise InvalidInput(
            f"{field}（{what}）は必須です。使用できる値: {valid_values_text(DATA_ITEM_LABELS)}", field=field
        )
    if not isinstance(value, list):
        raise InvalidInput(
            f"{field}（{what}）はコードの配列で指定してください。使用できる値: {valid_values_text(DATA_ITEM_LABELS)}",
            field=field,
        )
    if not value:
        raise InvalidInput(
            f"{field}（{what}）には1つ以上の項目が必要です。使用できる値: {valid_values_text(DATA_ITEM_LABELS)}",
            field=field,
        )
    items: list[str] = []
    for code in value:
        if not isinstance(code, str) or code not in DATA_ITEM_LABELS:
            raise InvalidInput(
                f"{field}（{what}）に使用できないコード「{code}」があります。使用できる値: {valid_values_text(DATA_ITEM_LABELS)}",
                field=field,
            )
        if code not in items:
            items.append(code)
    return tuple(items)


def parse_facts(obj: Any) -> Facts:
    """Validate one decoded JSON object of the contract's input and return its ``Facts``.

    Raises ``InvalidInput`` (code ``invalid_input``) with the offending ``field`` and a Japanese message.
    """
    if not isinstance(obj, dict):
        raise InvalidInput("事案の事実はJSONオブジェクト（{...}）で指定してください。", field="input")
    discovered_at = _instant(obj, "discovered_at", "発覚日時", required=True)
    role = _choice(obj, "role", "立場", ROLE_LABELS, default=None)
    data_items = _data_items(obj)
    persons = _count(obj, "persons", "本人の数", required=True)
    cause = _choice(obj, "cause", "原因", CAUSE_LABELS, default=None)
    notified_at = _instant(obj, "entrusting_party_notified_at", "委託元へ通知した日時", required=False)
    joint_report = _bool(obj, "joint_report", "委託元との連名報告", default=False)
    if role == CONTROLLER:
        notified_at, joint_report = None, False
    elif notified_at is not None and notified_at < discovered_at:
        raise InvalidInput(
            "entrusting_party_notified_at（委託元へ通知した日時）が discovered_at（発覚日時）より前になっています。",
            field="entrusting_party_notified_at",
        )
    return Facts(
        discovered_at=discovered_at,
        role=role,
        data_items=data_items,
        persons=persons,
        cause=cause,
        entrusting_party_notified_at=notified_at,
        joint_report=joint_report,
        my_number_persons=_count(
            obj, "my_number_persons", "マイナンバーが漏えい等した本人の数", required=False
        ),
        unauthorized_purpose=_bool(obj, "unauthorized_purpose", "不正の目的の有無", default=None),
        financial_damage_risk=_bool(obj, "financial_damage_risk", "財産的被害のおそれの有無", default=None),
        encrypted_high_level=_bool(obj, "encrypted_high_level", "高度な暗号化", default=False),
        key_compromised=_bool(obj, "key_compromised", "復号鍵・パスワードの漏えい", default=False),
        exfiltration_evidence=_choice(
            obj, "exfiltration_evidence", "持ち出しの証跡", EXFILTRATION_LABELS, default="unknown"
        ),
        backup_intact=_bool(obj, "backup_intact", "完全なバックアップの有無", default=False),
        recipient_confirmed_deleted_unread=_bool(
            obj,
            "recipient_confirmed_deleted_unread",
            "誤送付先が未読のまま削除・返却したことの確認",
            default=False,
        ),
        publicly_viewable=_bool(obj, "publicly_viewable", "不特定多数の者が閲覧できる状態", default=None),
        data_scope=_choice(obj, "data_scope", "対象データの範囲", DATA_SCOPE_LABELS, default="held"),
    )
