"""API of the hospital portal: a hospital's contractors (what each shares) and the notices it received with its own
duties; a provider's links to hospitals and its sharing consents.

Scoping is the selectors' (the same as the pages). A hospital endpoint called by another kind of organisation is
403; a contractor or notice outside the caller's scope is 404. Every read of shared information by a hospital is
audit-logged, as on the pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import Organisation, OrganisationKind
from sonae.documents.tabular import Column
from sonae.duties.rules import DATA_ITEM_LABELS
from sonae.jp.calendar import tokyo_date
from sonae.programme.businesses import BY_CODE

from . import selectors, services
from .models import HospitalSite
from .rules import SHARING_SECTIONS

router = Router(tags=["医療機関ポータル"])

BusinessCode = Literal[tuple(BY_CODE)]  # type: ignore[valid-type]
DataItemCode = Literal[tuple(DATA_ITEM_LABELS)]  # type: ignore[valid-type]


def _require(actor, action: str, kind: str) -> None:
    if actor is None or actor.kind != kind or not actor.may(action):
        raise PermissionDenied()


# --- schemas ----------------------------------------------------------------------------------------------------


class InsuranceOut(Schema):
    in_force: bool
    plan: str = Field("", description="プランのコード（保険料は含みません）")
    plan_label: str = ""
    cover_start: datetime | None = None
    cover_end: datetime | None = None


class ScoreOut(Schema):
    score: int
    band: str
    band_label: str
    taken_at: datetime


class ChecklistItemOut(Schema):
    number: str
    text: str
    answer: str
    target_date: date | None = Field(None, description="「いいえ」の対応目標日")
    overdue: bool


class ChecklistOut(Schema):
    checked_on: date
    complete: bool
    yes: int
    no: int
    overdue_count: int
    items: list[ChecklistItemOut]


class BcpOut(Schema):
    status: str
    status_label: str
    reviewed_on: date | None


class ContractorOut(Schema):
    id: int = Field(..., description="委託関係のID")
    provider_code: str
    provider_name: str
    site: str | None
    business_codes: list[str]
    business_labels: list[str]
    data_items: list[str]
    since: date
    shared: dict[str, bool] = Field(
        ..., description="共有に同意された項目（insurance, selfcheck, checklist, bcp）"
    )
    insurance: InsuranceOut | None = Field(None, description="共有されていない場合は null")
    selfcheck: ScoreOut | None = None
    checklist: ChecklistOut | None = None
    bcp: BcpOut | None = None
    last_notice_at: datetime | None = None
    last_incident: str | None = None
    updated_at: datetime = Field(..., description="委託関係の最終更新日時")


class OwnDutiesOut(Schema):
    available: bool
    reportable: bool
    knowing_date: date | None = Field(None, description="委託先の通知を受けた日（Sonae解釈R7）")
    preliminary_report_target: date | None
    final_report_due: date | None
    final_period_days: int | None
    individual_notice_required: bool
    joint_report: bool
    joint_preliminary_target: date | None = Field(
        None, description="連名の場合の速報の目安（委託先の起算、R8）"
    )
    joint_final_due: date | None
    message: str = ""


class FactsOut(Schema):
    discovered_at: datetime | None
    cause: str
    data_items: list[str]
    persons: int | None
    assessment_version: int | None


class NoticeOut(Schema):
    id: int
    reference: str
    provider_code: str
    provider_name: str
    subject: str
    sent_at: datetime
    acknowledged_at: datetime | None
    own_duties: OwnDutiesOut
    updated_at: datetime


class NoticeDetailOut(NoticeOut):
    letter_text: str
    facts: FactsOut


class LinkOut(Schema):
    id: int
    hospital_code: str
    hospital_name: str
    site: str | None
    status: str
    business_codes: list[str]
    data_items: list[str]
    since: date
    consents: dict[str, bool]
    updated_at: datetime


class LinkIn(Schema):
    hospital_code: str = Field(..., max_length=50, description="医療機関の組織コード")
    site_id: int | None = Field(None, description="施設のID（任意）")
    business_codes: list[BusinessCode] = Field(..., min_length=1, description="受託している認定業務のコード")
    data_items: list[DataItemCode] = Field(..., min_length=1, description="取り扱う個人データの項目のコード")
    since: date = Field(..., description="委託の開始日")


class ConsentIn(Schema):
    insurance: bool | None = None
    selfcheck: bool | None = None
    checklist: bool | None = None
    bcp: bool | None = None


# --- converters --------------------------------------------------------------------------------------------------


def _contractor(row: selectors.ContractorRow) -> dict:
    p = row.posture
    link = p.link
    out = {
        "id": link.pk,
        "provider_code": link.provider.code,
        "provider_name": link.provider.name,
        "site": link.site.name if link.site_id else None,
        "business_codes": link.business_codes,
        "business_labels": link.business_labels,
        "data_items": link.data_items,
        "since": link.since,
        "shared": p.shared,
        "last_notice_at": row.last_notice.sent_at if row.last_notice else None,
        "last_incident": row.last_notice.incident.reference if row.last_notice else None,
        "updated_at": link.updated_at,
    }
    if p.shared["insurance"] and p.insurance is not None:
        out["insurance"] = {
            "in_force": p.insurance.in_force,
            "plan": p.insurance.plan,
            "plan_label": p.insurance.plan_label,
            "cover_start": p.insurance.cover_start,
            "cover_end": p.insurance.cover_end,
        }
    if p.score is not None:
        out["selfcheck"] = {
            "score": p.score.score,
            "band": p.score.band,
            "band_label": p.score.band_label,
            "taken_at": p.score.taken_at,
        }
    if p.checklist is not None:
        c = p.checklist
        out["checklist"] = {
            "checked_on": c.checked_on,
            "complete": c.complete,
            "yes": c.yes,
            "no": c.no,
            "overdue_count": c.overdue_count,
            "items": [
                {
                    "number": i.number,
                    "text": i.text,
                    "answer": i.answer,
                    "target_date": i.target_date,
                    "overdue": i.overdue,
                }
                for i in c.items
            ],
        }
    if p.bcp is not None:
        out["bcp"] = {
            "status": p.bcp.status,
            "status_label": p.bcp.status_label,
            "reviewed_on": p.bcp.reviewed_on,
        }
    return out


def _duties(d: selectors.HospitalDuties) -> dict:
    return {
        "available": d.available,
        "reportable": d.reportable,
        "knowing_date": d.knowing_date,
        "preliminary_report_target": d.preliminary_report_target,
        "final_report_due": d.final_report_due,
        "final_period_days": d.final_period_days,
        "individual_notice_required": d.individual_notice_required,
        "joint_report": d.joint,
        "joint_preliminary_target": d.joint_preliminary_target,
        "joint_final_due": d.joint_final_due,
        "message": d.message,
    }


def _notice(notice, duties: selectors.HospitalDuties, *, facts: selectors.SharedFacts | None = None) -> dict:
    """A notice with the hospital's own duties; with the shared ``facts`` (and the letter) in its detail."""
    out = {
        "id": notice.pk,
        "reference": notice.incident.reference,
        "provider_code": notice.incident.provider.code,
        "provider_name": notice.incident.provider.name,
        "subject": notice.subject,
        "sent_at": notice.sent_at,
        "acknowledged_at": notice.acknowledged_at,
        "own_duties": _duties(duties),
        "updated_at": notice.updated_at,
    }
    if facts is not None:
        f = facts
        out["letter_text"] = notice.letter_text
        out["facts"] = {
            "discovered_at": f.discovered_at,
            "cause": f.cause,
            "data_items": list(f.data_items),
            "persons": f.persons,
            "assessment_version": f.assessment_version,
        }
    return out


