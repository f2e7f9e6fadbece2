"""Victims API: aggregates of a case's list, the call-centre look-up and inquiry records.

Scoping is the selectors' (the same as the pages): statistics for the provider, desk, agency and insurer;
personal data (the look-up) for the case's provider and — when the provider grants it — the desk. Look-ups are
audit-logged with the reason and rate-limited per user or token (429 ``throttled``).
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema

from sonae.victims import selectors
from sonae.victims.models import InquiryCategory
from sonae.victims.services import lookup as lookup_services

router = Router(tags=["対象者"])


class ItemCountOut(Schema):
    code: str
    label: str
    persons: int


class StatisticsOut(Schema):
    reference: str
    persons: int = Field(description="対象者（個人）")
    corporations: int = Field(description="対象者（法人）")
    items: list[ItemCountOut] = Field(description="漏えい等のおそれがある項目ごとの人数")
    letters: dict[str, int] = Field(description="お詫び状の状態ごとの人数")
    gifts: dict[str, int] = Field(description="見舞品の状態ごとの人数")


class CondolenceOut(Schema):
    individuals: int = Field(description="見舞品が届いた個人の数（返送を除く）")
    corporations: int = Field(description="見舞品が届いた法人の数")
    amount_individual: int | None
    amount_corporation: int | None
    cap_individual: int | None = Field(description="プランの1名あたり上限（契約がない場合は null）")
    cap_corporation: int | None
    total_yen: int
    covered_yen: int = Field(description="上限内の額（請求の他の限度額は適用前）")


class LookupIn(Schema):
    mode: Literal["code", "kana_birth", "patient_id"] = Field(
        description="`code` お問い合わせ番号、`kana_birth` フリガナと生年月日、`patient_id` 患者ID"
    )
    code: str = Field("", max_length=40, description="お問い合わせ番号（例 SN-1234-5678-9012）")
    kana: str = Field("", max_length=100, description="フリガナ（全角・半角・ひらがな可）")
    birth: str = Field(
        "", max_length=40, description="生年月日（西暦・和暦。例 1970-03-02、昭和45年3月2日、S45.3.2）"
    )
    patient_id: str = Field("", max_length=50)
    reason: str = Field(..., min_length=1, max_length=200, description="照会の理由（監査ログに記録）")


class AnswerOut(Schema):
    victim_id: int
    items: list[str]
    letter_status: str
    letter_sent_on: str | None
    gift_status: str


class LookupOut(Schema):
    found: int
    answers: list[AnswerOut]


class InquiryIn(Schema):
    category: Literal[tuple(InquiryCategory.values)] = Field(  # type: ignore[valid-type]
        description="区分：" + "、".join(f"`{c.value}` {c.label}" for c in InquiryCategory)
    )
    answer: str = Field("", max_length=2000)
    follow_up: bool = False
    victim_id: int | None = None


class InquiryOut(Schema):
    id: int
    day: str


@router.get("/victims/{reference}/statistics", response=StatisticsOut, summary="対象者リストの集計")
def statistics(request, reference: str):
    incident, case = selectors.case_get(request.auth, reference)
    stats = selectors.case_statistics(request.auth, incident, case)
    return {
        "reference": incident.reference,
        "persons": stats.persons,
        "corporations": stats.corporations,
        "items": [{"code": i.code, "label": i.label, "persons": i.persons} for i in stats.items],
        "letters": stats.letters,
        "gifts": stats.gifts,
    }


@router.get("/victims/{reference}/condolence", response=CondolenceOut, summary="見舞品の集計（保険金請求用）")
def condolence(request, reference: str):
    incident, case = selectors.case_get(request.auth, reference)
    totals = selectors.condolence_totals(incident, case)
    return {
        "individuals": totals.individuals,
        "corporations": totals.corporations,
        "amount_individual": totals.amount_individual,
        "amount_corporation": totals.amount_corporation,
        "cap_individual": totals.cap_individual,
        "cap_corporation": totals.cap_corporation,
        "total_yen": totals.total_yen,
        "covered_yen": totals.covered_yen,
    }


@router.post("/victims/{reference}/lookup", response=LookupOut, summary="対象者の照会（コールセンター）")
def lookup(request, reference: str, payload: LookupIn):
    actor = request.auth
    incident, case = selectors.case_for_lookup(actor, reference)
    selectors.require_personal(actor, incident, case, "victims.lookup")
    answers = lookup_services.victim_lookup(actor=actor, incident=incident, case=case, **payload.dict())
    return {"found": len(answers), "answers": [a.as_dict() for a in answers]}


@router.post("/victims/{reference}/inquiries", response=InquiryOut, summary="問い合わせの記録")
def inquiry_add(request, reference: str, payload: InquiryIn):
    actor = request.auth
    incident, case = selectors.case_get(actor, reference)
    selectors.require_personal(actor, incident, case, "victims.inquiry")
    victim = selectors.victim_for_inquiry(actor, incident, case, payload.victim_id)
    inquiry = lookup_services.inquiry_record(
        actor=actor,
        incident=incident,
        victim=victim,
        category=payload.category,
        answer=payload.answer,
        follow_up=payload.follow_up,
    )
    return {"id": inquiry.pk, "day": inquiry.day.isoformat()}
