"""Scoring of the security self-check: points per answer, total, band, per-part scores and advice.

IPA self-assessment scoring (insurance-and-sector.md §5.1): 実施している 4 / 一部実施している 2 / 実施していない 0 /
わからない −1 per question; 25 questions, so the total runs from −25 to 100. Bands: 100; 70–99; 50–69; 49 or less.
The band messages are Sonae's own wording of the meaning the source gives each band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sonae.core.errors import InvalidInput

from .questions import PARTS, QUESTION_BY_CODE, QUESTIONS, Question

IMPLEMENTED = "implemented"
PARTIAL = "partial"
NOT_IMPLEMENTED = "not_implemented"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Answer:
    code: str
    label: str
    points: int


# §5.1: 4 / 2 / 0 / −1.
ANSWERS: tuple[Answer, ...] = (
    Answer(IMPLEMENTED, "実施している", 4),
    Answer(PARTIAL, "一部実施している", 2),
    Answer(NOT_IMPLEMENTED, "実施していない", 0),
    Answer(UNKNOWN, "わからない", -1),
)
ANSWER_BY_CODE: dict[str, Answer] = {answer.code: answer for answer in ANSWERS}
ANSWER_LABELS: dict[str, str] = {answer.code: answer.label for answer in ANSWERS}

MAX_SCORE = 4 * len(QUESTIONS)
MIN_SCORE = -1 * len(QUESTIONS)


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    low: int  # inclusive
    high: int  # inclusive
    message: str
    level: str  # a UI tone (Bootstrap contextual name): success / primary / warning / danger


# §5.1 bands: 100 = entry level achieved; 70–99 mostly done with some gaps; 50–69 noticeable gaps; ≤49 an incident
# could happen any time.
BANDS: tuple[Band, ...] = (
    Band(
        "achieved",
        "入門レベル達成",
        100,
        100,
        "基本的な対策はすべて実施できています。この水準を保ちながら、多要素認証やログの確認など、"
        "一段上の対策に取り組みましょう。",
        "success",
    ),
    Band(
        "mostly",
        "おおむね実施",
        70,
        99,
        "対策はおおむねできていますが、まだ抜けている所があります。下の助言を参考に、"
        "できていない項目から順に埋めていきましょう。",
        "primary",
    ),
    Band(
        "gaps",
        "要改善",
        50,
        69,
        "対策に目立つ穴があります。攻撃や事故がその穴から入り込むおそれがあります。"
        "「基本的な対策」の項目から優先して取り組みましょう。",
        "warning",
    ),
    Band(
        "danger",
        "危険",
        MIN_SCORE,
        49,
        "いつ事故が起きてもおかしくない状態です。まず「基本的な対策」の5項目を今月中に実施し、"
        "事故のときの連絡先（サイバーBCP）を決めておきましょう。",
        "danger",
    ),
)
BAND_BY_CODE: dict[str, Band] = {band.code: band for band in BANDS}

# What the user should do first, by how weak the answer is (stronger weakness first).
_ADVICE_PREFIX = {
    NOT_IMPLEMENTED: "",
    UNKNOWN: "まず社内の担当者や保守業者に現状を確かめてください。そのうえで、",
    PARTIAL: "一部ではできています。対象をすべての端末・従業員に広げてください。",
}
_WEAKNESS_ORDER = {NOT_IMPLEMENTED: 0, UNKNOWN: 1, PARTIAL: 2}


@dataclass(frozen=True)
class PartScore:
    code: str
    label: str
    score: int
    max_score: int
    answered: int


@dataclass(frozen=True)
class Advice:
    question: str
    number: int
    part: str
    topic: str
    answer: str
    answer_label: str
    text: str


@dataclass(frozen=True)
class SelfCheckResult:
    score: int
    max_score: int
    band: Band
    parts: tuple[PartScore, ...]
    advice: tuple[Advice, ...]
    answers: dict[str, str]


def band_for(score: int) -> Band:
    """The band a total score falls in."""
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise InvalidInput(f"点数は{MIN_SCORE}〜{MAX_SCORE}の範囲です。", field="score")
    for band in BANDS:
        if band.low <= score <= band.high:
            return band
    raise AssertionError("bands cover the whole range")  # pragma: no cover


def validate_answers(answers: Mapping[str, str]) -> dict[str, str]:
    """Every question answered with a known answer code, and nothing else. Returns the answers in question order."""
    if not isinstance(answers, Mapping):
        raise InvalidInput("回答は設問コードと回答コードの対応で指定してください。", field="answers")
    unknown = sorted(set(answers) - set(QUESTION_BY_CODE))
    if unknown:
        raise InvalidInput(f"存在しない設問です：{', '.join(unknown)}", field="answers")
    cleaned: dict[str, str] = {}
    for question in QUESTIONS:
        value = answers.get(question.code)
        if value is None or value == "":
            raise InvalidInput(
                f"設問{question.number}「{question.topic}」に回答してください。", field=question.code
            )
        if value not in ANSWER_BY_CODE:
            valid = " / ".join(f"{a.code}（{a.label}）" for a in ANSWERS)
            raise InvalidInput(
                f"設問{question.number}の回答が不正です。{valid} のいずれかです。", field=question.code
            )
        cleaned[question.code] = value
    return cleaned


def advice_for(question: Question, answer: str) -> Advice | None:
    """What to do next for one weak answer (None when the measure is in place)."""
    if answer == IMPLEMENTED:
        return None
    return Advice(
        question=question.code,
        number=question.number,
        part=question.part,
        topic=question.topic,
        answer=answer,
        answer_label=ANSWER_LABELS[answer],
        text=_ADVICE_PREFIX[answer] + question.advice,
    )


def score_answers(answers: Mapping[str, str]) -> SelfCheckResult:
    """Score a complete set of answers: total, band, per-part scores and advice for every weak answer.

    Advice is ordered by part (basic measures first: §5.1 calls them mandatory for any company), then by how
    weak the answer is (not implemented, unknown, partial), then by question number.
    """
    cleaned = validate_answers(answers)
    points = {code: ANSWER_BY_CODE[value].points for code, value in cleaned.items()}
    total = sum(points.values())
    parts = []
    for part in PARTS:
        codes = [q.code for q in QUESTIONS if q.part == part.code]
        parts.append(
            PartScore(part.code, part.label, sum(points[c] for c in codes), 4 * len(codes), len(codes))
        )
    part_rank = {part.code: part.number for part in PARTS}
    advice = [a for q in QUESTIONS if (a := advice_for(q, cleaned[q.code])) is not None]
    advice.sort(key=lambda a: (part_rank[a.part], _WEAKNESS_ORDER[a.answer], a.number))
    return SelfCheckResult(
        score=total,
        max_score=MAX_SCORE,
        band=band_for(total),
        parts=tuple(parts),
        advice=tuple(advice),
        answers=cleaned,
    )