def _link(link) -> dict:
    return {
        "id": link.pk,
        "hospital_code": link.hospital.code,
        "hospital_name": link.hospital.name,
        "site": link.site.name if link.site_id else None,
        "status": link.status,
        "business_codes": link.business_codes,
        "data_items": link.data_items,
        "since": link.since,
        "consents": {code: link.shares(code) for code in SHARING_SECTIONS},
        "updated_at": link.updated_at,
    }


# --- hospital endpoints ------------------------------------------------------------------------------------------


CONTRACTOR_EXPORT = Export(
    name="委託先一覧",
    columns=(
        Column("id", "委託関係ID", 10),
        Column("provider_code", "事業者コード", 16),
        Column("provider_name", "事業者名", 30),
        Column("site", "施設", 20),
        Column("business_labels", "受託業務", 30),
        Column("data_items", "個人データの項目", 30),
        Column("since", "委託開始日", 12),
        Column("insurance.plan_label", "加入プラン", 14),
        Column("selfcheck.score", "セルフチェック点数", 12),
        Column("last_notice_at", "最後の通知", 18),
        Column("last_incident", "最後のインシデント", 18),
        Column("updated_at", "更新日時", 18),
    ),
)
NOTICE_EXPORT = Export(
    name="委託先からの通知",
    columns=(
        Column("id", "ID", 8),
        Column("reference", "受付番号", 18),
        Column("provider_code", "事業者コード", 16),
        Column("provider_name", "事業者名", 30),
        Column("subject", "件名", 40),
        Column("sent_at", "受信日時", 18),
        Column("acknowledged_at", "受領確認日時", 18),
        Column("own_duties.preliminary_report_target", "速報の目安", 12),
        Column("own_duties.final_report_due", "確報の期限", 12),
        Column("own_duties.individual_notice_required", "本人通知", 8),
        Column("updated_at", "更新日時", 18),
    ),
)
LINK_EXPORT = Export(
    name="委託元の医療機関",
    columns=(
        Column("id", "委託関係ID", 10),
        Column("hospital_code", "医療機関コード", 16),
        Column("hospital_name", "医療機関名", 30),
        Column("site", "施設", 20),
        Column("status", "状態", 10),
        Column("business_codes", "受託業務", 30),
        Column("data_items", "個人データの項目", 30),
        Column("since", "委託開始日", 12),
        Column("consents", "共有設定", 40),
        Column("updated_at", "更新日時", 18),
    ),
)


