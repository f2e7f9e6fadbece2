"""Legal duties of a case over the API: the latest assessment with its duties, new versions, the history.

The stateless engine (``POST /duties/assess``) lives in ``sonae.api.rules``; these routes keep versions on a case.
Scoping is the selectors' (as on the pages): the case's provider and the desk in full; agency and insurer get the
latest result and the duties (no facts) and 403 on versions and writes; anyone else 404.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import InvalidInput, NotFound, PermissionDenied
from sonae.documents.tabular import Column
from sonae.duties.rules import decode_json_document

from . import selectors, services
from .labels import basis_links
from .models import DutyAssessment, DutyItem

router = Router(tags=["法的対応"])


class BasisOut(Schema):
    code: str = Field(
        ..., description="エンジンの根拠の表記（例 `Enforcement Rules art. 7(i)`、`Sonae reading R5`）"
    )
    label: str = Field(..., description="日本語の表記（例 個人情報保護法施行規則7条1号、Sonae解釈R5）")
    anchor: str = Field(..., description="解説ページ /duties/explain/ のアンカー")


class DutyItemOut(Schema):
    kind: str = Field(
        ...,
        description="義務の種類（`ppc_preliminary` 速報、`ppc_final` 確報、`entrusting_party_notice` 委託元への通知 など）",
    )
    kind_label: str
    required: bool = Field(..., description="最新の判定で必要か")
    informational: bool = Field(..., description="委託元の義務を参考として示すもの（実施の記録はできません）")
    due_date: date | None = Field(None, description="期限・目安の日付（速やかに、の場合は null）")
    due_type: str = Field(..., description="`target` 目安、`deadline` 期限、`promptly` 速やかに")
    basis: list[BasisOut]
    done_at: datetime | None = Field(None, description="実施日時")
    reference_number: str = Field("", description="受付番号等（個人情報保護委員会の受付番号など）")
    task_id: int | None = Field(None, description="案件のタスクのID")
    updated_at: datetime


class AssessmentOut(Schema):
    version: int = Field(..., description="版（案件ごとに1から）")
    status: str = Field(
        ..., description="`current` 最新、`confirmed` 最新（確認済み）、`superseded` 以前の版"
    )
    created_at: datetime
    created_by: str
    entrusting_party: str = Field("", description="委託元の名称")
    note: str = ""
    facts: dict | None = Field(
        None, description="判定の入力（duties-contract 版1。代理店・保険会社には返しません）"
    )
    result: dict = Field(..., description="判定結果（duties-contract 版1の出力）")
    updated_at: datetime


class CaseDutiesOut(Schema):
    reference: str
    latest: AssessmentOut | None
    items: list[DutyItemOut]


def _item(item: DutyItem) -> dict:
    return {
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "required": item.required,
        "informational": item.informational,
        "due_date": item.due_date,
        "due_type": item.due_type,
        "basis": basis_links(item.basis),
        "done_at": item.done_at,
        "reference_number": item.reference_number,
        "task_id": item.task_id,
        "updated_at": item.updated_at,
    }


def _assessment(assessment: DutyAssessment, *, with_facts: bool) -> dict:
    return {
        "version": assessment.version,
        "status": assessment.status,
        "created_at": assessment.created_at,
        "created_by": assessment.created_by_label,
        "entrusting_party": assessment.entrusting_party_display,
        "note": assessment.note,
        "facts": assessment.facts if with_facts else None,
        "result": assessment.result,
        "updated_at": assessment.updated_at,
    }


def _case_duties(actor, incident) -> dict:
    latest = selectors.latest_assessment(actor, incident)
    detail = selectors.may_see_detail(actor, incident)
    return {
        "reference": incident.reference,
        "latest": _assessment(latest, with_facts=detail) if latest else None,
        "items": [_item(item) for item in selectors.items_for(actor, incident)],
    }


@router.get(
    "/incidents/{reference}/duties",
    response=CaseDutiesOut,
    summary="案件の法的対応",
    description="最新の判定（版・事実・結果）と、義務ごとの期限・根拠・実施の記録を返します。まだ判定していない案件は latest が null です。",
)
def case_duties(request, reference: str):
    incident = selectors.case_get(request.auth, reference)
    return _case_duties(request.auth, incident)


_FACTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "duties-contract 版1の入力（事案の事実）。省略した項目は最新の版の値（初回は案件の記録）を使います。"
                    "null を送るとその項目を既定値に戻します。追加で `entrusting_hospital_code`（委託元の医療機関の組織コード）、"
                    "`entrusting_party_name`、`note`（変更の理由）を指定できます。",
                }
            }
        },
    }
}


def _body(request) -> dict:
    payload = decode_json_document(request.body or b"{}")
    if not isinstance(payload, dict):
        raise InvalidInput("事案の事実はJSONオブジェクト（{...}）で指定してください。", field="input")
    return payload


@router.post(
    "/incidents/{reference}/duties",
    response={200: CaseDutiesOut, 201: CaseDutiesOut},
    summary="事実を更新して判定し直す",
    description="事実から新しい版を作り、期限をタスクに反映します（201）。事実も結果も変わらない場合は版を作らず 200 を返します。"
    "入力の誤りは 400（`invalid_input`、field に項目名、日本語のメッセージ）です。",
    openapi_extra=_FACTS_BODY,
)
def case_duties_assess(request, reference: str):
    from sonae.core.models import Organisation, OrganisationKind

    actor = request.auth
    incident = selectors.case_get(actor, reference)
    if not selectors.may_assess(actor, incident):
        raise PermissionDenied()
    payload = _body(request)
    start = selectors.form_facts(actor, incident)
    extra = {
        key: payload.pop(key)
        for key in ("entrusting_hospital_code", "entrusting_party_name", "note")
        if key in payload
    }
    facts = {**start["facts"], **payload}
    hospital = start["entrusting_hospital"]
    if "entrusting_hospital_code" in extra:
        code = extra["entrusting_hospital_code"]
        hospital = None
        if code:
            hospital = Organisation.objects.filter(
                kind=OrganisationKind.HOSPITAL, code=code, is_active=True
            ).first()
            if hospital is None:
                raise InvalidInput(
                    f"組織コード「{code}」の医療機関は登録されていません。", field="entrusting_hospital_code"
                )
    before = services.latest_assessment(incident)
    assessment = services.assessment_create(
        actor=actor,
        incident=incident,
        facts=facts,
        entrusting_hospital=hospital,
        entrusting_party_name=str(extra.get("entrusting_party_name", start["entrusting_party_name"]) or ""),
        note=str(extra.get("note") or ""),
    )
    status = 200 if before is not None and before.pk == assessment.pk else 201
    return Status(status, _case_duties(actor, incident))


ASSESSMENT_EXPORT = Export(
    name="法的義務の判定履歴",
    columns=(
        Column("version", "版", 6),
        Column("status", "状態", 12),
        Column("created_at", "判定日時", 18),
        Column("created_by", "判定者", 30),
        Column("entrusting_party", "委託元", 30),
        Column("note", "メモ", 40),
        Column("updated_at", "更新日時", 18),
    ),
)
ITEM_EXPORT = Export(
    name="法的義務",
    columns=(
        Column("kind_label", "義務", 30),
        Column("required", "必要", 8),
        Column("informational", "参考", 8),
        Column("due_type", "期限の種類", 10),
        Column("due_date", "期限", 12),
        Column("done_at", "実施日時", 18),
        Column("reference_number", "受付番号等", 20),
        Column("task_id", "タスクID", 10),
        Column("updated_at", "更新日時", 18),
    ),
)


@list_get(
    router,
    "/incidents/{reference}/duties/versions",
    item=AssessmentOut,
    summary="判定の履歴",
    description="すべての版を新しい順に返します（事業者と対応デスクのみ）。",
)
def case_duties_versions(request, reference: str, page: Query[ListParams]):
    incident = selectors.case_get(request.auth, reference)
    return paginate(
        request,
        selectors.versions_for(request.auth, incident),
        page,
        lambda a: _assessment(a, with_facts=True),
        export=ASSESSMENT_EXPORT,
    )


@router.get(
    "/incidents/{reference}/duties/versions/{version}",
    response=AssessmentOut,
    summary="判定の版",
    description="指定した版の判定（事実と結果）を返します（事業者と対応デスクのみ）。",
)
def case_duties_version(request, reference: str, version: int):
    incident = selectors.case_get(request.auth, reference)
    return _assessment(selectors.version_get(request.auth, incident, version), with_facts=True)


@list_get(
    router,
    "/incidents/{reference}/duties/items",
    item=DutyItemOut,
    summary="案件の義務と期限",
    description="義務ごとの期限・根拠・実施の記録を返します（判定で義務が分かった順）。",
)
def case_duty_items(request, reference: str, page: Query[ListParams]):
    incident = selectors.case_get(request.auth, reference)
    return paginate(request, selectors.items_for(request.auth, incident), page, _item, export=ITEM_EXPORT)


class DoneIn(Schema):
    done_at: datetime | None = Field(None, description="実施日時（省略時は現在）")
    reference_number: str = Field(
        "", max_length=100, description="受付番号等（個人情報保護委員会の受付番号など）"
    )


@router.post(
    "/incidents/{reference}/duties/items/{kind}/done",
    response=DutyItemOut,
    summary="義務の実施を記録する",
    description="報告・通知を実施した日時（と受付番号）を記録し、対応するタスクを完了にします。記録し直すと訂正になります。",
)
def duty_done(request, reference: str, kind: str, payload: DoneIn):
    actor = request.auth
    incident = selectors.case_get(actor, reference)
    item = selectors.item_get(actor, incident, kind)
    services.duty_mark_done(
        actor=actor, item=item, done_at=payload.done_at, reference=payload.reference_number
    )
    return _item(selectors.item_get(actor, incident, kind))


@router.post(
    "/incidents/{reference}/duties/items/{kind}/undone",
    response=DutyItemOut,
    summary="義務の実施の記録を取り消す",
    description="誤って記録した実施を取り消し、対応するタスクを未完了に戻します。",
)
def duty_undone(request, reference: str, kind: str):
    actor = request.auth
    incident = selectors.case_get(actor, reference)
    item = selectors.item_get(actor, incident, kind)
    services.duty_mark_undone(actor=actor, item=item)
    return _item(selectors.item_get(actor, incident, kind))


@router.post(
    "/incidents/{reference}/duties/confirm",
    response=CaseDutiesOut,
    summary="最新の判定を確認済みにする",
    description="最新の版を担当者が確認したことを記録します。すでに確認済みなら 409（`illegal_transition`）です。",
)
def case_duties_confirm(request, reference: str):
    actor = request.auth
    incident = selectors.case_get(actor, reference)
    latest = selectors.latest_assessment(actor, incident)
    if latest is None:
        raise NotFound("この案件はまだ判定されていません。")
    services.assessment_transition(actor=actor, assessment=latest, to_status="confirmed")
    return _case_duties(actor, incident)


# Re-assessing from the incident, the diff of versions, drafts and the explanation, on this router.
from . import api_documents  # noqa: E402, F401
