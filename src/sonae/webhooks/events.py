"""The catalogue of webhook events: one place for their codes, Japanese labels and who receives them.

Payloads carry references and statuses only, never personal data of victims or callers (see ``emitters``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    description: str


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "incident.created", "インシデントの受付", "事業者のインシデントが受け付けられたとき（事業者へ）"
    ),
    EventType(
        "incident.status_changed",
        "インシデントの状態変更",
        "案件の状態（受付・トリアージ済・対応中・完了など）が変わったとき（事業者へ）",
    ),
    EventType(
        "task.assigned",
        "タスクの担当設定",
        "案件のタスクに担当組織・担当者が設定されたとき（事業者と担当組織へ）",
    ),
    EventType(
        "duty.due_soon",
        "法的対応の期限が近い",
        "報告・本人通知などの期限（目安）の前営業日と当日（事業者へ）",
    ),
    EventType(
        "duty.overdue",
        "法的対応の期限超過",
        "実施記録のないまま報告・本人通知などの期限（目安）を過ぎたとき（事業者へ）",
    ),
    EventType(
        "notice.acknowledged",
        "委託元への通知の受領確認",
        "委託元の医療機関が通知の受領を確認したとき（事業者と医療機関へ）",
    ),
    EventType(
        "claim.status_changed",
        "保険金請求の状態変更",
        "保険金請求の提出・審査・認定・支払などで状態が変わったとき（事業者と保険会社へ）",
    ),
)

# Sent only by the "send test event" button, to the one endpoint tested; not subscribable.
TEST_EVENT = "webhook.test"
TEST_EVENT_LABEL = "テストイベント"

EVENTS: dict[str, EventType] = {event.code: event for event in EVENT_TYPES}
EVENT_CHOICES: list[tuple[str, str]] = [(event.code, event.label) for event in EVENT_TYPES]


def event_label(code: str) -> str:
    """The Japanese label of an event code (the code itself when unknown)."""
    if code == TEST_EVENT:
        return TEST_EVENT_LABEL
    event = EVENTS.get(code)
    return event.label if event else code
