"""Victims API, the case settings and what the list changes on the incident: the desk's access to the case's
personal data and the public self-service inquiry page (the settings page), carrying the list's figures over to
the incident's facts after the user confirmed them (the apply page), marking an inquiry's follow-up done, and the
inquiries per day (no personal data).

The same services and selectors as the pages: the settings and the facts proposal are the case's provider's only
(404 for every other organisation, as the pages); granting the desk needs the provider's admin role, the other
changes its staff role (403).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F
from django.urls import reverse
from ninja import Field, Query, Schema

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import NotFound, PermissionDenied
from sonae.documents.tabular import Column
from sonae.duties.rules import DATA_ITEM_LABELS
from sonae.incidents import selectors as incident_selectors
from sonae.victims import selectors
from sonae.victims.services import case as case_services
from sonae.victims.services import lookup as lookup_services

# ``api`` imports this module at its end: its router and the inquiry serialiser exist by then.
from .api import InquiryListOut, _inquiry, router


class CaseProviderOut(Schema):
    code: str
    name: str


class VictimCaseOut(Schema):
    reference: str = Field(description="インシデントの受付番号")
    title: str
    provider: CaseProviderOut
    has_list: bool = Field(description="対象者リストが取り込まれているか")
    persons: int | None = Field(description="対象者（個人）。リストがなければ null")
    corporations: int | None = Field(description="対象者（法人）。リストがなければ null")
    received_at: datetime = Field(description="インシデントの受付日時")
    updated_at: datetime | None = Field(description="対象者リスト（案件の設定・集計）の更新日時")


CASE_EXPORT = Export(
    name="対象者リストの案件",
    columns=(
        Column("reference", "受付番号", 18),
        Column("title", "件名", 40),
        Column("provider.name", "事業者", 30),
        Column("persons", "対象者（個人）", 12),
        Column("corporations", "対象者（法人）", 12),
        Column("received_at", "受付日時", 18),
        Column("updated_at", "更新日時", 18),
    ),
)


def _victim_case(incident) -> dict:
    has_list = bool(incident.list_updated_at)
    return {
        "reference": incident.reference,
        "title": incident.title,
        "provider": {"code": incident.provider.code, "name": incident.provider.name},
        "has_list": has_list,
        "persons": incident.list_persons if has_list else None,
        "corporations": incident.list_corporations if has_list else None,
        "received_at": incident.received_at,
        "updated_at": incident.case_updated_at,
    }


class SettingsOut(Schema):
    desk_access: bool = Field(description="デスクに対象者データの閲覧を許可しているか")
    desk_access_changed_at: datetime | None = Field(description="許可・取消の日時")
    self_service: bool = Field(description="本人向け照会ページを公開しているか")
    public_url: str | None = Field(description="本人向け照会ページのURL（公開中のみ。お詫び状に記載するURL）")
    may_grant: bool = Field(description="この主体がデスクの閲覧を許可・取消できるか（事業者の管理者）")
    updated_at: datetime


class DeskAccessIn(Schema):
    granted: bool = Field(..., description="`true` 許可する、`false` 許可を取り消す")


class SelfServiceIn(Schema):
    enabled: bool = Field(..., description="`true` 公開する、`false` 非公開にする")


class ItemOut(Schema):
    code: str
    label: str


class FactsProposalOut(Schema):
    persons_now: int | None = Field(description="インシデントに記録された対象人数（未入力なら null）")
    persons_new: int = Field(description="更新後の対象人数（リストの個人と法人の数）")
    items_now: list[ItemOut] = Field(description="インシデントに記録された漏えい等のおそれがある項目")
    items_new: list[ItemOut] = Field(description="更新後の項目（現在の項目にリストの項目を加えたもの）")
    changes: bool = Field(description="更新すると変わるものがあるか")


class FactsApplyIn(Schema):
    persons: int = Field(..., ge=0, le=2_147_483_647, description="確認した更新後の対象人数（persons_new）")
    data_items: list[str] = Field(
        ..., max_length=200, description="確認した更新後の項目のコード（items_new の code）"
    )


class FactsApplyOut(FactsProposalOut):
    applied: bool = Field(description="インシデントの事実を更新したか（すでに一致していれば false）")


class DayOut(Schema):
    day: date
    total: int = Field(description="問い合わせの数")
    by_category: dict[str, int] = Field(description="区分ごとの数")
    follow_up_open: int = Field(description="要対応で未対応の数")
    web_matched: int = Field(description="本人向け照会ページで対象と確認できた数")
    web_unmatched: int = Field(description="本人向け照会ページで対象と確認できなかった数")


def _settings(request, case) -> dict:
    public_url = None
    if case.self_service:
        public_url = request.build_absolute_uri(
            reverse("victims:public_inquiry", args=[case.self_service_token])
        )
    return {
        "desk_access": case.desk_access,
        "desk_access_changed_at": case.desk_access_changed_at,
        "self_service": case.self_service,
        "public_url": public_url,
        "may_grant": request.auth.may("victims.grant"),
        "updated_at": case.updated_at,
    }


def _items(codes) -> list[dict]:
    return [{"code": code, "label": str(DATA_ITEM_LABELS.get(code, code))} for code in codes]


def _proposal(proposal) -> dict:
    return {
        "persons_now": proposal.persons_now,
        "persons_new": proposal.persons_new,
        "items_now": _items(proposal.items_now),
        "items_new": _items(proposal.items_new),
        "changes": proposal.changes,
    }


@list_get(
    router,
    "/victims",
    item=VictimCaseOut,
    summary="対象者リストの案件の一覧",
    description="権限の範囲のインシデントと、その対象者リストの人数を受付の新しい順に返します（個人データは含みません。"
    "事業者は自社の案件。事業者・デスク・代理店・保険会社）。`updated_since` は対象者リストの更新日時に適用します。",
)
def case_list(request, page: Query[ListParams]):
    actor = request.auth
    if not actor.may("victims.stats"):
        raise PermissionDenied()
    incidents = (
        incident_selectors.incidents_for(actor)
        .select_related("provider")
        .annotate(
            list_persons=F("victim_case__persons"),
            list_corporations=F("victim_case__corporations"),
            list_updated_at=F("victim_case__stats_updated_at"),
            case_updated_at=F("victim_case__updated_at"),
        )
        .order_by("-received_at", "-id")
    )
    return paginate(
        request, incidents, page, _victim_case, export=CASE_EXPORT, updated_field="victim_case__updated_at"
    )


@router.get(
    "/victims/{reference}/settings",
    response=SettingsOut,
    summary="対象者の設定",
    description="デスクによる対象者データの閲覧の許可と、本人向け照会ページの公開の状態を返します（案件の事業者のみ）。",
)
def settings(request, reference: str):
    _incident, case = selectors.provider_case_get(request.auth, reference)
    return _settings(request, case)


@router.put(
    "/victims/{reference}/settings/desk-access",
    response=SettingsOut,
    summary="デスクの閲覧を許可・取り消す",
    description="インシデント窓口（デスク）がこの案件の対象者を照会できるようにするか（事業者の管理者のみ。"
    "許可・取消は監査ログに記録されます）。",
)
def desk_access_set(request, reference: str, payload: DeskAccessIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    case = case_services.desk_access_set(actor=actor, incident=incident, granted=payload.granted)
    return _settings(request, case)


@router.put(
    "/victims/{reference}/settings/self-service",
    response=SettingsOut,
    summary="本人向け照会ページを公開・非公開にする",
    description="お詫び状のお問い合わせ番号と生年月日で、ご本人が対象かどうかを確認できるページを公開するか"
    "（事業者のスタッフ以上。監査ログに記録されます）。",
)
def self_service_set(request, reference: str, payload: SelfServiceIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    case = case_services.self_service_set(actor=actor, incident=incident, enabled=payload.enabled)
    return _settings(request, case)


@router.get(
    "/victims/{reference}/incident-facts",
    response=FactsProposalOut,
    summary="対象者リストをインシデントに反映した場合の内容",
    description="インシデントの対象人数と漏えい等のおそれがある項目が、対象者リストに合わせるとどうなるかを返します"
    "（案件の事業者のみ）。反映は確認した内容を添えて POST …/incident-facts/apply で行います。",
)
def incident_facts(request, reference: str):
    incident, case = selectors.provider_case_get(request.auth, reference)
    return _proposal(case_services.incident_facts_proposal(incident, case))


@router.post(
    "/victims/{reference}/incident-facts/apply",
    response=FactsApplyOut,
    summary="対象者リストの人数と項目をインシデントに反映する",
    description="GET …/incident-facts で確認した更新後の対象人数と項目を送ると、インシデントの事実を更新します"
    "（法的義務の判定がやり直され、タイムラインに記録されます。事業者のスタッフ以上）。"
    "確認した後にリストや事実が変わっていた場合は何も変更せず 409（`proposal_changed`）を返します。",
)
def incident_facts_apply(request, reference: str, payload: FactsApplyIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    proposal = case_services.incident_update_from_list(
        actor=actor, incident=incident, confirmed=(payload.persons, payload.data_items)
    )
    return {**_proposal(proposal), "applied": proposal.changes}


@router.post(
    "/victims/{reference}/inquiries/{inquiry_id}/done",
    response=InquiryListOut,
    summary="問い合わせを対応済みにする",
    description="要対応（折り返し等）の問い合わせを対応済みにします（案件の事業者と、許可されたデスクのスタッフ以上）。",
)
def inquiry_done(request, reference: str, inquiry_id: int):
    actor = request.auth
    incident, case = selectors.case_get(actor, reference)
    inquiry = selectors.inquiries_for(actor, incident, case).filter(pk=inquiry_id).first()
    if inquiry is None:
        raise NotFound()
    return _inquiry(lookup_services.inquiry_follow_up_done(actor=actor, inquiry=inquiry))


@router.get(
    "/victims/{reference}/inquiries/statistics",
    response=list[DayOut],
    summary="問い合わせの日別の集計",
    description="直近31日の問い合わせの数を日ごと（新しい順）・区分ごとに返します（個人データは含みません。"
    "対象者の集計を見られる主体すべて）。",
)
def inquiry_statistics(request, reference: str):
    incident, _case = selectors.case_get(request.auth, reference)
    return [
        {
            "day": d.day,
            "total": d.total,
            "by_category": d.by_category,
            "follow_up_open": d.follow_up_open,
            "web_matched": d.web_matched,
            "web_unmatched": d.web_unmatched,
        }
        for d in selectors.inquiry_statistics(incident)
    ]
