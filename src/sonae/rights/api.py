"""Rights-requests API: the business records and answers requests on its cases; the hospital lists forwarded ones.

Scoping is the selectors' (as on the pages): other organisations' cases and requests answer 404.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema

from sonae.incidents.selectors import incident_get
from sonae.jp.calendar import tokyo_date

from . import selectors, services
from .models import Channel, Decision, Kind, ReplyMethod, RightsRequest

router = Router(tags=["開示等の請求"])


class RequestIn(Schema):
    kind: Literal[tuple(Kind.values)] = Field(
        ...,
        description="`disclosure` 開示、`correction` 訂正・追加・削除、"  # type: ignore[valid-type]
        "`suspension` 利用停止・消去、`third_party` 第三者提供の停止",
    )
    channel: Literal[tuple(Channel.values)] = Field(
        ..., description="`call` 電話、`web` 照会ページ、`letter` 書面"
    )  # type: ignore[valid-type]
    received_on: date = Field(..., description="請求の到達日")
    asked: str = Field(..., max_length=5000, description="請求の内容")
    victim_id: int | None = Field(None, description="対象者ID（対象者リストにある場合）")
    requester_name: str = Field("", max_length=100)
    fee_yen: int = Field(0, ge=0, description="手数料（円）。開示の請求のみ（法38条）")
    by_contract: bool = Field(
        False,
        description="委託を受けたデータでも、委託契約により委託元に代わって自社が回答する（転送しない）",
    )


class VerifyIn(Schema):
    method: str = Field(..., max_length=200, description="本人確認の方法")


class DecideIn(Schema):
    decision: Literal[tuple(Decision.values)]  # type: ignore[valid-type]
    reasons: str = ""
    alternative_measure: str = ""
    fee_yen: int = Field(0, ge=0)
    erase: bool = Field(False, description="利用停止・消去の請求に応じる場合、個人情報の項目を消去する")


class ReplyIn(Schema):
    replied_on: date
    method: Literal[tuple(ReplyMethod.values)]  # type: ignore[valid-type]


class RequestOut(Schema):
    id: int
    incident: str
    kind: str
    channel: str
    status: str
    received_on: date
    target_on: date
    may_sue_from: date
    late: bool
    responder: str
    responder_rule: str
    forwarded_to: str | None
    grounds_hold: bool | None
    grounds_note: str
    decision: str
    fee_yen: int
    replied_on: date | None
    reply_method: str


def _out(request: RightsRequest) -> dict:
    return {
        "id": request.pk,
        "incident": request.incident.reference,
        "kind": request.kind,
        "channel": request.channel,
        "status": request.status,
        "received_on": request.received_on,
        "target_on": request.target_on,
        "may_sue_from": request.may_sue_from,
        "late": request.is_late(tokyo_date(timezone.now())),
        "responder": request.responder,
        "responder_rule": request.responder_rule,
        "forwarded_to": request.forwarded_to.code if request.forwarded_to_id else None,
        "grounds_hold": request.grounds_hold,
        "grounds_note": request.grounds_note,
        "decision": request.decision,
        "fee_yen": request.fee_yen,
        "replied_on": request.replied_on,
        "reply_method": request.reply_method,
    }


@router.get("/incidents/{reference}/rights-requests", response=list[RequestOut], summary="案件の開示等の請求")
def request_list(request, reference: str):
    incident = incident_get(request.auth, reference)
    return [_out(r) for r in selectors.requests_for_incident(request.auth, incident)]


@router.post(
    "/incidents/{reference}/rights-requests", response={201: RequestOut}, summary="開示等の請求を受け付ける"
)
def request_create(request, reference: str, payload: RequestIn):
    incident = incident_get(request.auth, reference)
    selectors.requests_for_incident(request.auth, incident)  # scope check (404)
    created = services.rights_request_receive(actor=request.auth, incident=incident, **payload.dict())
    return 201, _out(created)


@router.get("/incidents/{reference}/rights-requests/{pk}", response=RequestOut, summary="開示等の請求")
def request_detail(request, reference: str, pk: int):
    return _out(selectors.request_get(request.auth, reference, pk))


@router.post("/incidents/{reference}/rights-requests/{pk}/verify", response=RequestOut, summary="本人確認")
def request_verify(request, reference: str, pk: int, payload: VerifyIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(
        services.rights_request_verify_identity(actor=request.auth, request=item, method=payload.method)
    )


@router.post("/incidents/{reference}/rights-requests/{pk}/decide", response=RequestOut, summary="決定")
def request_decide(request, reference: str, pk: int, payload: DecideIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(services.rights_request_decide(actor=request.auth, request=item, **payload.dict()))


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/reply", response=RequestOut, summary="回答の送付を記録"
)
def request_reply(request, reference: str, pk: int, payload: ReplyIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(services.rights_request_reply(actor=request.auth, request=item, **payload.dict()))


@router.get("/rights/forwarded", response=list[RequestOut], summary="委託先から転送された請求（医療機関）")
def forwarded_list(request):
    return [_out(r) for r in selectors.forwarded_for(request.auth)]


@router.post(
    "/rights/forwarded/{pk}/decide",
    response=RequestOut,
    summary="転送された請求を委託元として決定（医療機関）",
)
def forwarded_decide(request, pk: int, payload: DecideIn):
    item = selectors.forwarded_get(request.auth, pk)
    return _out(
        services.rights_request_decide_as_hospital(actor=request.auth, request=item, **payload.dict())
    )


@router.post(
    "/rights/forwarded/{pk}/reply",
    response=RequestOut,
    summary="転送された請求への回答の送付を記録（医療機関）",
)
def forwarded_reply(request, pk: int, payload: ReplyIn):
    item = selectors.forwarded_get(request.auth, pk)
    return _out(services.rights_request_reply_as_hospital(actor=request.auth, request=item, **payload.dict()))


@router.get("/rights/report/{year}", summary="年度の請求の集計")
def year_report(request, year: str):
    return selectors.report_for_year(request.auth, year, today=tokyo_date(timezone.now()))
