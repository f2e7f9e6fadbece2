"""API of the self-check app: the overview, the questions, self-checks, the exposure estimate, the symptom list;
the vendor checklist (``api_vendor``) and the cyber-BCP (``api_bcp``) add their routes to this router.

``request.auth`` is the acting ``Actor``; the selectors scope every read to the actor's own organisation and
services raise ``sonae.core.errors`` exceptions, which the API maps to its error envelope. As on the pages, the
routes of a provider's own records answer 403 to other organisation kinds and 404 for another provider's record.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from ninja import Field, Query, Router, Schema, Status

from sonae.api.files import PDF, file_response
from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.core.errors import PermissionDenied
from sonae.documents.tabular import Column

from . import documents, selectors, services
from .rules.data_items import DATA_ITEM_LABELS
from .rules.exposure import estimate_to_dict
from .rules.plans import comparison_to_dict
from .rules.questions import PARTS, QUESTIONS, QUESTIONS_VERSION
from .rules.scoring import ANSWERS, BAND_BY_CODE, score_answers
from .rules.symptoms import SYMPTOMS

router = Router(tags=["セルフチェック・リスク試算"])

PDF_RESPONSE = {
    "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
}
XLSX_RESPONSE = {
    "responses": {
        200: {"content": {documents.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
    }
}


def provider_actor(request, action: str = "selfcheck.view"):
    """The acting provider when it may do ``action``; 403 for other organisation kinds and roles (as the pages)."""
    actor = request.auth
    if actor is None or actor.kind != "provider" or not actor.may(action):
        raise PermissionDenied()
    return actor


class ChoiceOut(Schema):
    code: str
    label: str


class QuestionOut(Schema):
    code: str
    number: int
    part: str
    topic: str
    text: str


class PartOut(Schema):
    code: str
    number: int
    label: str


class QuestionnaireOut(Schema):
    version: str
    parts: list[PartOut]
    questions: list[QuestionOut]
    answers: list[ChoiceOut]


class SelfCheckIn(Schema):
    answers: dict[str, str] = Field(..., description="設問コード（q01〜q25）→ 回答コード")


class PartScoreOut(Schema):
    code: str
    label: str
    score: int
    max_score: int


class AdviceOut(Schema):
    question: str
    number: int
    topic: str
    answer: str
    text: str


class SelfCheckOut(Schema):
    id: int
    taken_at: datetime
    questions_version: str = Field("", description="設問の版")
    answers: dict[str, str] = Field(default_factory=dict, description="設問コード → 回答コード")
    score: int
    band: str
    band_label: str
    band_message: str
    parts: list[PartScoreOut]
    advice: list[AdviceOut]


class SelfCheckSummaryOut(Schema):
    id: int
    taken_at: datetime = Field(..., description="実施日時")
    score: int = Field(..., description="点数")
    band: str = Field(..., description="区分のコード")
    band_label: str = Field("", description="区分")
    updated_at: datetime


class ExposureIn(Schema):
    data_items: list[str] = Field(..., description="個人情報の種類（duties-contract.md の項目コード）")
    persons: int = Field(..., description="人数")
    social_responsibility: int = 1
    response_evaluation: int = 1
    response_months: int = 3
    system_damage: bool = False
    save: bool = Field(False, description="true で試算を保存（ダッシュボードに表示）")


class SymptomOut(Schema):
    code: str
    title: str
    example: str
    first_step: str


def _check_out(check) -> dict:
    result = score_answers(check.answers)
    band = BAND_BY_CODE[check.band]
    return {
        "id": check.pk,
        "taken_at": check.taken_at,
        "questions_version": check.questions_version,
        "answers": dict(check.answers),
        "score": check.score,
        "band": band.code,
        "band_label": band.label,
        "band_message": band.message,
        "parts": [asdict(p) for p in result.parts],
        "advice": [
            {"question": a.question, "number": a.number, "topic": a.topic, "answer": a.answer, "text": a.text}
            for a in result.advice
        ],
    }


@router.get(
    "/selfcheck/questions",
    response=QuestionnaireOut,
    summary="セルフチェックの設問",
    description="セルフチェックの版・分野・設問と回答の選択肢を返します。",
)
def questions(request):
    return {
        "version": QUESTIONS_VERSION,
        "parts": [{"code": p.code, "number": p.number, "label": p.label} for p in PARTS],
        "questions": [asdict(q) for q in QUESTIONS],
        "answers": [{"code": a.code, "label": a.label} for a in ANSWERS],
    }


@router.post(
    "/selfcheck/checks",
    response={201: SelfCheckOut},
    summary="セルフチェックに回答する",
    description="全設問への回答を送ると、点数・区分・改善のアドバイスを記録して返します。",
)
def check_submit(request, payload: SelfCheckIn):
    check = services.self_check_submit(actor=request.auth, answers=payload.answers)
    return Status(201, _check_out(check))


CHECK_EXPORT = Export(
    name="セルフチェックの履歴",
    columns=(
        Column("id", "ID", 8),
        Column("taken_at", "実施日時", 18),
        Column("score", "点数", 8),
        Column("band_label", "区分", 16),
    ),
)


def _check_summary(c) -> dict:
    band = BAND_BY_CODE.get(c.band)
    return {
        "id": c.pk,
        "taken_at": c.taken_at,
        "score": c.score,
        "band": c.band,
        "band_label": band.label if band else "",
        "updated_at": c.updated_at,
    }


@list_get(
    router,
    "/selfcheck/checks",
    item=SelfCheckSummaryOut,
    summary="セルフチェックの履歴",
    description="自社のセルフチェックを新しい順に返します。",
)
def check_list(request, page: Query[ListParams]):
    return paginate(
        request, selectors.self_checks_for(request.auth), page, _check_summary, export=CHECK_EXPORT
    )


@router.get(
    "/selfcheck/checks/{check_id}",
    response=SelfCheckOut,
    summary="セルフチェックの結果",
    description="1回分の点数・区分・分野ごとの点数と改善のアドバイスを返します。",
)
def check_detail(request, check_id: int):
    return _check_out(selectors.self_check_get(request.auth, check_id))


@router.get(
    "/selfcheck/checks/{check_id}/pdf",
    summary="セルフチェックの結果（PDF）",
    description="画面の「PDFで保存」と同じ結果の帳票をPDFで返します。",
    openapi_extra=PDF_RESPONSE,
)
def check_pdf(request, check_id: int):
    actor = provider_actor(request)
    check = selectors.self_check_get(actor, check_id)
    content, filename = documents.check_pdf(check, actor.organisation)
    return file_response(content, PDF, filename)


# --- overview -----------------------------------------------------------------------------------------------------


class LatestScoreOut(Schema):
    check_id: int
    score: int
    band: str
    band_label: str
    taken_at: datetime


class PlanComparisonOut(Schema):
    plan: str = Field(..., description="プランのコード")
    label: str = ""
    liability_limit: int | None = Field(None, description="賠償の保険金額（円）")
    cost_limit: int | None = Field(None, description="費用の保険金額（円）")
    damages_cover_percent: int | None = Field(
        None, description="損害賠償額のうち保険金額でカバーされる割合（%）"
    )
    costs_cover_percent: int | None = Field(
        None, description="対応費用（試算の上限）のうちカバーされる割合（%）"
    )
    damages_shortfall: int | None = None
    costs_shortfall: int | None = None
    sentence: str = ""


class EstimateSummaryOut(Schema):
    id: int
    created_at: datetime = Field(..., description="試算日時")
    persons: int = Field(..., description="人数")
    data_items: list[str] = Field(..., description="個人情報の種類のコード")
    damages: int = Field(..., description="想定損害賠償額（円）")
    costs_high: int = Field(..., description="対応費用の上限（円）")
    programme_year: str | None = Field(None, description="比較したプランの制度年度")
    comparisons: list[PlanComparisonOut]


class EstimateOut(EstimateSummaryOut):
    result: dict = Field(..., description="試算の内訳（JOモデル、費用の内訳、前提と含まないもの）")


class SelfcheckOverviewOut(Schema):
    score: LatestScoreOut | None = Field(None, description="最新のセルフチェック（未実施なら null）")
    estimate: EstimateSummaryOut | None = Field(None, description="最新のリスク試算（未試算なら null）")
    bcp_status: str = Field(..., description="`none` 未作成、`draft` 作成中、`adopted` 策定済み")
    bcp_status_label: str
    bcp_review_state: str = Field(..., description="`none`、`ok`、`due_soon`、`overdue`")
    bcp_review_label: str
    bcp_next_review: date | None
    open_items: list[str] = Field(..., description="対応が必要なこと")


def _estimate_summary(e) -> dict:
    return {
        "id": e.pk,
        "created_at": e.created_at,
        "persons": e.persons,
        "data_items": list((e.result or {}).get("inputs", {}).get("data_items", [])),
        "damages": e.damages,
        "costs_high": e.costs_high,
        "programme_year": e.programme_year.code if e.programme_year_id else None,
        "comparisons": list(e.comparisons or []),
    }


@router.get(
    "/selfcheck/overview",
    response=SelfcheckOverviewOut,
    summary="リスク管理の概要",
    description="ダッシュボードと同じ内容です：最新のセルフチェックの点数と区分、最新のリスク試算とプランの比較、"
    "サイバーBCPの状態と見直しの時期、対応が必要なこと。",
)
def overview(request):
    actor = provider_actor(request)
    panel = selectors.risk_panel(actor)
    score = panel.score
    return {
        "score": {
            "check_id": score.check_id,
            "score": score.score,
            "band": score.band.code,
            "band_label": score.band.label,
            "taken_at": score.taken_at,
        }
        if score
        else None,
        "estimate": _estimate_summary(panel.estimate) if panel.estimate else None,
        "bcp_status": panel.bcp_status,
        "bcp_status_label": panel.bcp_status_label,
        "bcp_review_state": panel.bcp_review_state,
        "bcp_review_label": panel.bcp_review_label,
        "bcp_next_review": panel.bcp_next_review,
        "open_items": list(panel.open_items),
    }


# --- exposure estimate --------------------------------------------------------------------------------------------


@router.post(
    "/selfcheck/exposure",
    summary="リスク試算（JOモデル・JNSA参考値とプランの比較）",
    description="漏えいした個人情報の種類と人数から損害賠償額を試算し、各プランの限度額と比べます。save=true で保存します。",
)
def exposure(request, payload: ExposureIn):
    options = payload.dict(exclude={"data_items", "persons", "save"})
    if payload.save:
        saved = services.exposure_estimate_save(
            actor=request.auth, data_items=payload.data_items, persons=payload.persons, **options
        )
        return {**saved.result, "comparisons": saved.comparisons, "id": saved.pk}
    estimate, comparisons, _ = selectors.exposure_compute(
        data_items=payload.data_items, persons=payload.persons, **options
    )
    return {
        **estimate_to_dict(estimate),
        "comparisons": [comparison_to_dict(c) for c in comparisons],
        "id": None,
    }


ESTIMATE_EXPORT = Export(
    name="リスク試算の履歴",
    columns=(
        Column("id", "ID", 8),
        Column("created_at", "試算日時", 18),
        Column("persons", "人数", 10),
        Column("data_items", "個人情報の種類", 40),
        Column("damages", "想定損害賠償額（円）", 16),
        Column("costs_high", "対応費用の上限（円）", 16),
        Column("programme_year", "制度年度", 10),
    ),
)


@list_get(
    router,
    "/selfcheck/exposure/estimates",
    item=EstimateSummaryOut,
    summary="保存したリスク試算",
    description="自社が保存したリスク試算を新しい順に返します（試算の画面の履歴と同じ）。"
    "試算は保存後に変わらないため、`updated_since` は試算日時で絞り込みます。",
)
def estimate_list(request, page: Query[ListParams]):
    actor = provider_actor(request)
    rows = selectors.exposure_estimates_for(actor).select_related("programme_year")
    return paginate(
        request, rows, page, _estimate_summary, export=ESTIMATE_EXPORT, updated_field="created_at"
    )


@router.get(
    "/selfcheck/exposure/estimates/{estimate_id}",
    response=EstimateOut,
    summary="保存したリスク試算の詳細",
    description="試算の入力、損害賠償額と対応費用の内訳、各プランとの比較を返します。",
)
def estimate_detail(request, estimate_id: int):
    actor = provider_actor(request)
    estimate = selectors.exposure_estimate_get(actor, estimate_id)
    return {**_estimate_summary(estimate), "result": dict(estimate.result or {})}


@router.get(
    "/selfcheck/data-items",
    response=list[ChoiceOut],
    summary="個人情報の種類（試算の入力）",
    description="リスク試算で指定できる個人情報の種類のコードと名称です。",
)
def data_items(request):
    return [{"code": code, "label": label} for code, label in DATA_ITEM_LABELS.items()]


@router.get(
    "/selfcheck/symptoms",
    response=list[SymptomOut],
    auth=None,
    summary="こんなときはすぐにご連絡を",
    description="インシデントが疑われる症状の一覧です（認証不要）。",
)
def symptoms(request):
    return [asdict(s) for s in SYMPTOMS]


from . import api_bcp, api_vendor  # noqa: E402, F401  (their routes, on this router)
