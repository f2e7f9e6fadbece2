"""API of the self-check app: the questions, self-checks, the exposure estimate, the symptom list.

``request.auth`` is the acting ``Actor``; the selectors scope every read to the actor's own organisation and
services raise ``sonae.core.errors`` exceptions, which the API maps to its error envelope.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column

from . import selectors, services
from .rules.data_items import DATA_ITEM_LABELS
from .rules.exposure import estimate_to_dict
from .rules.plans import comparison_to_dict
from .rules.questions import PARTS, QUESTIONS, QUESTIONS_VERSION
from .rules.scoring import ANSWERS, BAND_BY_CODE, score_answers
from .rules.symptoms import SYMPTOMS

router = Router(tags=["セルフチェック・リスク試算"])


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
