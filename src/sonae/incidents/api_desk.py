"""Incident API, the desk's work and the facts of a case: the queue, the phone intake (with the provider search),
triage, updating the known facts (provider on its case, desk on any) and who owns a case's tasks (the vendor
directory and dispatches are in ``api_vendors``).

The same selectors and services as the pages (``views/intake.py``, ``views/case.py``, ``views/work.py``). The
desk's routes live under ``/desk/…`` so that they never collide with a case reference (``/incidents/{reference}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Schema, Status

from sonae.api.listing import ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.duties.rules import CAUSE_LABELS

from . import selectors, services, triage

# ``api`` imports this module at its end: its router, schemas and serialisers exist by then.
from .api import (
    INCIDENT_EXPORT,
    DataItemCode,
    IncidentIn,
    IncidentOut,
    IncidentSummaryOut,
    SymptomCode,
    TaskOut,
    _detail,
    _labels,
    _summary,
    hospital_by_code,
    router,
    task_out,
)
from .models import VendorCategory

CategoryCode = Literal[tuple(triage.CATEGORIES)]  # type: ignore[valid-type]
CauseCode = Literal[tuple(CAUSE_LABELS)]  # type: ignore[valid-type]
VendorCategoryCode = Literal[tuple(VendorCategory.values)]  # type: ignore[valid-type]
MAX_PERSONS = 2_147_483_647


# --- the desk's queue and phone intake -----------------------------------------------------------------------------


class QueueItemOut(IncidentSummaryOut):
    seconds_to_due: int = Field(..., description="初動連絡期限までの秒数（過ぎていれば負）")


class QueueFilter(Schema):
    overdue: bool = Field(False, description="初動連絡期限を過ぎて未対応の案件だけを返す")


@list_get(
    router,
    "/desk/queue",
    item=QueueItemOut,
    summary="デスクの対応待ち一覧",
    description="対応中の案件を、初動連絡がまだの案件から初動連絡期限の早い順に返します（デスクのみ）。"
    "`overdue=true` で期限を過ぎて未対応の案件だけにします（その件数が count）。",
)
def queue(request, filters: Query[QueueFilter], page: Query[ListParams]):
    now = timezone.now()
    cases = selectors.desk_queue_cases(request.auth)
    if filters.overdue:
        cases = cases.filter(first_responded_at__isnull=True, first_response_due__lt=now)

    def item(incident) -> dict:
        (row,) = selectors.queue_rows([incident], now=now)
        return {**_summary(incident, now), "seconds_to_due": int(row.time_to_due.total_seconds())}

    return paginate(request, cases.select_related("provider"), page, item, export=INCIDENT_EXPORT)


class ProviderFoundOut(Schema):
    id: int = Field(..., description="事業者のID（電話受付の provider_id）")
    code: str
    name: str
    name_kana: str


class ProviderSearch(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="名称・フリガナ（全角・半角・ひらがな可）・組織コード・証券番号（空なら空の一覧）",
    )


@router.get(
    "/desk/providers",
    response=list[ProviderFoundOut],
    summary="電話受付の事業者検索",
    description="名称・フリガナ・組織コード・証券番号で事業者を最大20件探します（デスクのスタッフ以上）。",
)
def provider_search(request, search: Query[ProviderSearch]):
    return [
        {"id": p.pk, "code": p.code, "name": p.name, "name_kana": p.name_kana}
        for p in selectors.provider_search(request.auth, search.q)
    ]


class IntakeIn(IncidentIn):
    provider_id: int = Field(..., ge=1, le=MAX_PERSONS, description="事業者のID（事業者検索の id）")
    caller_name: str = Field(..., min_length=1, max_length=100, description="通報者の氏名")
    caller_phone: str = Field(..., min_length=1, max_length=30, description="折り返し電話番号")
    called_at: datetime = Field(..., description="着信日時（ISO 8601、オフセット必須）")


@router.post(
    "/desk/intake",
    response={201: IncidentOut},
    summary="電話で受け付けたインシデントを登録する",
    description="デスクのオペレーターが、事業者からの電話（通報者・折り返し番号・着信日時）と報告の内容を登録します"
    "（デスクのスタッフ以上）。着信日時が受付日時になり、事業者にも通知されます。",
)
def intake(request, payload: IntakeIn):
    actor = request.auth
    provider = selectors.provider_for_intake(actor, payload.provider_id)
    if provider is None:
        raise InvalidInput("事業者を選んでください。", field="provider_id")
    incident = services.incident_report(
        actor=actor,
        channel="phone",
        provider=provider,
        symptoms=list(payload.symptoms),
        title=payload.title,
        description=payload.description,
        discovered_at=payload.discovered_at,
        data_items=list(payload.data_items),
        persons_estimate=payload.persons_estimate,
        data_owner=payload.data_owner,
        entrusting_hospital=hospital_by_code(payload.entrusting_hospital_code),
        entrusting_party_name=payload.entrusting_party_name,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        called_at=payload.called_at,
    )
    return Status(201, _detail(actor, selectors.incident_get(actor, incident.reference)))


# --- facts and triage of a case ----------------------------------------------------------------------------------


class FactsPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200, description="件名")
    description: str | None = Field(None, max_length=10000, description="状況")
    discovered_at: datetime | None = Field(None, description="発覚日時（null で未入力に戻す）")
    data_items: list[DataItemCode] | None = Field(None, description="漏えい等のおそれがある個人データの項目")
    persons_estimate: int | None = Field(
        None, ge=0, le=MAX_PERSONS, description="対象人数（null で未入力に戻す）"
    )
    data_owner: Literal["own", "entrusted", "unknown"] | None = Field(None, description="誰の情報か")
    entrusting_hospital_code: str | None = Field(
        None,
        max_length=50,
        description="委託元の医療機関の組織コード（null で登録された医療機関の指定を外す）",
    )
    entrusting_party_name: str | None = Field(
        None, max_length=200, description="委託元の名称（登録されていない場合）"
    )


_NULLABLE = ("discovered_at", "persons_estimate", "entrusting_hospital_code")


def _facts(sent: dict) -> dict:
    """The service's keyword arguments of the sent fields (a field not sent is not changed)."""
    facts = {k: v for k, v in sent.items() if v is not None or k in _NULLABLE}
    if "entrusting_hospital_code" in facts:
        facts["entrusting_hospital"] = hospital_by_code(facts.pop("entrusting_hospital_code"))
    for name in ("description", "entrusting_party_name"):
        if name in facts:
            facts[name] = facts[name] or ""
    return facts


