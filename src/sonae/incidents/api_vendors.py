"""Incident API, vendors: the desk's vendor directory (forensics, legal, PR, call centre, data recovery, printing)
and dispatching a vendor to a case — the same selectors and services as the vendor pages (``views/vendors.py``,
``views/work.py``). The directory is the desk's (403 for others); a case's dispatches are read by everyone who
sees the case and made by the desk's staff.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput
from sonae.documents.tabular import Column

from . import selectors, services
from .api import router
from .models import VendorCategory

VendorCategoryCode = Literal[tuple(VendorCategory.values)]  # type: ignore[valid-type]
MAX_ID = 2_147_483_647


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
    vendor_id: int = Field(..., ge=1, le=MAX_ID, description="ベンダーのID")
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
