"""API of the webhooks app: the event catalogue, the organisation's endpoints (admins only), their delivery log,
test events and redelivery. Endpoints of another organisation are 404."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column

from . import selectors, services
from .events import EVENT_TYPES, EVENTS

router = Router(tags=["Webhook"])

EventCode = Literal[tuple(EVENTS)]  # type: ignore[valid-type]


class EventTypeOut(Schema):
    code: str
    label: str
    description: str


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    is_active: bool
    secret_hint: str = Field(
        ..., description="シークレットの先頭（識別用。シークレット自体は発行時のみ返します）"
    )
    created_at: datetime
    updated_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(
        ..., description="署名用シークレット。この応答でのみ返します。安全に保管してください。"
    )


class EndpointIn(Schema):
    name: str = Field(..., max_length=100, description="送信先の名前（用途がわかるもの）")
    url: str = Field(..., max_length=500, description="送信先URL（http:// または https://）")
    event_types: list[EventCode] = Field(..., min_length=1, description="通知するイベントのコード")
    is_active: bool = True


class EndpointPatch(Schema):
    name: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=500)
    event_types: list[EventCode] | None = None
    is_active: bool | None = None


class AttemptOut(Schema):
    number: int
    at: datetime
    status_code: int | None
    duration_ms: int
    error: str


class DeliveryOut(Schema):
    id: UUID = Field(..., description="送信ID（X-Sonae-Delivery ヘッダーの値）")
    endpoint_id: int
    event_id: UUID = Field(..., description="イベントID（本文の id。再送でも同じ値）")
    event_type: str
    status: str = Field(..., description="pending / retrying / succeeded / failed")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    is_test: bool
    created_at: datetime
    updated_at: datetime


class DeliveryDetailOut(DeliveryOut):
    body: str = Field(..., description="送信した本文（JSON）")
    attempt_log: list[AttemptOut]


class DeliveryFilter(Schema):
    status: Literal["pending", "retrying", "succeeded", "failed"] | None = Field(
        None, description="状態で絞り込む"
    )


def _endpoint(endpoint) -> dict:
    return {
        "id": endpoint.pk,
        "name": endpoint.name,
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "is_active": endpoint.is_active,
        "secret_hint": endpoint.secret_hint,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def _delivery(delivery, *, detail: bool = False) -> dict:
    data = {
        "id": delivery.uuid,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if delivery.is_open else None,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
        "is_test": delivery.is_test,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
    }
    if detail:
        data["body"] = delivery.body
        data["attempt_log"] = [
            {
                "number": a.number,
                "at": a.at,
                "status_code": a.status_code,
                "duration_ms": a.duration_ms,
                "error": a.error,
            }
            for a in delivery.attempt_log.all()
        ]
    return data


@router.get(
    "/webhooks/events",
    response=list[EventTypeOut],
    summary="Webhookのイベント一覧",
    description="購読できるイベントのコードと説明です。",
)
def event_types(request):
    return [{"code": e.code, "label": e.label, "description": e.description} for e in EVENT_TYPES]


ENDPOINT_EXPORT = Export(
    name="Webhookの送信先",
    columns=(
        Column("id", "ID", 8),
        Column("name", "名前", 24),
        Column("url", "URL", 50),
        Column("event_types", "イベント", 40),
        Column("is_active", "有効", 8),
        Column("created_at", "登録日時", 18),
        Column("updated_at", "更新日時", 18),
    ),
)
DELIVERY_EXPORT = Export(
    name="Webhookの送信記録",
    columns=(
        Column("id", "送信ID", 38),
        Column("event_id", "イベントID", 38),
        Column("event_type", "イベント", 24),
        Column("status", "状態", 12),
        Column("attempts", "試行回数", 10),
        Column("last_status_code", "最後の応答コード", 14),
        Column("last_error", "最後のエラー", 40),
        Column("delivered_at", "送信完了日時", 18),
        Column("is_test", "テスト", 8),
        Column("created_at", "作成日時", 18),
    ),
)


@list_get(
    router,
    "/webhooks/endpoints",
    item=EndpointOut,
    summary="Webhookの送信先の一覧",
    description="組織のWebhook送信先を返します（組織の管理者権限が必要です）。",
)
def endpoint_list(request, page: Query[ListParams]):
    return paginate(request, selectors.endpoints_for(request.auth), page, _endpoint, export=ENDPOINT_EXPORT)


@router.post(
    "/webhooks/endpoints",
    response={201: EndpointCreatedOut},
    summary="Webhookの送信先を登録する",
    description="送信先を登録し、署名用シークレットを返します。シークレットはこの応答でのみ確認できます。",
)
def endpoint_create(request, payload: EndpointIn):
    endpoint, secret = services.endpoint_create(
        actor=request.auth,
        name=payload.name,
        url=payload.url,
        event_types=list(payload.event_types),
        is_active=payload.is_active,
    )
    return Status(201, {**_endpoint(endpoint), "secret": secret})


@router.get(
    "/webhooks/endpoints/{endpoint_id}",
    response=EndpointOut,
    summary="Webhookの送信先",
    description="送信先1件を返します（シークレットは先頭のみ）。他の組織の送信先は 404 です。",
)
def endpoint_detail(request, endpoint_id: int):
    return _endpoint(selectors.endpoint_get(request.auth, endpoint_id))


@router.patch(
    "/webhooks/endpoints/{endpoint_id}",
    response=EndpointOut,
    summary="Webhookの送信先を変更する",
    description="指定した項目だけを変更します（is_active=false で送信を停止）。",
)
def endpoint_update(request, endpoint_id: int, payload: EndpointPatch):
    endpoint = selectors.endpoint_get(request.auth, endpoint_id)
    endpoint = services.endpoint_update(
        actor=request.auth,
        endpoint=endpoint,
        name=payload.name,
        url=payload.url,
        event_types=list(payload.event_types) if payload.event_types is not None else None,
        is_active=payload.is_active,
    )
    return _endpoint(endpoint)


@router.delete(
    "/webhooks/endpoints/{endpoint_id}",
    response={204: None},
    summary="Webhookの送信先を削除する",
    description="送信先と送信記録を削除します。",
)
def endpoint_delete(request, endpoint_id: int):
    endpoint = selectors.endpoint_get(request.auth, endpoint_id)
    services.endpoint_delete(actor=request.auth, endpoint=endpoint)
    return Status(204, None)


@router.post(
    "/webhooks/endpoints/{endpoint_id}/secret",
    response=EndpointCreatedOut,
    summary="シークレットを再発行する",
    description="新しい署名用シークレットを発行して返します。古いシークレットの署名はすぐに使われなくなります。",
)
def endpoint_rotate_secret(request, endpoint_id: int):
    endpoint = selectors.endpoint_get(request.auth, endpoint_id)
    endpoint, secret = services.endpoint_rotate_secret(actor=request.auth, endpoint=endpoint)
    return {**_endpoint(endpoint), "secret": secret}


@router.post(
    "/webhooks/endpoints/{endpoint_id}/test",
    response={202: DeliveryOut},
    summary="テストイベントを送信する",
    description="webhook.test イベントを1回だけ送信します（再送なし）。結果は送信記録で確認できます。",
)
def endpoint_test(request, endpoint_id: int):
    endpoint = selectors.endpoint_get(request.auth, endpoint_id)
    delivery = services.endpoint_send_test(actor=request.auth, endpoint=endpoint)
    delivery.refresh_from_db()
    return Status(202, _delivery(delivery))


@list_get(
    router,
    "/webhooks/endpoints/{endpoint_id}/deliveries",
    item=DeliveryOut,
    summary="送信記録の一覧",
    description="送信先ごとの送信記録を新しい順に返します。",
)
def endpoint_deliveries(request, endpoint_id: int, filters: Query[DeliveryFilter], page: Query[ListParams]):
    endpoint = selectors.endpoint_get(request.auth, endpoint_id)
    qs = selectors.deliveries_for(request.auth, endpoint)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(request, qs, page, _delivery, export=DELIVERY_EXPORT)


@router.get(
    "/webhooks/deliveries/{delivery_id}",
    response=DeliveryDetailOut,
    summary="送信記録の詳細",
    description="送信内容と、試行ごとの応答コード・所要時間・エラーを返します。",
)
def delivery_detail(request, delivery_id: UUID):
    return _delivery(selectors.delivery_get(request.auth, str(delivery_id)), detail=True)


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut},
    summary="再送する",
    description="完了した送信（成功・失敗）を、同じイベントIDと本文で新しい送信として送ります。",
)
def delivery_redeliver(request, delivery_id: UUID):
    delivery = selectors.delivery_get(request.auth, str(delivery_id))
    again = services.delivery_redeliver(actor=request.auth, delivery=delivery)
    again.refresh_from_db()
    return Status(202, _delivery(again))
