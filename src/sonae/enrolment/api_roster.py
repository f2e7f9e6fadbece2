"""Enrolment API, the roster of certified businesses (the foundation's and the agency's roster pages): the entries
with their certifications, and uploads of the roster file — validated first (every bad line answered), then
committed (only the valid rows when the user says so explicitly) or discarded; and what the roster means for a
provider (the enrolment home page): its eligibility in each open window and the policy in force.

The same selectors and services as the pages (``views/roster.py``): reading needs ``enrolment.roster.view``,
uploads ``enrolment.roster.manage`` and are the uploading organisation's own (another's is 404).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, NotEligible, NotFound
from sonae.core.policy import require
from sonae.documents.tabular import Column
from sonae.jp.calendar import tokyo_date
from sonae.programme.businesses import business_label
from sonae.programme.selectors import windows_open_at

from . import selectors, services
from .api import router
from .api_backoffice import LineErrorsOut, _read
from .models import RosterImport

# --- the roster of certified businesses --------------------------------------------------------------------------


class CertificationOut(Schema):
    business: str = Field(..., description="認定業務のコード")
    business_label: str
    unit: str
    facility_name: str
    certified_from: date
    valid_until: date
    certificate_number: str


class RosterEntryOut(Schema):
    id: int
    corporate_number: str
    name: str
    name_kana: str
    address: str
    prefecture: str
    organisation_id: int | None = Field(..., description="Sonaeの事業者ID（登録済みの場合）")
    certifications: list[CertificationOut]
    updated_at: datetime


class RosterFilter(Schema):
    q: str = Field("", max_length=200, description="事業者名・フリガナの一部、または法人番号")
    business: str = Field("", max_length=40, description="認定業務のコード")
    prefecture: str = Field("", max_length=10, description="都道府県")


ROSTER_EXPORT = Export(
    name="認定事業者名簿",
    columns=(
        Column("corporate_number", "法人番号", 16),
        Column("name", "事業者名", 30),
        Column("name_kana", "事業者名（カナ）", 30),
        Column("prefecture", "都道府県", 10),
        Column("address", "所在地", 40),
        Column("updated_at", "更新日時", 18),
    ),
)


def _entry(e) -> dict:
    return {
        "id": e.pk,
        "corporate_number": e.corporate_number,
        "name": e.name,
        "name_kana": e.name_kana,
        "address": e.address,
        "prefecture": e.prefecture,
        "organisation_id": e.organisation_id,
        "certifications": [
            {
                "business": c.business,
                "business_label": business_label(c.business),
                "unit": c.unit,
                "facility_name": c.facility_name,
                "certified_from": c.certified_from,
                "valid_until": c.valid_until,
                "certificate_number": c.certificate_number,
            }
            for c in e.certifications.all()
        ],
        "updated_at": e.updated_at,
    }


@list_get(
    router,
    "/enrolment/roster",
    item=RosterEntryOut,
    summary="認定事業者名簿",
    description="医療関連サービスマークの認定事業者と認定（業務・有効期限）を返します（振興会と代理店）。",
)
def entry_list(request, filters: Query[RosterFilter], page: Query[ListParams]):
    actor = require(request.auth, "enrolment.roster.view")
    entries = selectors.roster_entries_for(actor)
    q = filters.q.strip()
    if q:
        entries = entries.filter(Q(name__icontains=q) | Q(name_kana__icontains=q) | Q(corporate_number=q))
    if filters.business:
        entries = entries.filter(certifications__business=filters.business).distinct()
    if filters.prefecture:
        entries = entries.filter(prefecture=filters.prefecture)
    return paginate(request, entries.order_by("name_kana", "name", "id"), page, _entry, export=ROSTER_EXPORT)


@router.get(
    "/enrolment/roster/{entry_id}",
    response=RosterEntryOut,
    summary="認定事業者",
    description="名簿の事業者1件と、その認定を返します（振興会と代理店）。",
)
def entry_detail(request, entry_id: int):
    actor = require(request.auth, "enrolment.roster.view")
    return _entry(selectors.roster_entry_get(actor, entry_id))


class RosterEntryChangeOut(Schema):
    changed_at: datetime = Field(..., description="変更日時")
    change: str = Field(..., description="`+` 登録、`~` 変更、`-` 削除")
    change_label: str = Field(..., description="変更の種類")
    corporate_number: str
    name: str = Field(..., description="変更後の事業者名")
    name_kana: str
    address: str
    prefecture: str


HISTORY_LIMIT = 20
# Japanese labels whatever language the request negotiates (the API's descriptions and labels are Japanese).
CHANGE_LABELS = {"+": "登録", "~": "変更", "-": "削除"}


@router.get(
    "/enrolment/roster/{entry_id}/history",
    response=list[RosterEntryChangeOut],
    summary="認定事業者の変更履歴",
    description=f"名簿の事業者1件の変更履歴を新しい順に最大{HISTORY_LIMIT}件返します（画面と同じ。振興会と代理店）。"
    "各行は変更後の内容です。",
)
def entry_history(request, entry_id: int):
    actor = require(request.auth, "enrolment.roster.view")
    entry = selectors.roster_entry_get(actor, entry_id)
    return [
        {
            "changed_at": h.history_date,
            "change": h.history_type,
            "change_label": CHANGE_LABELS.get(h.history_type, h.history_type),
            "corporate_number": h.corporate_number,
            "name": h.name,
            "name_kana": h.name_kana,
            "address": h.address,
            "prefecture": h.prefecture,
        }
        for h in entry.history.all()[:HISTORY_LIMIT]
    ]


class RosterImportOut(Schema):
    id: int
    file_name: str
    encoding: str
    status: str = Field(..., description="`validated` 検証済（未反映）、`committed` 反映済、`discarded` 破棄")
    status_label: str
    uploaded_at: datetime
    rows_total: int
    rows_valid: int
    errors: list[LineErrorsOut] = Field(..., description="エラーのある行と理由")
    accepted_valid_only: bool = Field(..., description="正しい行のみを反映したか")
    committed_at: datetime | None
    result: dict[str, int] = Field(
        ..., description="反映の結果（`created` 新規、`updated` 更新、`unchanged` 変更なし）"
    )


class CommitIn(Schema):
    accept_valid_only: bool = Field(
        False, description="エラーのある行を除いて反映する（エラー行があるときに明示的に指定）"
    )


ROSTER_IMPORT_EXPORT = Export(
    name="名簿の取込",
    columns=(
        Column("id", "ID", 8),
        Column("file_name", "ファイル名", 30),
        Column("status_label", "状態", 14),
        Column("uploaded_at", "取込日時", 18),
        Column("rows_total", "行数", 10),
        Column("rows_valid", "正しい行", 10),
        Column("committed_at", "反映日時", 18),
    ),
)


def _roster_import(i: RosterImport) -> dict:
    return {
        "id": i.pk,
        "file_name": i.file_name,
        "encoding": i.encoding,
        "status": i.status,
        "status_label": i.get_status_display(),
        "uploaded_at": i.uploaded_at,
        "rows_total": i.rows_total,
        "rows_valid": i.rows_valid,
        "errors": i.errors or [],
        "accepted_valid_only": i.accepted_valid_only,
        "committed_at": i.committed_at,
        "result": {k: v for k, v in (i.result or {}).items() if isinstance(v, int)},
    }


@list_get(
    router,
    "/enrolment/roster-imports",
    item=RosterImportOut,
    summary="名簿の取込の一覧",
    description="自組織がアップロードした名簿ファイルの検証・反映の状況を新しい順に返します（振興会と代理店のスタッフ以上）。"
    "`updated_since` はアップロード日時に適用します。",
)
def import_list(request, page: Query[ListParams]):
    actor = require(request.auth, "enrolment.roster.manage")
    return paginate(
        request,
        selectors.roster_imports_for(actor).order_by("-uploaded_at", "-id"),
        page,
        _roster_import,
        export=ROSTER_IMPORT_EXPORT,
        updated_field="uploaded_at",
    )


@router.post(
    "/enrolment/roster-imports",
    response={201: RosterImportOut},
    summary="名簿ファイルを検証する",
    description="名簿ファイル（CSV：UTF-8またはShift_JIS、またはExcel。20MBまで）を読み取り、すべての行を検証します"
    "（名簿はまだ変更しません）。エラーのある行は行番号と理由を返します。反映は commit、取りやめは discard で行います。",
)
def import_upload(request, file: File[UploadedFile]):
    actor = require(request.auth, "enrolment.roster.manage")
    upload = services.roster_import_validate(actor=actor, file_name=file.name or "", data=_read(file))
    return Status(201, _roster_import(upload))


@router.get(
    "/enrolment/roster-imports/{roster_import_id}",
    response=RosterImportOut,
    summary="名簿の取込",
    description="取込1件の検証結果（エラー行）と反映の結果を返します。",
)
def import_detail(request, roster_import_id: int):
    actor = require(request.auth, "enrolment.roster.manage")
    return _roster_import(selectors.roster_import_get(actor, roster_import_id))


@router.post(
    "/enrolment/roster-imports/{roster_import_id}/commit",
    response=RosterImportOut,
    summary="名簿に反映する",
    description="検証済みの取込を名簿に反映します。エラーのある行があるときは、`accept_valid_only=true` を指定した場合に"
    "だけ正しい行を反映します（指定しなければ何も反映せず 400）。反映・破棄済みは 409 です。",
)
def import_commit(request, roster_import_id: int, payload: CommitIn):
    actor = require(request.auth, "enrolment.roster.manage")
    upload = selectors.roster_import_get(actor, roster_import_id)
    services.roster_import_commit(
        actor=actor, roster_import=upload, accept_valid_only=payload.accept_valid_only
    )
    return _roster_import(selectors.roster_import_get(actor, roster_import_id))


@router.post(
    "/enrolment/roster-imports/{roster_import_id}/discard",
    response=RosterImportOut,
    summary="名簿の取込を破棄する",
    description="検証済みの取込を破棄します（名簿は変更しません）。反映・破棄済みは 409 です。",
)
def import_discard(request, roster_import_id: int):
    actor = require(request.auth, "enrolment.roster.manage")
    upload = selectors.roster_import_get(actor, roster_import_id)
    services.roster_import_discard(actor=actor, roster_import=upload)
    return _roster_import(selectors.roster_import_get(actor, roster_import_id))


# --- eligibility (the enrolment home page) -----------------------------------------------------------------------


class EligibleCertificationOut(Schema):
    business: str
    business_label: str
    valid_until: date


class WindowEligibilityOut(Schema):
    programme_year: str
    name: str
    joining: str = Field(..., description="加入区分（`main` 期初、`mid` 中途）")
    cover_start: datetime
    cover_end: datetime
    quote_deadline: date
    application_deadline: date
    eligible: bool = Field(..., description="保険始期に有効な認定があり加入できるか")
    reason: str = Field(..., description="加入できない理由（加入できる場合は空）")
    certifications: list[EligibleCertificationOut] = Field(..., description="保険始期に有効な認定")


class EligibilityOut(Schema):
    organisation_id: int
    in_force_policy_id: int | None = Field(..., description="いま補償中の契約（なければ null）")
    in_force_policy_number: str | None
    windows: list[WindowEligibilityOut] = Field(
        ..., description="いま受け付けている年度・加入区分ごとの加入資格"
    )


class EligibilityQuery(Schema):
    organisation_id: int | None = Field(
        None, ge=1, le=2_147_483_647, description="代理店が確認する事業者のID（事業者は省略。自社のみ）"
    )


@router.get(
    "/enrolment/eligibility",
    response=EligibilityOut,
    summary="加入資格と現在の補償",
    description="いま受け付けている年度・加入区分ごとに、保険始期に有効な認定があって加入できるか（できない理由）と、"
    "いま補償中の契約を返します（事業者は自社。代理店は organisation_id で事業者を指定）。",
)
def eligibility(request, query: Query[EligibilityQuery]):
    actor = require(request.auth, "enrolment.quote.view")
    organisation = actor.organisation
    if actor.kind != "provider":
        if query.organisation_id is None:
            raise InvalidInput(
                "確認する事業者の organisation_id を指定してください。", field="organisation_id"
            )
        # A read: an agency viewer may check a provider's eligibility (creating its quote needs staff).
        providers = selectors.provider_organisations_for(actor, "enrolment.quote.view")
        organisation = providers.filter(pk=query.organisation_id).first()
    elif query.organisation_id not in (None, organisation.pk):
        organisation = None
    if organisation is None:
        raise NotFound()
    now = timezone.now()
    windows = []
    for year, window in windows_open_at(now):
        try:
            _, certifications = selectors.eligibility(organisation, tokyo_date(window.cover_start))
            reason = ""
        except NotEligible as exc:
            certifications, reason = [], exc.message
        windows.append(
            {
                "programme_year": year.code,
                "name": year.name,
                "joining": window.joining,
                "cover_start": window.cover_start,
                "cover_end": window.cover_end,
                "quote_deadline": window.quote_deadline,
                "application_deadline": window.application_deadline,
                "eligible": not reason,
                "reason": reason,
                "certifications": [
                    {
                        "business": c.business,
                        "business_label": business_label(c.business),
                        "valid_until": c.valid_until,
                    }
                    for c in certifications
                ],
            }
        )
    policy = selectors.policy_in_force(organisation, now)
    return {
        "organisation_id": organisation.pk,
        "in_force_policy_id": policy.pk if policy else None,
        "in_force_policy_number": policy.number if policy else None,
        "windows": windows,
    }
