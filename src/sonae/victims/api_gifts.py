"""Victims API, condolence gifts (見舞品): the gift and its amounts (within the plan's caps), the recipients,
shipping, and returned mail / address corrections / declined gifts read back from a CSV.

The same services and selectors as the gifts page: the settings and totals (no personal data) for everyone who
sees the case's statistics; the changes for the case's provider only (any other organisation gets 404, as on the
page) with its staff role (403).
"""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, File, Schema
from ninja.files import UploadedFile

from sonae.core.errors import InvalidInput
from sonae.victims import selectors
from sonae.victims.services import gifts as gift_services

# ``api`` imports this module at its end: its router exists by then.
from .api import router

MAX_YEN = 2_147_483_647  # the column's range


class GiftsOut(Schema):
    kind: str = Field(description="見舞品の種類（例 QUOカード。未設定なら空）")
    amount_individual: int | None = Field(description="個人1名あたりの金額（円）")
    amount_corporation: int | None = Field(
        description="法人1社あたりの金額（円。null なら個人と同じ額で集計）"
    )
    cap_individual: int | None = Field(
        description="加入プランの1名あたり上限（契約・補償条件がない場合は null）"
    )
    cap_corporation: int | None = Field(description="加入プランの1社あたり上限")
    planned: int = Field(description="手配予定の数")
    individuals: int = Field(description="発送済みで返送されていない個人の数")
    corporations: int = Field(description="発送済みで返送されていない法人の数")
    returned: int = Field(description="返送の数")
    declined: int = Field(description="辞退の数")
    total_yen: int = Field(description="発送済み（返送を除く）の合計額")
    covered_yen: int = Field(description="うち上限内の額（保険金請求の他の限度額は適用前）")
    updated_at: datetime = Field(description="設定の更新日時")


class GiftsIn(Schema):
    kind: str = Field("", max_length=100, description="見舞品の種類（金額を設定するときは必須）")
    amount_individual: int | None = Field(
        None, ge=0, le=MAX_YEN, description="個人1名あたりの金額（円）。加入プランの上限を超えると400"
    )
    amount_corporation: int | None = Field(
        None, ge=0, le=MAX_YEN, description="法人1社あたりの金額（円）。加入プランの上限を超えると400"
    )


class RecipientsOut(Schema):
    recipients: int = Field(description="新たに手配予定にした数")


class ShippedIn(Schema):
    shipped_on: date = Field(..., description="発送日")


class ShippedOut(Schema):
    shipped: int = Field(description="発送済みにした数")


class LineErrorOut(Schema):
    line: int = Field(description="CSVの行番号（見出しが1行目）")
    message: str


class ReturnsOut(Schema):
    returned: int = Field(description="返送として記録した数")
    corrected: int = Field(description="住所を訂正した数（次のお詫び状の作成で再送されます）")
    declined: int = Field(description="辞退として記録した数")
    errors: list[LineErrorOut] = Field(description="読み取れなかった行（それ以外の行は反映済み）")


def _gifts(incident, case) -> dict:
    totals = selectors.condolence_totals(incident, case)
    return {
        "kind": totals.kind,
        "amount_individual": totals.amount_individual,
        "amount_corporation": totals.amount_corporation,
        "cap_individual": totals.cap_individual,
        "cap_corporation": totals.cap_corporation,
        "planned": totals.planned,
        "individuals": totals.individuals,
        "corporations": totals.corporations,
        "returned": totals.returned,
        "declined": totals.declined,
        "total_yen": totals.total_yen,
        "covered_yen": totals.covered_yen,
        "updated_at": case.updated_at,
    }


@router.get(
    "/victims/{reference}/gifts",
    response=GiftsOut,
    summary="見舞品の設定と状況",
    description="見舞品の種類・金額、加入プランの上限、手配予定・発送済み・返送・辞退の数と金額を返します"
    "（個人データは含みません）。",
)
def gifts(request, reference: str):
    incident, case = selectors.case_get(request.auth, reference)
    return _gifts(incident, case)


@router.put(
    "/victims/{reference}/gifts",
    response=GiftsOut,
    summary="見舞品を設定する",
    description="見舞品の種類と、個人1名・法人1社あたりの金額を設定します。加入プランに1名あたりの上限があるときは、"
    "それを超える金額は400で返します（保険金で支払われるのは上限まで）。",
)
def gifts_set(request, reference: str, payload: GiftsIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    try:
        case = gift_services.gift_settings_update(
            actor=actor,
            incident=incident,
            kind=payload.kind,
            amount=payload.amount_individual,
            amount_corporation=payload.amount_corporation,
        )
    except InvalidInput as exc:
        if exc.field == "amount":  # the service's (and the page's) name of this field
            exc.field = "amount_individual"
        raise
    return _gifts(incident, case)


@router.post(
    "/victims/{reference}/gifts/recipients",
    response=RecipientsOut,
    summary="見舞品の送付対象を決める",
    description="対象外（消去・利用停止等）と住所不明の方を除き、まだ見舞品の状態がない全員を手配予定にします。"
    "先に見舞品の種類と金額を設定してください。",
)
def gifts_recipients(request, reference: str):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    return {"recipients": gift_services.gift_plan(actor=actor, incident=incident)}


@router.post(
    "/victims/{reference}/gifts/shipped",
    response=ShippedOut,
    summary="見舞品を発送済みにする",
    description="手配予定の見舞品を、その日に発送済みにします（保険金請求の集計に入ります）。",
)
def gifts_shipped(request, reference: str, payload: ShippedIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    count = gift_services.gift_mark_shipped(actor=actor, incident=incident, shipped_on=payload.shipped_on)
    return {"shipped": count}


@router.post(
    "/victims/{reference}/gifts/returns",
    response=ReturnsOut,
    summary="返送・住所訂正・辞退を取り込む",
    description="印刷会社や見舞品の業者から戻ったCSV（列：お問い合わせ番号、区分（返送／住所訂正／辞退）、郵便番号、"
    "住所、日付。20MBまで）を反映します。読み取れない行は行番号と理由を返し、それ以外の行は反映します。",
)
def gifts_returns(request, reference: str, file: File[UploadedFile]):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    gift_services.returns_check_size(file.size or 0)
    result = gift_services.returns_import(actor=actor, incident=incident, data=file.read())
    return {
        "returned": result.returned,
        "corrected": result.corrected,
        "declined": result.declined,
        "errors": [{"line": line, "message": message} for line, message in result.errors],
    }
