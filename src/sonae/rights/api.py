"""Rights-requests API: the business records and answers requests on its cases; the hospital lists forwarded ones.

Scoping is the selectors' (as on the pages): other organisations' cases and requests answer 404. The lists use the
shared envelope with ``updated_since`` and CSV/Excel export; a request is about an identifiable person, so the
exports are personal-data exports (recent sign-in from a browser, audit record).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sonae.api.files import DOCX, PDF, file_openapi, file_response, render_or_503
from sonae.api.listing import Export, ListParams, list_get, paginate, require_recent_auth_for_personal_data
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.documents.tabular import Column
from sonae.incidents.selectors import incident_get
from sonae.jp.calendar import tokyo_date

from . import letters, selectors, services
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


class RightsDisclosureIn(Schema):
    reason: str = Field(
        ..., min_length=1, max_length=500, description="閲覧・出力の理由（監査ログに記録されます）"
    )
    format: Literal["pdf", "docx"] = Field("pdf", description="`pdf` PDF、`docx` Word")


class RequestOut(Schema):
    id: int
    incident: str = Field(..., description="案件の受付番号")
    organisation_code: str = Field(..., description="請求を受け付けた事業者の組織コード")
    organisation_name: str = Field(..., description="請求を受け付けた事業者の名称")
    kind: str
    kind_label: str = Field(..., description="請求の種類")
    channel: str
    channel_label: str = Field(..., description="受付経路")
    status: str
    status_label: str = Field(..., description="状態")
    received_on: date = Field(..., description="請求の到達日")
    target_on: date = Field(..., description="回答目標日")
    may_sue_from: date = Field(..., description="訴えの提起が可能になる日（到達から2週間後。法39条）")
    late: bool = Field(..., description="回答目標日を過ぎて未回答")
    responder: str = Field(..., description="`self` 自社が回答、`forward` 委託元へ転送")
    responder_rule: str
    forwarded_to: str | None = Field(None, description="転送先の医療機関の組織コード")
    forwarded_at: datetime | None = None
    identity_method: str = Field("", description="本人確認の方法")
    identity_verified_at: datetime | None = None
    grounds_hold: bool | None
    grounds_note: str
    decision: str
    decision_label: str = ""
    decision_reasons: str = ""
    alternative_measure: str = ""
    fee_yen: int
    replied_on: date | None
    reply_method: str
    created_at: datetime
    updated_at: datetime


class ForwardedRequestOut(RequestOut):
    requester_name: str = Field("", description="請求者の氏名")
    asked: str = Field("", description="請求の内容")


class RightsReportOut(Schema):
    total: int = Field(..., description="請求の件数")
    by_kind: dict[str, int] = Field(..., description="種類ごとの件数")
    on_time: int = Field(..., description="期限内（転送・取り下げを除く）")
    late: int = Field(..., description="期限超過")
    outcomes: dict[str, int] = Field(..., description="決定ごとの件数")


def _out(request: RightsRequest, today: date | None = None) -> dict:
    today = today or tokyo_date(timezone.now())
    return {
        "id": request.pk,
        "incident": request.incident.reference,
        "organisation_code": request.organisation.code,
        "organisation_name": request.organisation.name,
        "kind": request.kind,
        "kind_label": request.get_kind_display(),
        "channel": request.channel,
        "channel_label": request.get_channel_display(),
        "status": request.status,
        "status_label": request.get_status_display(),
        "received_on": request.received_on,
        "target_on": request.target_on,
        "may_sue_from": request.may_sue_from,
        "late": request.is_late(today),
        "responder": request.responder,
        "responder_rule": request.responder_rule,
        "forwarded_to": request.forwarded_to.code if request.forwarded_to_id else None,
        "forwarded_at": request.forwarded_at,
        "identity_method": request.identity_method,
        "identity_verified_at": request.identity_verified_at,
        "grounds_hold": request.grounds_hold,
        "grounds_note": request.grounds_note,
        "decision": request.decision,
        "decision_label": request.get_decision_display() if request.decision else "",
        "decision_reasons": request.decision_reasons,
        "alternative_measure": request.alternative_measure,
        "fee_yen": request.fee_yen,
        "replied_on": request.replied_on,
        "reply_method": request.reply_method,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
    }


def _page_out():
    """The serialiser of a page: one ``today`` for every row (``late``)."""
    today = tokyo_date(timezone.now())
    return lambda request: _out(request, today)


_COLUMNS = (
    Column("id", "ID", 8),
    Column("incident", "受付番号", 18),
    Column("organisation_name", "受け付けた事業者", 30),
    Column("kind_label", "請求の種類", 16),
    Column("channel_label", "受付経路", 16),
    Column("status_label", "状態", 14),
    Column("received_on", "到達日", 12),
    Column("target_on", "回答目標日", 12),
    Column("late", "期限超過", 8),
    Column("forwarded_to", "転送先", 16),
    Column("forwarded_at", "転送日時", 18),
    Column("decision_label", "決定", 14),
    Column("decision_reasons", "理由", 40),
    Column("alternative_measure", "代替措置", 30),
    Column("fee_yen", "手数料（円）", 10),
    Column("replied_on", "回答日", 12),
    Column("reply_method", "回答方法", 10),
    Column("updated_at", "更新日時", 18),
)
# A request is an identifiable person's exercise of their rights (its decision's reasons may describe them).
REQUEST_EXPORT = Export(name="開示等の請求", columns=_COLUMNS, personal=True)
FORWARDED_EXPORT = Export(name="転送された開示等の請求", columns=_COLUMNS, personal=True)


@list_get(
    router,
    "/incidents/{reference}/rights-requests",
    item=RequestOut,
    summary="案件の開示等の請求",
    description="案件で受け付けた開示・訂正・利用停止等の請求を到達日の新しい順に返します（案件の事業者と、"
    "個人データの閲覧を許可されたデスク）。",
    personal=True,
)
def request_list(request, reference: str, page: Query[ListParams]):
    incident = incident_get(request.auth, reference)
    rows = selectors.requests_for_incident(request.auth, incident).select_related(
        "incident", "organisation", "forwarded_to"
    )
    return paginate(request, rows, page, _page_out(), export=REQUEST_EXPORT)


@router.post(
    "/incidents/{reference}/rights-requests",
    response={201: RequestOut},
    summary="開示等の請求を受け付ける",
    description="請求を記録し、回答目標日を計算します。委託を受けたデータの請求は、委託契約で自社が回答する場合"
    "（`by_contract`）を除き、委託元の医療機関へすぐに転送されます。",
)
def request_create(request, reference: str, payload: RequestIn):
    incident = incident_get(request.auth, reference)
    selectors.requests_for_incident(request.auth, incident)  # scope check (404)
    created = services.rights_request_receive(actor=request.auth, incident=incident, **payload.dict())
    return Status(201, _out(created))


@router.get(
    "/incidents/{reference}/rights-report",
    response=RightsReportOut,
    summary="案件の開示等の請求の集計",
    description="案件の請求の件数（種類ごと）、期限内・期限超過の件数、決定ごとの件数を返します（請求の一覧の画面の集計と同じ）。",
)
def request_report(request, reference: str):
    incident = incident_get(request.auth, reference)
    return selectors.report_for_incident(request.auth, incident, today=tokyo_date(timezone.now()))


@router.get(
    "/incidents/{reference}/rights-requests/{pk}",
    response=RequestOut,
    summary="開示等の請求",
    description="請求1件の状態・期限・本人確認・決定・回答を返します。",
)
def request_detail(request, reference: str, pk: int):
    return _out(selectors.request_get(request.auth, reference, pk))


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/verify",
    response=RequestOut,
    summary="本人確認",
    description="本人確認の方法を記録します（受付の状態の請求のみ。ほかの状態では 409）。",
)
def request_verify(request, reference: str, pk: int, payload: VerifyIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(
        services.rights_request_verify_identity(actor=request.auth, request=item, method=payload.method)
    )


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/decide",
    response=RequestOut,
    summary="決定",
    description="請求に応じるか（一部・代替措置・応じない）を決定します。応じない場合は理由が必要です（法36条）。",
)
def request_decide(request, reference: str, pk: int, payload: DecideIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(services.rights_request_decide(actor=request.auth, request=item, **payload.dict()))


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/reply",
    response=RequestOut,
    summary="回答の送付を記録",
    description="請求者へ回答を送った日と方法を記録します。",
)
def request_reply(request, reference: str, pk: int, payload: ReplyIn):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(services.rights_request_reply(actor=request.auth, request=item, **payload.dict()))


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/close",
    response=RequestOut,
    summary="請求を完了にする",
    description="回答を送付した請求を完了にします（回答送付済み以外の状態では 409）。",
)
def request_close(request, reference: str, pk: int):
    item = selectors.request_get(request.auth, reference, pk)
    return _out(services.rights_request_close(actor=request.auth, request=item))


_CONTENT_TYPES = {"pdf": PDF, "docx": DOCX}


@router.get(
    "/incidents/{reference}/rights-requests/{pk}/reply-letter",
    summary="回答書（PDF・Word）",
    description="請求者への回答書を、画面と同じ内容のPDF（`format=pdf`）または編集用のWord（`format=docx`）で返します。"
    "回答書は請求者の氏名を含むため、個人データの出力として監査ログに記録され（APIトークンの場合はトークンも）、"
    "ブラウザのセッションでは直近10分以内のログインまたは再認証が必要です（403 `reauthentication_required`）。",
    openapi_extra=file_openapi(PDF, DOCX, description="回答書（PDFまたはWord）"),
)
def request_reply_letter(request, reference: str, pk: int, format: Literal["pdf", "docx"] = "pdf"):  # noqa: A002
    item = selectors.request_get(request.auth, reference, pk)
    require_recent_auth_for_personal_data(request)
    content = render_or_503(lambda: letters.reply_letter_export(actor=request.auth, request=item, fmt=format))
    return file_response(content, _CONTENT_TYPES[format], f"{reference}-reply-{item.pk}.{format}")


@router.post(
    "/incidents/{reference}/rights-requests/{pk}/disclosure",
    summary="開示書類（保有個人データの開示）",
    description="対象者リストに記録された本人の個人データ（氏名・住所など）と漏えい等のおそれがある項目を載せた開示書類を、"
    "PDFまたはWordで返します（請求を管理できるスタッフ以上。ほかは 403）。理由とともに個人データの出力として監査ログに"
    "記録され、ブラウザのセッションでは直近10分以内のログインまたは再認証が必要です。対応デスクは、事業者から対象者"
    "データの閲覧を許可されている場合のみ出力できます（画面と同じ）。",
    openapi_extra=file_openapi(PDF, DOCX, description="開示書類（PDFまたはWord）"),
)
def request_disclosure(request, reference: str, pk: int, payload: RightsDisclosureIn):
    actor = request.auth
    item = selectors.request_get(actor, reference, pk)
    require_recent_auth_for_personal_data(request)
    if not actor.may("rights.manage"):
        raise PermissionDenied()
    reason = payload.reason.strip()
    if not reason:
        raise InvalidInput("閲覧・出力の理由を入力してください。", field="reason")
    content = render_or_503(
        lambda: letters.disclosure_package(actor=actor, request=item, reason=reason, fmt=payload.format)
    )
    return file_response(
        content, _CONTENT_TYPES[payload.format], f"{reference}-disclosure-{item.pk}.{payload.format}"
    )


@list_get(
    router,
    "/rights/forwarded",
    item=RequestOut,
    summary="委託先から転送された請求（医療機関）",
    description="委託先が受け付け、保有個人データの管理者である医療機関へ転送した請求を返します"
    "（医療機関以外は空の一覧）。",
    personal=True,
)
def forwarded_list(request, page: Query[ListParams]):
    rows = selectors.forwarded_for(request.auth).select_related("forwarded_to")
    return paginate(request, rows, page, _page_out(), export=FORWARDED_EXPORT)


@router.get(
    "/rights/forwarded/{pk}",
    response=ForwardedRequestOut,
    summary="転送された請求の詳細（医療機関）",
    description="請求者の氏名と請求の内容を含めて返します。閲覧は個人データの閲覧として監査ログに記録されます"
    "（画面と同じ）。",
)
def forwarded_detail(request, pk: int):
    item = selectors.forwarded_get(request.auth, pk)
    services.forwarded_request_viewed(actor=request.auth, request=item)
    return {**_out(item), "requester_name": item.requester_name or "", "asked": item.asked or ""}


@router.post(
    "/rights/forwarded/{pk}/decide",
    response=RequestOut,
    summary="転送された請求を委託元として決定（医療機関）",
    description="医療機関が転送された請求を決定します。利用停止・消去に応じた場合は委託先の対象者一覧にも反映され、"
    "委託先に通知されます。",
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
    description="医療機関が請求者へ回答を送った日と方法を記録します。",
)
def forwarded_reply(request, pk: int, payload: ReplyIn):
    item = selectors.forwarded_get(request.auth, pk)
    return _out(services.rights_request_reply_as_hospital(actor=request.auth, request=item, **payload.dict()))


@router.get(
    "/rights/report/{year}",
    response=RightsReportOut,
    summary="年度の請求の集計",
    description="制度年度ごとの請求の件数（種類ごと）、期限内・期限超過、決定ごとの件数を返します（個人データは含みません）。",
)
def year_report(request, year: str):
    return selectors.report_for_year(request.auth, year, today=tokyo_date(timezone.now()))
