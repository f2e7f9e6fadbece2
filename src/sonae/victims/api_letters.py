"""Victims API, letters: the case's letter text, its preview (PDF), letter runs (task), print files and mailing
lists, and the mailing date of a batch. The same services and selectors as the letters pages: the case's provider
only (any other organisation gets 404, as on the pages); writes and the preview need the provider's staff role.

A print file or mailing list holds the persons' names and addresses: its download states a reason, is written to
the audit log as a personal-data export and, from a browser session, needs a sign-in or re-authentication within
the last 10 minutes (as on the pages; an API token is not asked).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema, Status

from sonae.api.files import PDF, file_response, render_or_503
from sonae.api.listing import require_recent_auth_for_personal_data
from sonae.victims import selectors
from sonae.victims.letters.render import MAX_TEMPLATE_CHARS, PLACEHOLDERS
from sonae.victims.services import letters as letter_services
from sonae.victims.services.letters import MAX_BATCH

# ``api`` imports this module at its end: its router, schemas and serialisers exist by then.
from .api import LetterRunOut, _letter_run, router


class PlaceholderOut(Schema):
    name: str = Field(description="差し込み項目（本文には {氏名} のように書きます）")
    description: str


class LetterTemplateOut(Schema):
    template: str = Field(description="お詫び状の本文（差し込み項目を含む）")
    sender: str = Field(description="差出人（複数行可）")
    call_centre_phone: str = Field(description="専用窓口の電話番号")
    call_centre_hours: str = Field(description="受付時間")
    placeholders: list[PlaceholderOut] = Field(description="本文に使える差し込み項目")
    updated_at: datetime


class LetterTemplateIn(Schema):
    template: str = Field(
        ...,
        min_length=1,
        max_length=4 * MAX_TEMPLATE_CHARS,
        description=f"本文（{MAX_TEMPLATE_CHARS:,}文字まで）",
    )
    sender: str = Field("", max_length=500, description="差出人（複数行可。空なら事業者名）")
    call_centre_phone: str = Field("", max_length=30, description="専用窓口の電話番号")
    call_centre_hours: str = Field("", max_length=100, description="受付時間（例 平日 9:00〜17:00）")


class LetterRunIn(Schema):
    letter_date: date = Field(..., description="お詫び状の日付")
    batch_size: int = Field(
        1000, ge=1, le=MAX_BATCH, description=f"1ファイルあたりの通数（1〜{MAX_BATCH:,}）"
    )


class BatchFileIn(Schema):
    kind: Literal["pdf", "csv"] = Field(
        ..., description="`pdf` 印刷用PDF、`csv` 宛名リスト（UTF-8・BOM付き）"
    )
    reason: str = Field(
        ...,
        min_length=1,
        max_length=200,
        description="ダウンロードの理由（監査ログに記録。例 印刷会社への入稿）",
    )


class BatchSentIn(Schema):
    sent_on: date = Field(..., description="発送日")


class BatchSentOut(Schema):
    number: int
    sent_on: date
    letters: int = Field(description="発送済みにしたお詫び状の数")


def _template(incident, case) -> dict:
    return {
        "template": case.letter_template,
        "sender": case.letter_sender or incident.provider.name,
        "call_centre_phone": case.call_centre_phone,
        "call_centre_hours": case.call_centre_hours,
        "placeholders": [{"name": name, "description": text} for name, text in PLACEHOLDERS.items()],
        "updated_at": case.updated_at,
    }


FILE_CONTENT = {"type": "string", "format": "binary"}


@router.get(
    "/victims/{reference}/letters/template",
    response=LetterTemplateOut,
    summary="お詫び状の本文",
    description="案件のお詫び状の本文・差出人・専用窓口と、本文に使える差し込み項目を返します。",
)
def letter_template(request, reference: str):
    incident, case = selectors.provider_case_get(request.auth, reference)
    return _template(incident, case)


@router.put(
    "/victims/{reference}/letters/template",
    response=LetterTemplateOut,
    summary="お詫び状の本文を保存する",
    description="お詫び状の本文・差出人・専用窓口を保存します。使えない差し込み項目や正しくない電話番号は400で返します。"
    "保存した本文は、次に作成するお詫び状から使われます。",
)
def letter_template_set(request, reference: str, payload: LetterTemplateIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    case = letter_services.letter_settings_update(actor=actor, incident=incident, **payload.dict())
    return _template(incident, case)


@router.get(
    "/victims/{reference}/letters/preview",
    summary="お詫び状の見本（PDF）",
    description="保存した本文で、見本の宛名によるお詫び状1通をPDFで返します（個人データは使いません）。",
    openapi_extra={
        "responses": {200: {"description": "PDF", "content": {"application/pdf": {"schema": FILE_CONTENT}}}}
    },
)
def letter_preview_pdf(request, reference: str):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    pdf = render_or_503(lambda: letter_services.letter_preview_pdf(actor=actor, incident=incident))
    return file_response(pdf, PDF, f"{incident.reference}-letter-preview.pdf", disposition="inline")


@router.post(
    "/victims/{reference}/letter-runs",
    response={202: LetterRunOut},
    summary="お詫び状を作成する",
    description="取り込み済みでお詫び状が未作成の対象者（住所訂正された返送分を含み、対象外の方を除く）について、"
    "保存した本文で印刷用PDFと宛名リストの作成をバックグラウンドで始めます。進み具合は作成の状態で確認します。"
    "作成中のものがあるときは409を返します。",
)
def letter_run_start(request, reference: str, payload: LetterRunIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    run = letter_services.letter_run_start(
        actor=actor, incident=incident, letter_date=payload.letter_date, batch_size=payload.batch_size
    )
    return Status(202, _letter_run(selectors.letter_run_get(actor, incident, run.pk), batches=True))


@router.post(
    "/victims/{reference}/letter-runs/{run_id}/batches/{number}/download",
    summary="印刷用PDF・宛名リストをダウンロードする",
    description="作成済みの印刷ファイル1つ（`pdf`）または宛名リスト（`csv`）を返します。理由とともに個人データの出力として"
    "監査ログに記録され、ブラウザのセッションでは直近10分以内のログインまたは再認証が必要です（403 "
    "`reauthentication_required`）。",
    openapi_extra={
        "responses": {
            200: {
                "description": "印刷用PDFまたは宛名リスト",
                "content": {
                    "application/pdf": {"schema": FILE_CONTENT},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def letter_batch_download(request, reference: str, run_id: int, number: int, payload: BatchFileIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    batch = selectors.letter_batch_get(actor, incident, run_id, number)
    require_recent_auth_for_personal_data(request)
    name, content, content_type = letter_services.letter_batch_file(
        actor=actor, batch=batch, kind=payload.kind, reason=payload.reason
    )
    return file_response(content, content_type, name)


@router.post(
    "/victims/{reference}/letter-runs/{run_id}/batches/{number}/sent",
    response=BatchSentOut,
    summary="発送済みにする",
    description="印刷会社が発送した印刷ファイル1つ分のお詫び状を、その日に発送済みにします。",
)
def letter_batch_sent(request, reference: str, run_id: int, number: int, payload: BatchSentIn):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    batch = selectors.letter_batch_get(actor, incident, run_id, number)
    count = letter_services.letter_batch_mark_sent(actor=actor, batch=batch, sent_on=payload.sent_on)
    return {"number": batch.number, "sent_on": payload.sent_on, "letters": count}
