"""Incident API: a provider's system reports incidents with its API token and follows its cases.

Scoping is the selectors' (the same as the pages): a provider sees its own cases, the desk all, agency and insurer
summaries without caller details; others get 404. Errors use the shared envelope ``{"code", "message"}``:
schema violations answer 422 (``invalid_input`` with the offending ``errors``), business rules 400
(``invalid_input`` with ``field``), permissions 403 and unknown or foreign cases 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from sonae.core.errors import InvalidInput
from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import DATA_ITEM_LABELS

from . import selectors, services, triage
from .models import Incident, Status

router = Router(tags=["インシデント"])

SymptomCode = Literal[tuple(triage.SYMPTOMS)]  # type: ignore[valid-type]
DataItemCode = Literal[tuple(DATA_ITEM_LABELS)]  # type: ignore[valid-type]


def _labels(labels: dict) -> str:
    return "、".join(f"`{code}` {label}" for code, label in labels.items())


class IncidentIn(Schema):
    symptoms: list[SymptomCode] = Field(
        ..., min_length=1, description="あてはまる症状のコード（1つ以上）：" + _labels(triage.SYMPTOMS)
    )
    title: str = Field("", max_length=200, description="件名（省略時は症状から自動で付けます）")
    description: str = Field("", max_length=10000, description="状況（いつ・どこで・何が起きたか）")
    discovered_at: datetime | None = Field(
        None, description="気づいた日時（ISO 8601、オフセット必須。例 2025-10-06T10:00:00+09:00）"
    )
    data_items: list[DataItemCode] = Field(
        default_factory=list,
        description="漏えい等のおそれがある個人データの項目（法的義務の判定と同じコード）："
        + _labels(DATA_ITEM_LABELS),
    )
    persons_estimate: int | None = Field(None, ge=0, description="対象人数（おおよそ）")
    data_owner: Literal["own", "entrusted", "unknown"] = Field(
        "unknown",
        description="誰の情報か：`own` 自社の顧客等、`entrusted` 医療機関等から委託を受けた情報、`unknown` 不明",
    )
    entrusting_hospital_code: str | None = Field(
        None, max_length=50, description="委託元の医療機関の組織コード（Sonaeに登録されている場合）"
    )
    entrusting_party_name: str = Field("", max_length=200, description="委託元の名称（登録されていない場合）")


class ProviderOut(Schema):
    code: str
    name: str


class IncidentSummaryOut(Schema):
    reference: str = Field(..., description="受付番号（例 INC-2025-000123）")
    title: str
    provider: ProviderOut
    channel: str = Field(..., description="受付経路：`web`、`phone`、`api`")
    status: str = Field(..., description="状態：" + _labels(dict(Status.choices)))
    status_label: str
    category: str = Field(..., description="分類：" + _labels(triage.CATEGORIES))
    category_label: str
    severity: int = Field(..., description="重大度 1（緊急）〜4（低）")
    severity_label: str
    received_at: datetime = Field(..., description="受付日時")
    handling_starts_at: datetime = Field(..., description="対応開始日時（営業時間外の受付は翌営業日9:00）")
    first_response_due: datetime = Field(..., description="デスクの初動連絡期限")
    first_responded_at: datetime | None = Field(None, description="初動連絡日時")
    overdue: bool = Field(..., description="初動連絡期限を過ぎて未対応")


class CallerOut(Schema):
    name: str | None
    phone: str | None
    called_at: datetime | None


class IncidentOut(IncidentSummaryOut):
    description: str
    discovered_at: datetime | None
    symptoms: list[str]
    cause: str = Field(..., description="原因（法的義務の判定用のコード）")
    data_items: list[str]
    persons_estimate: int | None
    data_owner: str
    entrusting_party: str = Field(..., description="委託元の名称（委託を受けた情報の場合）")
    first_actions: list[str] = Field(..., description="今すぐ行うべき初動対応（日本語）")
    caller: CallerOut | None = Field(None, description="電話受付の通報者（デスクと当該事業者のみ）")


class TimelineEventOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    actor: str
    text: str


class TaskOut(Schema):
    id: int
    title: str
    phase: str
    status: str
    status_label: str
    owner: str
    due_date: date | None
    coverage_item: str = Field(..., description="費用が該当する補償項目のコード")


def _summary(incident: Incident, now: datetime) -> dict:
    return {
        "reference": incident.reference,
        "title": incident.title,
        "provider": {"code": incident.provider.code, "name": incident.provider.name},
        "channel": incident.channel,
        "status": incident.status,
        "status_label": incident.get_status_display(),
        "category": incident.category,
        "category_label": incident.get_category_display(),
        "severity": incident.severity,
        "severity_label": incident.get_severity_display(),
        "received_at": incident.received_at,
        "handling_starts_at": incident.handling_starts_at,
        "first_response_due": incident.first_response_due,
        "first_responded_at": incident.first_responded_at,
        "overdue": selectors.is_overdue(incident, now),
    }


def _detail(actor, incident: Incident) -> dict:
    caller = None
    if selectors.may_see_caller(actor, incident) and incident.channel == "phone":
        caller = {
            "name": incident.caller_name,
            "phone": incident.caller_phone,
            "called_at": incident.called_at,
        }
    return {
        **_summary(incident, timezone.now()),
        "description": incident.description,
        "discovered_at": incident.discovered_at,
        "symptoms": incident.symptoms,
        "cause": incident.cause,
        "data_items": incident.data_items,
        "persons_estimate": incident.persons_estimate,
        "data_owner": incident.data_owner,
        "entrusting_party": incident.entrusting_party_display if incident.is_entrusted else "",
        "first_actions": list(incident.first_actions),
        "caller": caller,
    }


def _hospital_by_code(code: str | None) -> Organisation | None:
    if not code:
        return None
    hospital = Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, code=code, is_active=True).first()
    if hospital is None:
        raise InvalidInput(
            f"組織コード「{code}」の医療機関は登録されていません。", field="entrusting_hospital_code"
        )
    return hospital


@router.post(
    "/incidents",
    response={201: IncidentOut},
    summary="インシデントを報告する",
    description="事業者のAPIトークンでインシデントを報告します。受付番号、対応開始日時・初動連絡期限、"
    "分類・重大度と今すぐ行うべき初動対応を返します。ウェブの報告フォームと同じ受付として扱われます。",
)
def incident_create(request, payload: IncidentIn):
    actor = request.auth
    incident = services.incident_report(
        actor=actor,
        channel="api",
        provider=actor.organisation,
        symptoms=list(payload.symptoms),
        title=payload.title,
        description=payload.description,
        discovered_at=payload.discovered_at,
        data_items=list(payload.data_items),
        persons_estimate=payload.persons_estimate,
        data_owner=payload.data_owner,
        entrusting_hospital=_hospital_by_code(payload.entrusting_hospital_code),
        entrusting_party_name=payload.entrusting_party_name,
    )
    return 201, _detail(actor, incident)


class ListFilter(Schema):
    status: str | None = Field(None, description="状態で絞り込む（`open` は完了・取り下げ以外）")
    limit: int = Field(50, ge=1, le=200, description="最大件数")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="先頭から飛ばす件数")


@router.get(
    "/incidents",
    response=list[IncidentSummaryOut],
    summary="インシデントの一覧",
    description="権限の範囲のインシデントを受付日時の新しい順に返します（事業者は自社の案件のみ）。",
)
def incident_list(request, filters: Query[ListFilter]):
    qs = selectors.incidents_for(request.auth)
    if filters.status == "open":
        qs = qs.exclude(status__in=[Status.CLOSED, Status.WITHDRAWN])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    now = timezone.now()
    rows = qs.order_by("-received_at", "-id")[filters.offset : filters.offset + filters.limit]
    return [_summary(incident, now) for incident in rows]


@router.get(
    "/incidents/{reference}",
    response=IncidentOut,
    summary="インシデントの詳細",
    description="受付番号で1件を返します。権限の範囲外の案件は 404 です。",
)
def incident_detail(request, reference: str):
    incident = selectors.incident_get(request.auth, reference)
    return _detail(request.auth, incident)


@router.get(
    "/incidents/{reference}/timeline",
    response=list[TimelineEventOut],
    summary="タイムライン",
    description="受付・トリアージ・状態変更・タスク・メモ・通話などの記録を古い順に返します。",
)
def incident_timeline(request, reference: str):
    incident = selectors.incident_get(request.auth, reference)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "actor": e.actor_label,
            "text": e.text,
        }
        for e in selectors.timeline_for(request.auth, incident)
    ]


@router.get(
    "/incidents/{reference}/tasks",
    response=list[TaskOut],
    summary="タスク",
    description="対応手順から作成されたタスクと追加されたタスクを返します。",
)
def incident_tasks(request, reference: str):
    incident = selectors.incident_get(request.auth, reference)
    return [
        {
            "id": t.pk,
            "title": t.title,
            "phase": t.phase,
            "status": t.status,
            "status_label": t.get_status_display(),
            "owner": t.owner_display,
            "due_date": t.due_date,
            "coverage_item": t.coverage_item,
        }
        for t in selectors.tasks_for(request.auth, incident)
    ]
