"""Legal duties of a case over the API: the latest assessment with its duties, new versions, the history.

The stateless engine (``POST /duties/assess``) lives in ``sonae.api.rules``; these routes keep versions on a case.
Scoping is the selectors' (as on the pages): the case's provider and the desk in full; agency and insurer get the
latest result and the duties (no facts) and 403 on versions and writes; anyone else 404.
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Router, Schema, Status

from sonae.core.errors import InvalidInput, PermissionDenied
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


@router.get(
    "/incidents/{reference}/duties/versions",
    response=list[AssessmentOut],
    summary="判定の履歴",
    description="すべての版を新しい順に返します（事業者と対応デスクのみ）。",
)
def case_duties_versions(request, reference: str):
    incident = selectors.case_get(request.auth, reference)
    return [_assessment(a, with_facts=True) for a in selectors.versions_for(request.auth, incident)]
