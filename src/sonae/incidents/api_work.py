"""Incident API, the work on a case: tasks, notes and calls on the timeline, status changes and evidence metadata.

The same services as the case pages (provider staff on its own case, the desk on any), through the same
selectors; another organisation's case or object is 404. Evidence files themselves are downloaded with a
stated reason (chain of custody) in ``api_documents``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column
from sonae.programme.coverage_items import ITEMS

from . import selectors, services

# ``api`` imports this module at its end, so its router, schemas and serialisers exist by then. One router: a path
# with several methods (GET and POST …/tasks) must be declared on one router for Ninja to route both.
from .api import IncidentOut, TaskOut, TimelineEventOut, _detail, router, task_out, timeline_event
from .models import Status as IncidentStatus
from .models.playbooks import Phase
from .models.work import TaskStatus

PhaseCode = Literal[tuple(Phase.values)]  # type: ignore[valid-type]
TaskStatusCode = Literal[tuple(TaskStatus.values)]  # type: ignore[valid-type]
ItemCode = Literal[tuple(ITEMS)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(IncidentStatus.values)]  # type: ignore[valid-type]


def _labels(choices) -> str:
    return "、".join(f"`{code}` {label}" for code, label in choices)


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=200, description="タスク名")
    description: str = Field("", max_length=10000, description="内容")
    due_date: date | None = Field(None, description="期限（日付）")
    phase: PhaseCode | Literal[""] = Field("", description="段階：" + _labels(Phase.choices))
    coverage_item: ItemCode | Literal[""] = Field("", description="費用が該当する補償項目のコード")


class TaskPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200, description="タスク名")
    description: str | None = Field(None, max_length=10000, description="内容")
    due_date: date | None = Field(None, description="期限（null で期限をなくす。省略すると変更しない）")
    status: TaskStatusCode | None = Field(None, description="状態：" + _labels(TaskStatus.choices))
    phase: PhaseCode | Literal[""] | None = Field(None, description="段階")
    coverage_item: ItemCode | Literal[""] | None = Field(None, description="補償項目のコード")


class NoteIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="内容")
    kind: Literal["note", "decision"] = Field("note", description="`note` メモ、`decision` 判断")


class CallIn(Schema):
    direction: Literal["in", "out"] = Field(..., description="`in` 着信、`out` 発信")
    counterpart: str = Field(..., min_length=1, max_length=200, description="通話の相手")
    summary: str = Field(..., min_length=1, max_length=5000, description="通話の要旨")
    called_at: datetime | None = Field(None, description="通話日時（省略時は現在。未来は不可）")


class IncidentTransitionIn(Schema):
    to_status: StatusCode = Field(..., description="変更後の状態：" + _labels(IncidentStatus.choices))
    reason: str = Field("", max_length=2000, description="理由（取り下げでは必須）")


class EvidenceOut(Schema):
    id: int
    name: str = Field(..., description="ファイル名")
    content_type: str
    size: int = Field(..., description="サイズ（バイト）")
    sha256: str = Field(..., description="元のファイルのSHA-256")
    description: str
    uploaded_by: str = Field(..., description="登録者")
    uploaded_at: datetime
    updated_at: datetime


EVIDENCE_EXPORT = Export(
    name="証拠一覧",
    columns=(
        Column("id", "ID", 8),
        Column("name", "ファイル名", 40),
        Column("content_type", "種類", 20),
        Column("size", "サイズ（バイト）", 14),
        Column("sha256", "SHA-256", 66),
        Column("description", "説明", 40),
        Column("uploaded_by", "登録者", 30),
        Column("uploaded_at", "登録日時", 18),
    ),
    personal=True,  # file names and descriptions may name patients
)


def _evidence(e) -> dict:
    return {
        "id": e.pk,
        "name": e.original_name,
        "content_type": e.content_type,
        "size": e.size,
        "sha256": e.sha256,
        "description": e.description,
        "uploaded_by": e.uploaded_by_label,
        "uploaded_at": e.uploaded_at,
        "updated_at": e.updated_at,
    }


# --- tasks ---------------------------------------------------------------------------------------------------------


@router.post(
    "/incidents/{reference}/tasks",
    response={201: TaskOut},
    summary="タスクを追加する",
    description="案件にタスクを追加します（事業者は自社の案件、デスクはすべての案件。スタッフ以上）。",
)
def task_create(request, reference: str, payload: TaskIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    task = services.task_create(
        actor=actor,
        incident=incident,
        title=payload.title,
        description=payload.description,
        due_date=payload.due_date,
        phase=payload.phase,
        coverage_item=payload.coverage_item,
    )
    return Status(201, task_out(selectors.task_get(actor, incident, task.pk)))


@router.get(
    "/incidents/{reference}/tasks/{task_id}",
    response=TaskOut,
    summary="タスクの詳細",
    description="案件のタスク1件を返します。権限の範囲外の案件・タスクは 404 です。",
)
def task_detail(request, reference: str, task_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    return task_out(selectors.task_get(actor, incident, task_id))


@router.patch(
    "/incidents/{reference}/tasks/{task_id}",
    response=TaskOut,
    summary="タスクを変更する",
    description="指定した項目だけを変更します（状態を `done` にすると完了日時が記録されます）。変更はタイムラインに残ります。",
)
def task_update(request, reference: str, task_id: int, payload: TaskPatch):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    task = selectors.task_get(actor, incident, task_id)
    sent = payload.model_dump(exclude_unset=True)
    services.task_update(
        actor=actor,
        task=task,
        title=sent.get("title"),
        description=sent.get("description"),
        due_date=sent["due_date"] if "due_date" in sent else ...,
        status=sent.get("status"),
        phase=sent.get("phase"),
        coverage_item=sent.get("coverage_item"),
    )
    return task_out(selectors.task_get(actor, incident, task_id))


# --- timeline and status ---------------------------------------------------------------------------------------


@router.post(
    "/incidents/{reference}/timeline/notes",
    response={201: TimelineEventOut},
    summary="メモ・判断を記録する",
    description="タイムラインにメモ（`note`）または判断（`decision`）を記録します。",
)
def note_add(request, reference: str, payload: NoteIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    event = services.note_add(actor=actor, incident=incident, text=payload.text, kind=payload.kind)
    return Status(201, timeline_event(event))


@router.post(
    "/incidents/{reference}/timeline/calls",
    response={201: TimelineEventOut},
    summary="通話を記録する",
    description="着信・発信の通話（相手と要旨）をタイムラインに記録します。デスクの通話は初動連絡になります。",
)
def call_add(request, reference: str, payload: CallIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    event = services.call_add(
        actor=actor,
        incident=incident,
        direction=payload.direction,
        counterpart=payload.counterpart,
        summary=payload.summary,
        called_at=payload.called_at,
    )
    return Status(201, timeline_event(event))


@router.post(
    "/incidents/{reference}/transition",
    response=IncidentOut,
    summary="インシデントの状態を変える",
    description="デスクは案件の状態を対応の流れに沿って変更します。事業者は受付中の自社の報告を取り下げられます"
    "（理由が必要）。許されない変更は 409（`illegal_transition`）です。",
)
def incident_transition(request, reference: str, payload: IncidentTransitionIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    services.incident_transition(
        actor=actor, incident=incident, to_status=payload.to_status, reason=payload.reason
    )
    return _detail(actor, selectors.incident_get(actor, reference))


# --- evidence --------------------------------------------------------------------------------------------------


@list_get(
    router,
    "/incidents/{reference}/evidence",
    item=EvidenceOut,
    summary="証拠の一覧（メタデータ）",
    description="案件の証拠ファイルのメタデータ（ファイル名、種類、サイズ、SHA-256、登録者・日時）を新しい順に返します。"
    "事業者（自社の案件）とデスクのスタッフ以上のみ。ファイル本体は POST …/evidence/{evidence_id}/download で理由を添えてダウンロードします。",
    personal=True,
)
def evidence_list(request, reference: str, page: Query[ListParams]):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    return paginate(request, selectors.evidence_for(actor, incident), page, _evidence, export=EVIDENCE_EXPORT)


@router.get(
    "/incidents/{reference}/evidence/{evidence_id}",
    response=EvidenceOut,
    summary="証拠のメタデータ",
    description="証拠ファイル1件のメタデータを返します。",
)
def evidence_detail(request, reference: str, evidence_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    return _evidence(selectors.evidence_get(actor, incident, evidence_id))


@router.post(
    "/incidents/{reference}/evidence",
    response={201: EvidenceOut},
    summary="証拠を登録する",
    description="ログ・画面の写真などの証拠ファイルを暗号化して保管し、登録をタイムラインと監査ログに記録します。",
)
def evidence_upload(request, reference: str, file: File[UploadedFile], description: str = ""):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    services.check_evidence_size(file.size or 0)
    item = services.evidence_upload(
        actor=actor, incident=incident, name=file.name or "", data=file.read(), description=description
    )
    return Status(201, _evidence(selectors.evidence_get(actor, incident, item.pk)))


# --- notices to the entrusting hospital --------------------------------------------------------------------------


class CaseNoticeOut(Schema):
    id: int
    hospital_code: str | None = Field(
        None, description="宛先の医療機関の組織コード（Sonaeに登録されている場合）"
    )
    recipient_name: str = Field(..., description="宛先")
    subject: str
    state: str = Field(..., description="`draft` 下書き、`sent` 送信済み、`acknowledged` 受領確認済み")
    state_label: str
    created_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None
    updated_at: datetime
    letter_text: str | None = Field(
        None, description="本文（詳細のみ。事業者とデスクに返し、代理店・保険会社には返しません）"
    )


NOTICE_EXPORT = Export(
    name="委託元への通知",
    columns=(
        Column("id", "ID", 8),
        Column("recipient_name", "宛先", 30),
        Column("subject", "件名", 40),
        Column("state_label", "状態", 20),
        Column("created_at", "作成日時", 18),
        Column("sent_at", "送信日時", 18),
        Column("acknowledged_at", "受領確認日時", 18),
    ),
)


def _case_notice(notice, *, letter: bool = False) -> dict:
    return {
        "id": notice.pk,
        "hospital_code": notice.hospital.code if notice.hospital_id else None,
        "recipient_name": notice.recipient_name,
        "subject": notice.subject,
        "state": notice.state,
        "state_label": notice.state_label,
        "created_at": notice.created_at,
        "sent_at": notice.sent_at,
        "acknowledged_at": notice.acknowledged_at,
        "updated_at": notice.updated_at,
        "letter_text": notice.letter_text if letter else None,
    }


@list_get(
    router,
    "/incidents/{reference}/notices",
    item=CaseNoticeOut,
    summary="委託元への通知の一覧",
    description="案件の委託元（医療機関）への通知と、その送信・受領確認の状況を新しい順に返します。",
)
def case_notice_list(request, reference: str, page: Query[ListParams]):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    return paginate(
        request, selectors.notices_for_incident(actor, incident), page, _case_notice, export=NOTICE_EXPORT
    )


@router.get(
    "/incidents/{reference}/notices/{notice_id}",
    response=CaseNoticeOut,
    summary="委託元への通知",
    description="通知1件を返します。本文は案件の事業者とデスクにのみ返します。",
)
def case_notice_detail(request, reference: str, notice_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    notice = selectors.notice_get_for_incident(actor, incident, notice_id)
    return _case_notice(notice, letter=selectors.may_see_caller(actor, incident))
