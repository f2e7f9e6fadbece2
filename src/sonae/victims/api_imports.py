"""Victims API, importing a list: upload → column mapping → validation (task) → report → duplicates → commit
(task), or cancel. The same services and selectors as the import pages: the case's provider only (any other
organisation, the desk included, gets 404 as on the pages); writes need the provider's staff role (403).

Validation and commit run as background tasks, as on the pages: the routes that start one answer 202 with the job
as handed to the worker (``validating`` / ``committing``), whose status and ``percent`` the client then polls
(``GET …/imports/{import_id}``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile

from sonae.api.listing import Export, ListParams, list_get, paginate
from sonae.documents.tabular import Column
from sonae.victims import selectors
from sonae.victims.forms import ITEM_CHOICES, TARGET_CHOICES
from sonae.victims.importing.columns import target_label
from sonae.victims.keys import MAX_LINE
from sonae.victims.models import DuplicatePolicy, IssueKind
from sonae.victims.services import imports

# ``api`` imports this module at its end: its router, schemas and serialisers exist by then.
from .api import ImportJobOut, _import_job, _labels, router

MAX_DECIDED_LINES = 100_000


class ImportChoiceOut(Schema):
    code: str
    label: str


class MappedColumnOut(Schema):
    index: int = Field(description="列の位置（0から）")
    header: str = Field(description="ファイルの列見出し")
    target: str = Field(description="割り当て先のコード（空文字は取り込まない）")
    target_label: str


class MappingOut(Schema):
    import_id: int
    status: str
    columns: list[MappedColumnOut] = Field(
        description="ファイルの列ごとの割り当て（アップロード時に見出しと、この事業者の前回までの割り当てから提案）"
    )
    default_items: list[str] = Field(description="漏えい項目の列がない行に使う項目のコード")
    duplicate_policy: str = Field(description="重複した行の扱い：" + _labels(DuplicatePolicy))
    targets: list[ImportChoiceOut] = Field(description="割り当て先に使えるコード")
    items: list[ImportChoiceOut] = Field(description="default_items に使える漏えい項目のコード")


class MappingIn(Schema):
    mapping: list[Annotated[str, Field(max_length=100)]] = Field(
        ...,
        max_length=1000,
        description="ファイルの列の順に割り当て先のコード（空文字は取り込まない）。列の数と同じ数が必要です",
    )
    default_items: list[Annotated[str, Field(max_length=50)]] | None = Field(
        None, max_length=100, description="漏えい項目の列がない行に使う項目のコード（省略すると変更しない）"
    )
    duplicate_policy: Literal[tuple(DuplicatePolicy.values)] | None = Field(  # type: ignore[valid-type]
        None, description="重複した行の扱い：" + _labels(DuplicatePolicy) + "（省略すると変更しない）"
    )


class ImportIssueOut(Schema):
    line: int = Field(description="ファイルの行番号（見出しが1行目）")
    kind: str = Field(description="種類：" + _labels(IssueKind))
    kind_label: str
    column: str = Field(description="列（エラーのとき）")
    message: str = Field(description="内容（セルの値は含みません）")
    duplicate_of_line: int | None = Field(description="同じファイルで先に現れた行（重複のとき）")
    duplicate_of_victim: int | None = Field(description="この案件に登録済みの対象者のID（重複のとき）")
    basis: str = Field(description="重複の根拠（`kana_birth` フリガナと生年月日、`patient_id` 患者ID）")
    import_anyway: bool = Field(description="重複でも取り込む（利用者の判断）")


class IssueFilter(Schema):
    kind: Literal[tuple(IssueKind.values)] | None = Field(  # type: ignore[valid-type]
        None, description="種類で絞り込む：" + _labels(IssueKind)
    )


class DuplicatesIn(Schema):
    import_lines: list[Annotated[int, Field(ge=1, le=MAX_LINE)]] = Field(
        ...,
        max_length=MAX_DECIDED_LINES,
        description="重複でも取り込む行の番号（ここにない重複の行は取り込みません）。"
        "すべて取り込むときは duplicate_policy に `import` を指定します",
    )
    duplicate_policy: Literal[tuple(DuplicatePolicy.values)] | None = Field(  # type: ignore[valid-type]
        None, description="重複した行の扱い（省略すると変更しない）"
    )


class DuplicatesOut(Schema):
    import_anyway: int = Field(description="重複でも取り込む行の数")
    duplicate_policy: str


ISSUE_EXPORT = Export(
    name="取り込みのエラーと重複",
    columns=(
        Column("line", "行", 8),
        Column("kind_label", "種類", 8),
        Column("column", "列", 16),
        Column("message", "内容", 60),
        Column("duplicate_of_line", "重複する行", 10),
        Column("duplicate_of_victim", "重複する対象者ID", 16),
        Column("import_anyway", "取り込む", 8),
    ),
)


def _mapping(job) -> dict:
    return {
        "import_id": job.pk,
        "status": job.status,
        "columns": [
            {"index": i, "header": header, "target": target, "target_label": target_label(target)}
            for i, (header, target) in enumerate(zip(job.headers, job.mapping, strict=False))
        ],
        "default_items": list(job.default_items or []),
        "duplicate_policy": job.duplicate_policy,
        "targets": [{"code": code, "label": label} for code, label in TARGET_CHOICES],
        "items": [{"code": code, "label": label} for code, label in ITEM_CHOICES],
    }


def _issue(issue) -> dict:
    return {
        "line": issue.line,
        "kind": issue.kind,
        "kind_label": issue.get_kind_display(),
        "column": issue.column,
        "message": issue.message,
        "duplicate_of_line": issue.duplicate_of_line,
        "duplicate_of_victim": issue.duplicate_of_victim,
        "basis": issue.basis,
        "import_anyway": issue.import_anyway,
    }


def _job(request, reference: str, import_id: int):
    """(actor, job) of the case's provider (404 for everyone else, as on the pages)."""
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    return actor, selectors.import_job_get(actor, incident, import_id)