@router.patch(
    "/incidents/{reference}/facts",
    response=IncidentOut,
    summary="わかっている事実を更新する",
    description="件名・状況・発覚日時・漏えい等のおそれがある項目・対象人数・誰の情報か・委託元を更新します"
    "（事業者は自社の案件、デスクはすべての案件。スタッフ以上）。送った項目だけを変更し、"
    "重大度の見直し・法的義務の再判定・タイムラインへの記録が行われます。完了・取り下げ済みの案件は 409 です。",
)
def facts_update(request, reference: str, payload: FactsPatch):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    services.incident_update_facts(
        actor=actor, incident=incident, **_facts(payload.model_dump(exclude_unset=True))
    )
    return _detail(actor, selectors.incident_get(actor, reference))


class TriageIn(Schema):
    symptoms: list[SymptomCode] = Field(..., min_length=1, description="症状のコード（1つ以上）")
    category: CategoryCode | None = Field(
        None, description="分類（省略時は症状から自動判定）：" + _labels(triage.CATEGORIES)
    )
    severity: int | None = Field(
        None, ge=1, le=4, description="重大度 1（緊急）〜4（低）（省略時は自動判定）"
    )
    cause: CauseCode | None = Field(None, description="原因（法的義務の判定用。省略時は分類から自動設定）")
    note: str = Field("", max_length=5000, description="所見（タイムラインに記録）")
    data_items: list[DataItemCode] | None = Field(
        None, description="漏えい等のおそれがある項目（省略時は変更しない）"
    )
    persons_estimate: int | None = Field(
        None, ge=0, le=MAX_PERSONS, description="対象人数（省略時は変更しない）"
    )
    data_owner: Literal["own", "entrusted", "unknown"] | None = Field(None, description="誰の情報か")
    entrusting_hospital_code: str | None = Field(
        None, max_length=50, description="委託元の医療機関の組織コード"
    )
    entrusting_party_name: str | None = Field(None, max_length=200, description="委託元の名称")