@list_get(
    router,
    "/hospitals/contractors",
    item=ContractorOut,
    summary="委託先の一覧（医療機関）",
    description="承認済みの委託先と、各委託先が共有に同意した情報を返します。共有されていない項目は null です。"
    "閲覧（出力を含む）は監査ログに記録されます。`updated_since` は委託関係（共有設定など）の更新日時で絞り込みます。",
)
def contractor_list(request, page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.contractor.view", OrganisationKind.HOSPITAL)
    now = timezone.now()
    rows = selectors.contractor_rows(actor, now=now, today=tokyo_date(now))
    shown = []

    def serialise(row):
        shown.append(row.posture.link)
        return _contractor(row)

    result = paginate(
        request,
        rows,
        page,
        serialise,
        export=CONTRACTOR_EXPORT,
        updated_of=lambda row: row.posture.link.updated_at,
    )
    if shown:
        services.shared_view_record(actor=actor, links=shown, what="api")
    return result


@router.get(
    "/hospitals/contractors/{link_id}",
    response=ContractorOut,
    summary="委託先の詳細（医療機関）",
    description="委託関係のIDで1件を返します。承認していない・他の医療機関の委託関係は 404 です。",
)
def contractor_detail(request, link_id: int):
    actor = request.auth
    _require(actor, "hospitals.contractor.view", OrganisationKind.HOSPITAL)
    now = timezone.now()
    link = selectors.contractor_link_get(actor, link_id)
    row = selectors.ContractorRow(
        selectors.posture_for(link, now=now, today=tokyo_date(now)), selectors.last_notice_for(actor, link)
    )
    services.shared_view_record(actor=actor, links=[link], what="api")
    return _contractor(row)


@list_get(
    router,
    "/hospitals/notices",
    item=NoticeOut,
    summary="委託先からの通知と医療機関自身の期限",
    description="受信した通知ごとに、通知を受けた日から数えた医療機関自身の速報の目安・確報の期限・本人通知の要否を返します（Sonae解釈R7、連名ならR8）。",
)
def notice_list(request, page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.case.view", OrganisationKind.HOSPITAL)
    return paginate(
        request,
        selectors.notices_with_duties(actor),
        page,
        lambda n: _notice(n, selectors.notice_duties(n)),
        export=NOTICE_EXPORT,
    )


@router.get(
    "/hospitals/notices/{notice_id}",
    response=NoticeDetailOut,
    summary="通知の詳細",
    description="通知の本文、委託先が共有した事実（患者個人の情報は含みません）と医療機関自身の期限を返します。",
)
def notice_detail(request, notice_id: int):
    actor = request.auth
    _require(actor, "hospitals.case.view", OrganisationKind.HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    view = selectors.case_view(actor, notice)
    return _notice(notice, view.duties, facts=view.facts)


@router.post(
    "/hospitals/notices/{notice_id}/acknowledge",
    response=NoticeDetailOut,
    summary="通知の受領を確認する（医療機関）",
    description="委託先からの通知を受け取ったことを記録します。事業者とデスクに知らされ、タイムラインに残ります。"
    "受領確認はログインした医療機関の担当者（スタッフ以上）が行います（APIトークンでは 403）。"
    "確認済みの通知は 409（`illegal_transition`）です。",
)
def notice_acknowledge(request, notice_id: int):
    actor = request.auth
    _require(actor, "hospitals.case.view", OrganisationKind.HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    services.notice_acknowledge(actor=actor, notice=notice)
    notice = selectors.notice_get(actor, notice_id)
    view = selectors.case_view(actor, notice)
    return _notice(notice, view.duties, facts=view.facts)


# --- provider endpoints ------------------------------------------------------------------------------------------


@list_get(
    router,
    "/hospitals/links",
    item=LinkOut,
    summary="委託元の医療機関（事業者）",
    description="事業者が登録した医療機関との委託関係と、医療機関ごとの共有設定を返します。",
)
def link_list(request, page: Query[ListParams]):
    actor = request.auth
    _require(actor, "hospitals.link.view", OrganisationKind.PROVIDER)
    return paginate(request, selectors.links_for_provider(actor), page, _link, export=LINK_EXPORT)


@router.post(
    "/hospitals/links",
    response={201: LinkOut},
    summary="医療機関を委託元として登録する（事業者）",
    description="承認待ちの委託関係を作ります。医療機関が承認すると、共有に同意した情報が見られるようになります。",
)
def link_create(request, payload: LinkIn):
    actor = request.auth
    _require(actor, "hospitals.link.declare", OrganisationKind.PROVIDER)
    hospital = Organisation.objects.filter(
        code=payload.hospital_code, kind=OrganisationKind.HOSPITAL, is_active=True
    ).first()
    if hospital is None:
        raise InvalidInput("医療機関の組織コードが見つかりません。", field="hospital_code")
    site = None
    if payload.site_id is not None:
        site = HospitalSite.objects.filter(pk=payload.site_id, hospital=hospital, is_active=True).first()
        if site is None:
            raise InvalidInput("施設が見つかりません。", field="site_id")
    link = services.link_declare(
        actor=actor,
        hospital=hospital,
        site=site,
        business_codes=list(payload.business_codes),
        data_items=list(payload.data_items),
        since=payload.since,
    )
    return Status(201, _link(link))


@router.put(
    "/hospitals/links/{link_id}/consent",
    response=LinkOut,
    summary="共有設定を変更する（事業者の管理者）",
    description="指定した項目だけを変更します（null は変更しない）。共有をやめると医療機関からすぐに見えなくなります。",
)
def link_consent(request, link_id: int, payload: ConsentIn):
    actor = request.auth
    _require(actor, "hospitals.link.view", OrganisationKind.PROVIDER)
    link = selectors.link_get_for_provider(actor, link_id)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    link = services.consent_update(actor=actor, link=link, **changes)
    return _link(link)


# Questions, answers and the joint flag; the hospital's drafts (their routes, on this router).
from . import api_cases, api_drafts  # noqa: E402, F401
