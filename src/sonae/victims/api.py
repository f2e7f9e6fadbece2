"""Victims API: aggregates of a case's list, the call-centre look-up and inquiry records (the work on the list —
imports, letters, condolence gifts — is in ``api_imports``, ``api_letters`` and ``api_gifts``; the case settings,
the list's figures for the incident and marking inquiries done in ``api_case``; all on this router).

Scoping is the selectors' (the same as the pages): statistics for the provider, desk, agency and insurer;
personal data (the look-up) for the case's provider and — when the provider grants it — the desk. Look-ups are
audit-logged with the reason and rate-limited per user or token (429 ``throttled``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from sonae.api.direct import direct
from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column
from sonae.victims import selectors
from sonae.victims.models import ImportStatus, InquiryCategory, LetterRunStatus
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


@router.get(
    "/victims/{reference}/statistics",
    response=StatisticsOut,
    summary="対象者リストの集計",
    description="対象者の人数（個人・法人）、項目ごとの人数、お詫び状と見舞品の状態ごとの人数を返します（個人データは含みません）。",
)
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


@router.get(
    "/victims/{reference}/condolence",
    response=CondolenceOut,
    summary="見舞品の集計（保険金請求用）",
    description="見舞品が届いた個人・法人の数と金額、プランの上限内の額を返します（保険金請求の資料）。",
)
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


@direct("victims/<str:reference>/lookup", body=LookupIn)
@router.post(
    "/victims/{reference}/lookup",
    response=LookupOut,
    summary="対象者の照会（コールセンター）",
    description="お問い合わせ番号・フリガナと生年月日・患者IDで対象者かどうかを照会します。理由は監査ログに記録され、回数は制限されます（429）。",
)
def lookup(request, reference: str, payload: LookupIn):
    actor = request.auth
    incident, case = selectors.case_for_lookup(actor, reference)
    selectors.require_personal(actor, incident, case, "victims.lookup")
    answers = lookup_services.victim_lookup(actor=actor, incident=incident, case=case, **payload.dict())
    return {"found": len(answers), "answers": [a.as_dict() for a in answers]}


@router.post(
    "/victims/{reference}/inquiries",
    response=InquiryOut,
    summary="問い合わせの記録",
    description="コールセンターで受けた問い合わせ（区分・回答・要対応）を記録します。",
)
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


# -- import status, letter runs and inquiries ----------------------------------------------------------------------


def _labels(choices) -> str:
    return "、".join(f"`{c.value}` {c.label}" for c in choices)


class ImportJobOut(Schema):
    id: int
    status: str = Field(description="状態：" + _labels(ImportStatus))
    status_label: str
    source_name: str = Field(description="ファイル名")
    file_kind: str = Field(description="ファイルの形式（`csv` または `xlsx`）")
    encoding: str = Field(description="文字コード")
    rows: int = Field(description="行数")
    rejected: int = Field(description="エラー行")
    duplicates: int = Field(description="重複")
    to_import: int = Field(description="取り込み予定")
    imported: int = Field(description="取り込み済み")
    percent: int = Field(description="進み具合（%）")
    running: bool = Field(description="処理中")
    phase: str = Field(
        description="処理中の段階（`validating` 検証、`committing` 取り込み。処理中でなければ空）"
    )
    error_message: str
    created_at: datetime
    validated_at: datetime | None
    committed_at: datetime | None
    updated_at: datetime


class LetterBatchOut(Schema):
    number: int
    count: int = Field(description="通数")
    rendered: bool = Field(description="印刷用PDFの作成済み")
    sent_on: date | None = Field(description="発送日")


class LetterRunOut(Schema):
    id: int
    status: str = Field(description="状態：" + _labels(LetterRunStatus))
    status_label: str
    letter_date: date = Field(description="お詫び状の日付")
    batch_size: int = Field(description="1ファイルあたりの通数")
    planned: int = Field(description="作成予定の通数")
    done: int = Field(description="作成済みの通数")
    percent: int
    error_message: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    batches: list[LetterBatchOut] | None = Field(None, description="印刷ファイル（詳細のみ）")


class InquiryListOut(Schema):
    id: int
    day: date = Field(description="受付日")
    channel: str
    channel_label: str
    category: str
    category_label: str
    answer: str = Field(description="回答内容（個人データを含むことがあります）")
    follow_up: bool = Field(description="要対応（折り返し等）")
    follow_up_done_at: datetime | None
    victim_id: int | None = Field(description="照会で特定した対象者")
    created_at: datetime
    updated_at: datetime


def _import_job(job) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "source_name": job.source_name,
        "file_kind": job.file_kind,
        "encoding": job.encoding,
        "rows": job.rows,
        "rejected": job.rejected,
        "duplicates": job.duplicates,
        "to_import": job.to_import,
        "imported": job.imported,
        "percent": job.percent,
        "running": job.is_running,
        "phase": job.phase,
        "error_message": job.error_message,
        "created_at": job.created_at,
        "validated_at": job.validated_at,
        "committed_at": job.committed_at,
        "updated_at": job.updated_at,
    }


def _letter_run(run, *, batches: bool = False) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "letter_date": run.letter_date,
        "batch_size": run.batch_size,
        "planned": run.planned,
        "done": run.done,
        "percent": run.percent,
        "error_message": run.error_message,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "updated_at": run.updated_at,
        "batches": [
            {"number": b.number, "count": b.count, "rendered": b.rendered, "sent_on": b.sent_on}
            for b in run.batches.order_by("number")
        ]
        if batches
        else None,
    }


def _inquiry(inquiry) -> dict:
    return {
        "id": inquiry.pk,
        "day": inquiry.day,
        "channel": inquiry.channel,
        "channel_label": inquiry.get_channel_display(),
        "category": inquiry.category,
        "category_label": inquiry.get_category_display(),
        "answer": inquiry.answer,
        "follow_up": inquiry.follow_up,
        "follow_up_done_at": inquiry.follow_up_done_at,
        "victim_id": inquiry.victim_id,
        "created_at": inquiry.created_at,
        "updated_at": inquiry.updated_at,
    }


IMPORT_EXPORT = Export(
    name="対象者リストの取り込み",
    columns=(
        Column("id", "ID", 8),
        Column("source_name", "ファイル名", 30),
        Column("status_label", "状態", 12),
        Column("rows", "行数", 10),
        Column("rejected", "エラー行", 10),
        Column("duplicates", "重複", 10),
        Column("to_import", "取り込み予定", 12),
        Column("imported", "取り込み済み", 12),
        Column("created_at", "登録日時", 18),
        Column("committed_at", "取り込み日時", 18),
        Column("error_message", "エラー", 40),
    ),
)
LETTER_RUN_EXPORT = Export(
    name="お詫び状の作成",
    columns=(
        Column("id", "ID", 8),
        Column("status_label", "状態", 10),
        Column("letter_date", "日付", 12),
        Column("planned", "予定通数", 10),
        Column("done", "作成済み", 10),
        Column("created_at", "開始日時", 18),
        Column("finished_at", "完了日時", 18),
        Column("error_message", "エラー", 40),
    ),
)
INQUIRY_EXPORT = Export(
    name="問い合わせ",
    columns=(
        Column("id", "ID", 8),
        Column("day", "受付日", 12),
        Column("channel_label", "受付方法", 16),
        Column("category_label", "区分", 24),
        Column("answer", "回答内容", 60),
        Column("follow_up", "要対応", 8),
        Column("follow_up_done_at", "対応済み日時", 18),
        Column("victim_id", "対象者ID", 10),
        Column("created_at", "記録日時", 18),
    ),
    personal=True,
)


@list_get(
    router,
    "/victims/{reference}/imports",
    item=ImportJobOut,
    summary="対象者リストの取り込みの状況",
    description="案件の対象者リストの取り込み（検証・取り込みの状態と件数）を新しい順に返します（案件の事業者のみ。"
    "ほかの組織には空の一覧）。",
)
def import_list(request, reference: str, page: Query[ListParams]):
    incident, _case = selectors.case_get(request.auth, reference)
    return paginate(
        request, selectors.import_jobs_for(request.auth, incident), page, _import_job, export=IMPORT_EXPORT
    )


@router.get(
    "/victims/{reference}/imports/{import_id}",
    response=ImportJobOut,
    summary="対象者リストの取り込み",
    description="取り込み1件の状態・件数・進み具合を返します（処理中の確認に使えます）。",
)
def import_detail(request, reference: str, import_id: int):
    incident, _case = selectors.case_get(request.auth, reference)
    return _import_job(selectors.import_job_get(request.auth, incident, import_id))


@list_get(
    router,
    "/victims/{reference}/letter-runs",
    item=LetterRunOut,
    summary="お詫び状の作成の一覧",
    description="お詫び状の作成（印刷用PDFと宛名リスト）を新しい順に返します（案件の事業者のみ。ほかの組織には空の一覧）。",
)
def letter_run_list(request, reference: str, page: Query[ListParams]):
    incident, _case = selectors.case_get(request.auth, reference)
    return paginate(
        request,
        selectors.letter_runs_for(request.auth, incident),
        page,
        _letter_run,
        export=LETTER_RUN_EXPORT,
    )


@router.get(
    "/victims/{reference}/letter-runs/{run_id}",
    response=LetterRunOut,
    summary="お詫び状の作成",
    description="作成1件の状態・進み具合と印刷ファイルごとの通数・発送日を返します。ファイル本体は画面からダウンロードします。",
)
def letter_run_detail(request, reference: str, run_id: int):
    incident, _case = selectors.case_get(request.auth, reference)
    return _letter_run(selectors.letter_run_get(request.auth, incident, run_id), batches=True)


@list_get(
    router,
    "/victims/{reference}/inquiries",
    item=InquiryListOut,
    summary="問い合わせの一覧",
    description="コールセンター・本人向け照会ページの問い合わせを新しい順に返します（案件の事業者と、許可されたデスク）。",
    personal=True,
)
def inquiry_list(request, reference: str, page: Query[ListParams]):
    actor = request.auth
    incident, case = selectors.case_get(actor, reference)
    return paginate(
        request, selectors.inquiries_for(actor, incident, case), page, _inquiry, export=INQUIRY_EXPORT
    )


# The work on the list, on this router (a path with several methods — GET and POST …/imports — must be declared
# on one router for Ninja to route both).
from . import api_case, api_gifts, api_imports, api_letters  # noqa: E402, F401