@router.post(
    "/incidents/{reference}/triage",
    response=IncidentOut,
    summary="トリアージを記録する（デスク）",
    description="症状・分類・重大度・原因と事実を確認して記録します（デスクのスタッフ以上）。受付中の案件は"
    "トリアージ済みになり、初動連絡として扱われます。完了・取り下げ済みの案件は 409 です。",
)
def incident_triage(request, reference: str, payload: TriageIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    sent = payload.model_dump(exclude_unset=True)
    head = {k: sent.pop(k) for k in ("symptoms", "category", "severity", "cause", "note") if k in sent}
    services.incident_triage(
        actor=actor,
        incident=incident,
        symptoms=list(head["symptoms"]),
        category=head.get("category"),
        severity=head.get("severity"),
        cause=head.get("cause"),
        note=head.get("note") or "",
        **_facts(sent),
    )
    return _detail(actor, selectors.incident_get(actor, reference))


# --- who owns a case's tasks -------------------------------------------------------------------------------------


class AssigneeOut(Schema):
    organisation_id: int
    organisation_name: str
    user_id: int | None = Field(..., description="担当者（null なら組織として担当）")
    label: str = Field(..., description="表示名（組織名、または組織名 / 担当者）")


class OwnerIn(Schema):
    organisation_id: int | None = Field(
        ...,
        ge=1,
        le=MAX_PERSONS,
        description="担当の組織（案件の事業者またはデスク）。null で担当を未定にする",
    )
    user_id: int | None = Field(None, ge=1, le=MAX_PERSONS, description="担当者（その組織のメンバー）")


def _work_case(actor, reference: str):
    """The case when the actor works on it (the task page's check): another's case 404, a reader 403."""
    incident = selectors.incident_get(actor, reference)
    if not selectors.may_work_on(actor, incident):
        raise PermissionDenied()
    return incident


@router.get(
    "/incidents/{reference}/assignees",
    response=list[AssigneeOut],
    summary="タスクの担当にできる組織と人",
    description="案件の事業者とデスク、およびそのメンバーを返します（事業者は自社の案件、デスクはすべての案件。スタッフ以上）。",
)
def assignees(request, reference: str):
    actor = request.auth
    incident = _work_case(actor, reference)
    rows, seen = [], set()
    for membership in selectors.assignable_members(actor, incident):
        org = membership.organisation
        if org.pk not in seen:
            seen.add(org.pk)
            rows.append(
                {"organisation_id": org.pk, "organisation_name": org.name, "user_id": None, "label": org.name}
            )
        rows.append(
            {
                "organisation_id": org.pk,
                "organisation_name": org.name,
                "user_id": membership.user_id,
                "label": f"{org.name} / {membership.user}",
            }
        )
    return rows


@router.put(
    "/incidents/{reference}/tasks/{task_id}/owner",
    response=TaskOut,
    summary="タスクの担当を変える",
    description="タスクを案件の事業者またはデスク（とそのメンバー）に割り当てます（スタッフ以上）。担当者には通知されます。"
    "ベンダーへの依頼タスクの担当は変えられません（403）。",
)
def task_owner_set(request, reference: str, task_id: int, payload: OwnerIn):
    actor = request.auth
    incident = _work_case(actor, reference)
    task = selectors.task_get(actor, incident, task_id)
    organisation = user = None
    if payload.organisation_id is not None:
        members = selectors.assignable_members(actor, incident).filter(
            organisation_id=payload.organisation_id
        )
        if payload.user_id is not None:
            members = members.filter(user_id=payload.user_id)
        membership = members.first()
        if membership is None:
            raise InvalidInput(
                "担当を選び直してください。", field="user_id" if payload.user_id else "organisation_id"
            )
        organisation = membership.organisation
        user = membership.user if payload.user_id is not None else None
    elif payload.user_id is not None:
        raise InvalidInput("担当者を指定するときは組織も指定してください。", field="organisation_id")
    services.task_assign(actor=actor, task=task, owner_organisation=organisation, owner_user=user)
    return task_out(selectors.task_get(actor, incident, task_id))
