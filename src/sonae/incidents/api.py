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
from ninja import Status as Reply

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput
from sonae.core.models import Organisation, OrganisationKind
from sonae.documents.tabular import Column
from sonae.duties.rules import DATA_ITEM_LABELS

from . import selectors, services, triage
from .models import Incident, Status
from .models.playbooks import Phase
from .models.work import TaskStatus

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
    updated_at: datetime = Field(..., description="最終更新日時")


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
    id: int
    at: datetime
    kind: str
    kind_label: str
    actor: str
    text: str


class TaskOut(Schema):
    id: int
    title: str
    description: str
    phase: str = Field(..., description="段階：" + _labels(dict(Phase.choices)))
    phase_label: str
    status: str = Field(..., description="状態：" + _labels(dict(TaskStatus.choices)))
    status_label: str
    owner: str
    due_date: date | None
    coverage_item: str = Field(..., description="費用が該当する補償項目のコード")
    completed_at: datetime | None
    updated_at: datetime


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
        "updated_at": incident.updated_at,
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


def hospital_by_code(code: str | None, field: str = "entrusting_hospital_code") -> Organisation | None:
    """The active hospital with organisation code ``code`` (None when no code); unknown: 400 on ``field``."""
    if not code:
        return None
    hospital = Organisation.objects.filter(kind=OrganisationKind.HOSPITAL, code=code, is_active=True).first()
    if hospital is None:
        raise InvalidInput(f"組織コード「{code}」の医療機関は登録されていません。", field=field)
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
        entrusting_hospital=hospital_by_code(payload.entrusting_hospital_code),
        entrusting_party_name=payload.entrusting_party_name,
    )
    return Reply(201, _detail(actor, incident))


class ListFilter(Schema):
    status: str | None = Field(None, description="状態で絞り込む（`open` は完了・取り下げ以外）")


INCIDENT_EXPORT = Export(
    name="インシデント一覧",
    columns=(
        Column("reference", "受付番号", 18),
        Column("title", "件名", 40),
        Column("provider.code", "事業者コード", 16),
        Column("provider.name", "事業者名", 30),
        Column("channel", "受付経路", 10),
        Column("status_label", "状態", 12),
        Column("category_label", "分類", 20),
        Column("severity_label", "重大度", 10),
        Column("received_at", "受付日時", 18),
        Column("handling_starts_at", "対応開始日時", 18),
        Column("first_response_due", "初動連絡期限", 18),
        Column("first_responded_at", "初動連絡日時", 18),
        Column("overdue", "期限超過", 10),
        Column("updated_at", "更新日時", 18),
    ),
)
TIMELINE_EXPORT = Export(
    name="タイムライン",
    columns=(
        Column("at", "日時", 18),
        Column("kind_label", "種類", 14),
        Column("actor", "記録者", 30),
        Column("text", "内容", 80),
    ),
    personal=True,  # calls name the caller and may carry what victims said
)
TASK_EXPORT = Export(
    name="タスク一覧",
    columns=(
        Column("id", "ID", 8),
        Column("title", "タスク名", 40),
        Column("phase_label", "段階", 24),
        Column("status_label", "状態", 10),
        Column("owner", "担当", 30),
        Column("due_date", "期限", 12),
        Column("coverage_item", "補償項目", 24),
        Column("updated_at", "更新日時", 18),
    ),
)


@list_get(
    router,
    "/incidents",
    item=IncidentSummaryOut,
    summary="インシデントの一覧",
    description="権限の範囲のインシデントを受付日時の新しい順に返します（事業者は自社の案件のみ）。",
)
def incident_list(request, filters: Query[ListFilter], page: Query[ListParams]):
    qs = selectors.incidents_for(request.auth)
    if filters.status == "open":
        qs = qs.exclude(status__in=[Status.CLOSED, Status.WITHDRAWN])
    elif filters.status:
        qs = qs.filter(status=filters.status)
    now = timezone.now()
    return paginate(
        request,
        qs.select_related("provider").order_by("-received_at", "-id"),
        page,
        lambda incident: _summary(incident, now),
        export=INCIDENT_EXPORT,
    )


@router.get(
    "/incidents/{reference}",
    response=IncidentOut,
    summary="インシデントの詳細",
    description="受付番号で1件を返します。権限の範囲外の案件は 404 です。",
)
def incident_detail(request, reference: str):
    incident = selectors.incident_get(request.auth, reference)
    return _detail(request.auth, incident)


def timeline_event(e) -> dict:
    return {
        "id": e.pk,
        "at": e.at,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "actor": e.actor_label,
        "text": e.text,
    }


def task_out(t) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "description": t.description,
        "phase": t.phase,
        "phase_label": t.get_phase_display() if t.phase else "",
        "status": t.status,
        "status_label": t.get_status_display(),
        "owner": t.owner_display,
        "due_date": t.due_date,
        "coverage_item": t.coverage_item,
        "completed_at": t.completed_at,
        "updated_at": t.updated_at,
    }


@list_get(
    router,
    "/incidents/{reference}/timeline",
    item=TimelineEventOut,
    summary="タイムライン",
    description="受付・トリアージ・状態変更・タスク・メモ・通話などの記録を古い順に返します。",
    personal=True,
)
def incident_timeline(request, reference: str, page: Query[ListParams]):
    incident = selectors.incident_get(request.auth, reference)
    return paginate(
        request, selectors.timeline_for(request.auth, incident), page, timeline_event, export=TIMELINE_EXPORT
    )


@list_get(
    router,
    "/incidents/{reference}/tasks",
    item=TaskOut,
    summary="タスク",
    description="対応手順から作成されたタスクと追加されたタスクを返します。",
)
def incident_tasks(request, reference: str, page: Query[ListParams]):
    incident = selectors.incident_get(request.auth, reference)
    return paginate(request, selectors.tasks_for(request.auth, incident), page, task_out, export=TASK_EXPORT)


# The routes of the work on a case, of the desk and of its documents (notices, PDFs, evidence files), on this router.
from . import api_desk, api_documents, api_vendors, api_work  # noqa: E402, F401