def _fresh(request, reference: str, job) -> dict:
    """The job re-read from the database (a task may already have moved it on)."""
    return _import_job(_job(request, reference, job.pk)[1])


@router.post(
    "/victims/{reference}/imports",
    response={201: ImportJobOut},
    summary="対象者リストをアップロードする",
    description="対象者リスト（CSV：UTF-8・UTF-8（BOM付き）・Shift_JIS（CP932）、またはExcel。1行目に列の見出し。2GBまで）を"
    "暗号化して保管し、形式・文字コードと列の割り当ての案を返します。まだ何も取り込みません。",
)
def import_upload(request, reference: str, file: File[UploadedFile]):
    actor = request.auth
    incident, _case = selectors.provider_case_get(actor, reference)
    job = imports.import_job_create(actor=actor, incident=incident, name=file.name or "", upload=file)
    return Status(201, _fresh(request, reference, job))


@router.get(
    "/victims/{reference}/imports/{import_id}/mapping",
    response=MappingOut,
    summary="列の割り当て",
    description="ファイルの列ごとの割り当て先（自動で提案したもの、または設定したもの）と、使えるコードを返します。",
)
def import_mapping(request, reference: str, import_id: int):
    _actor, job = _job(request, reference, import_id)
    return _mapping(job)


@router.put(
    "/victims/{reference}/imports/{import_id}/mapping",
    response=MappingOut,
    summary="列の割り当てを設定する",
    description="列の割り当てと、漏えい項目の列がない行に使う項目、重複の扱いを設定します。割り当ては事業者ごとに"
    "記憶され、同じ見出しのファイルの次回の提案に使われます。検証済みの取り込みは検証をやり直す必要があります"
    "（状態は「アップロード済み」に戻ります）。",
)
def import_mapping_set(request, reference: str, import_id: int, payload: MappingIn):
    actor, job = _job(request, reference, import_id)
    job = imports.import_job_map(
        actor=actor,
        job=job,
        mapping=payload.mapping,
        default_items=payload.default_items,
        duplicate_policy=payload.duplicate_policy,
    )
    return _mapping(job)


@router.post(
    "/victims/{reference}/imports/{import_id}/validate",
    response={202: ImportJobOut},
    summary="全行を検証する",
    description="設定した割り当てで全行の検証をバックグラウンドで始めます（何も取り込みません）。進み具合は取り込みの"
    "状態で確認し、終わったら（`validated`）エラーと重複の一覧を確認してください。",
)
def import_validate(request, reference: str, import_id: int):
    actor, job = _job(request, reference, import_id)
    job = imports.import_validation_start(actor=actor, job=job)
    return Status(202, _fresh(request, reference, job))


@list_get(
    router,
    "/victims/{reference}/imports/{import_id}/issues",
    item=ImportIssueOut,
    summary="検証結果（エラーと重複）",
    description="検証で見つかったエラー（行・列・理由）と重複を行の順に返します。エラーの行は取り込まれません。"
    "一覧は検証のたびに作り直されるため、`updated_since` は取り込みの更新日時で判断します。",
)
def import_issues(
    request, reference: str, import_id: int, filters: Query[IssueFilter], page: Query[ListParams]
):
    _actor, job = _job(request, reference, import_id)
    return paginate(
        request,
        selectors.import_issues(job, filters.kind),
        page,
        _issue,
        export=ISSUE_EXPORT,
        updated_field="job__updated_at",
    )


@router.put(
    "/victims/{reference}/imports/{import_id}/duplicates",
    response=DuplicatesOut,
    summary="重複の扱いを決める",
    description="検証済み（`validated`）の取り込みで、重複でも取り込む行を指定します（指定は置き換え）。",
)
def import_duplicates(request, reference: str, import_id: int, payload: DuplicatesIn):
    actor, job = _job(request, reference, import_id)
    chosen = imports.import_decide(
        actor=actor, job=job, import_lines=set(payload.import_lines), policy=payload.duplicate_policy
    )
    return {"import_anyway": chosen, "duplicate_policy": job.duplicate_policy}


@router.post(
    "/victims/{reference}/imports/{import_id}/confirm",
    response={202: ImportJobOut},
    summary="取り込みを確定する",
    description="検証済みの取り込みを確定し、エラーのない行（と取り込むと決めた重複）の取り込みをバックグラウンドで"
    "始めます。途中で失敗した取り込みは、続きから再開します。",
)
def import_confirm(request, reference: str, import_id: int):
    actor, job = _job(request, reference, import_id)
    job = imports.import_commit_start(actor=actor, job=job)
    return Status(202, _fresh(request, reference, job))


@router.post(
    "/victims/{reference}/imports/{import_id}/cancel",
    response=ImportJobOut,
    summary="取り込みを取り消す",
    description="取り込みを始める前の取り込みを取り消します（何も取り込まれていません）。",
)
def import_cancel(request, reference: str, import_id: int):
    actor, job = _job(request, reference, import_id)
    job = imports.import_cancel(actor=actor, job=job)
    return _import_job(job)
