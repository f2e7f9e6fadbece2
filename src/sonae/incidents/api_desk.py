"""Incident API, the desk's work and the facts of a case: the queue, the phone intake (with the provider search),
triage, updating the known facts (provider on its case, desk on any), the vendor directory and dispatching a vendor
to a case.

The same selectors and services as the pages (``views/intake.py``, ``views/case.py``, ``views/vendors.py``,
``views/work.py``). The desk's routes live under ``/desk/…`` and ``/vendors`` so that they never collide with a case
reference (``/incidents/{reference}``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput
from sonae.documents.tabular import Column
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
    _detail,
    _hospital_by_code,
    _labels,
    _summary,
    router,
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
        entrusting_hospital=_hospital_by_code(payload.entrusting_hospital_code),
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
        facts["entrusting_hospital"] = _hospital_by_code(facts.pop("entrusting_hospital_code"))
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


# --- the vendor directory and dispatches -------------------------------------------------------------------------


def _category_labels() -> str:
    return "、".join(f"`{c.value}` {c.label}" for c in VendorCategory)


class VendorOut(Schema):
    id: int
    name: str
    name_kana: str
    categories: list[str] = Field(..., description="対応分野：" + _category_labels())
    contact_name: str
    phone: str
    email: str
    notes: str
    is_active: bool = Field(..., description="手配先として有効")
    created_at: datetime
    updated_at: datetime


class VendorIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, description="名称")
    name_kana: str = Field("", max_length=200)
    categories: list[VendorCategoryCode] = Field(..., min_length=1, description="対応分野（1つ以上）")
    contact_name: str = Field("", max_length=100, description="担当窓口")
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    notes: str = Field("", max_length=5000)
    is_active: bool = True


class VendorPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_kana: str | None = Field(None, max_length=200)
    categories: list[VendorCategoryCode] | None = Field(None, min_length=1)
    contact_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    notes: str | None = Field(None, max_length=5000)
    is_active: bool | None = None


VENDOR_EXPORT = Export(
    name="ベンダー",
    columns=(
        Column("id", "ID", 8),
        Column("name", "名称", 30),
        Column("name_kana", "名称（カナ）", 30),
        Column("categories", "対応分野", 30),
        Column("contact_name", "担当窓口", 20),
        Column("phone", "電話番号", 16),
        Column("email", "メールアドレス", 30),
        Column("is_active", "有効", 8),
        Column("updated_at", "更新日時", 18),
    ),
)


def _vendor(v) -> dict:
    return {
        "id": v.pk,
        "name": v.name,
        "name_kana": v.name_kana,
        "categories": list(v.categories or []),
        "contact_name": v.contact_name,
        "phone": v.phone,
        "email": v.email,
        "notes": v.notes,
        "is_active": v.is_active,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
    }


def _check_email(email: str | None) -> None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput("メールアドレスの形式が正しくありません。", field="email") from None


class VendorFilter(Schema):
    active: bool | None = Field(None, description="`true` で手配先として有効なものだけ")


@list_get(
    router,
    "/vendors",
    item=VendorOut,
    summary="ベンダーの一覧",
    description="デスクのベンダー名簿（フォレンジック・法律・広報・コールセンター・データ復旧・印刷など）を返します（デスクのみ）。",
)
def vendor_list(request, filters: Query[VendorFilter], page: Query[ListParams]):
    vendors = selectors.vendors_for(request.auth)
    if filters.active is not None:
        vendors = vendors.filter(is_active=filters.active)
    return paginate(request, vendors.order_by("name_kana", "name", "id"), page, _vendor, export=VENDOR_EXPORT)


@router.post(
    "/vendors",
    response={201: VendorOut},
    summary="ベンダーを登録する",
    description="ベンダー名簿に登録します（デスクのスタッフ以上）。",
)
def vendor_create(request, payload: VendorIn):
    _check_email(payload.email)
    vendor = services.vendor_create(actor=request.auth, **payload.model_dump())
    return Status(201, _vendor(vendor))


@router.get(
    "/vendors/{vendor_id}",
    response=VendorOut,
    summary="ベンダー",
    description="ベンダー1件を返します（デスクのみ）。",
)
def vendor_detail(request, vendor_id: int):
    return _vendor(selectors.vendor_get(request.auth, vendor_id))


@router.patch(
    "/vendors/{vendor_id}",
    response=VendorOut,
    summary="ベンダーを変更する",
    description="送った項目だけを変更します（デスクのスタッフ以上）。`is_active=false` で手配先から外します。",
)
def vendor_update(request, vendor_id: int, payload: VendorPatch):
    actor = request.auth
    sent = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    _check_email(sent.get("email"))
    vendor = selectors.vendor_get(actor, vendor_id)
    return _vendor(services.vendor_update(actor=actor, vendor=vendor, **sent))


class DispatchOut(Schema):
    id: int
    vendor_id: int
    vendor_name: str
    category: str = Field(..., description="依頼分野：" + _category_labels())
    category_label: str
    scope: str = Field(..., description="依頼内容")
    task_id: int = Field(..., description="作成されたタスクのID")
    dispatched_at: datetime


class DispatchIn(Schema):
    vendor_id: int = Field(..., ge=1, le=MAX_PERSONS, description="ベンダーのID")
    category: VendorCategoryCode = Field(..., description="依頼分野（ベンダーの対応分野のいずれか）")
    scope: str = Field("", max_length=5000, description="依頼内容")
    due_date: date | None = Field(None, description="タスクの期限")


DISPATCH_EXPORT = Export(
    name="ベンダーの手配",
    columns=(
        Column("id", "ID", 8),
        Column("vendor_name", "ベンダー", 30),
        Column("category_label", "依頼分野", 16),
        Column("scope", "依頼内容", 40),
        Column("task_id", "タスクID", 10),
        Column("dispatched_at", "手配日時", 18),
    ),
)


def _dispatch(d) -> dict:
    return {
        "id": d.pk,
        "vendor_id": d.vendor_id,
        "vendor_name": d.vendor.name,
        "category": d.category,
        "category_label": d.get_category_display(),
        "scope": d.scope,
        "task_id": d.task_id,
        "dispatched_at": d.dispatched_at,
    }


@list_get(
    router,
    "/incidents/{reference}/dispatches",
    item=DispatchOut,
    summary="案件へのベンダーの手配",
    description="案件に手配したベンダーと依頼内容を返します。`updated_since` は手配日時に適用します。",
)
def dispatch_list(request, reference: str, page: Query[ListParams]):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    return paginate(
        request,
        selectors.dispatches_for(actor, incident).order_by("-dispatched_at", "-id"),
        page,
        _dispatch,
        export=DISPATCH_EXPORT,
        updated_field="dispatched_at",
    )


@router.post(
    "/incidents/{reference}/dispatches",
    response={201: DispatchOut},
    summary="ベンダーを手配する（デスク）",
    description="ベンダーを案件に手配し、ベンダー担当のタスク（依頼分野の補償項目付き）を作成します"
    "（デスクのスタッフ以上）。初動連絡として扱われ、事業者に通知されます。",
)
def dispatch_create(request, reference: str, payload: DispatchIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    vendor = selectors.vendors_for(actor, active_only=True).filter(pk=payload.vendor_id).first()
    if vendor is None:
        raise InvalidInput("手配できるベンダーを選んでください。", field="vendor_id")
    dispatch = services.vendor_dispatch(
        actor=actor,
        incident=incident,
        vendor=vendor,
        category=payload.category,
        scope=payload.scope,
        due_date=payload.due_date,
    )
    return Status(201, _dispatch(dispatch))
