"""Legal duties API, the rest of the 法的対応 tab: re-assessing with what the incident now records, what changed
between two versions, the drafts of reports and notices (prefilled, then exported as PDF or DOCX with the user's
edits) and the explanation of each duty and rule.

The same selectors and services as the pages (``views.py``): the case's provider and the desk; agency and insurer
get 403 on versions, diffs and drafts; anyone else 404. A draft holds the case's details: reading or exporting one
from a browser session needs a sign-in or re-authentication within the last 10 minutes, as on the page.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Schema

from sonae.api.files import DOCX, PDF, file_openapi, file_response, render_or_503
from sonae.api.listing import require_recent_auth_for_personal_data
from sonae.core.errors import NotFound, PermissionDenied

from . import explain as explain_content
from . import selectors, services
from .api import CaseDutiesOut, _case_duties, router
from .diff import diff_context, diff_facts, diff_results
from .drafts import DRAFT_KINDS, available_kinds

# --- refresh and diff --------------------------------------------------------------------------------------------


@router.post(
    "/incidents/{reference}/duties/refresh",
    response=CaseDutiesOut,
    summary="案件の記録で判定し直す",
    description="インシデントに記録された事実（漏えい等のおそれがある項目・人数・誰の情報か・発覚日時・原因・委託元への"
    "通知）を最新の版に反映して判定し直します（事業者と対応デスクのスタッフ以上）。変わりがなければ版は作りません。"
    "まだ判定していない案件は 404 です（最初の判定は POST …/duties で行います）。",
)
def case_duties_refresh(request, reference: str):
    actor = request.auth
    incident = selectors.case_get(actor, reference)
    if not selectors.may_assess(actor, incident):
        raise PermissionDenied()
    if services.assessment_refresh(actor=actor, incident=incident) is None:
        raise NotFound("この案件はまだ判定されていません。")
    return _case_duties(actor, incident)


class DiffRowOut(Schema):
    field: str = Field(..., description="項目（duties-contract の名前。例 `data.items`、`appi.reportable`）")
    label: str
    before: str = Field(..., description="前の版の値（表示用の日本語）")
    after: str = Field(..., description="後の版の値")


class DiffOut(Schema):
    a: int = Field(..., description="前の版")
    b: int = Field(..., description="後の版")
    facts: list[DiffRowOut] = Field(..., description="変わった事実")
    result: list[DiffRowOut] = Field(..., description="変わった判定結果")


class DiffQuery(Schema):
    a: int | None = Field(None, ge=1, le=1_000_000, description="比べる版（省略時は最新の1つ前）")
    b: int | None = Field(None, ge=1, le=1_000_000, description="比べる版（省略時は最新）")


def _rows(rows) -> list[dict]:
    return [{"field": r.field, "label": r.label, "before": r.before, "after": r.after} for r in rows]


@router.get(
    "/incidents/{reference}/duties/diff",
    response=DiffOut,
    summary="版の比較",
    description="2つの版の間で変わった事実と判定結果を返します（事業者と対応デスク）。版を指定しなければ最新とその1つ前を"
    "比べます（版が1つしかなければ 404）。",
)
def case_duties_diff(request, reference: str, query: Query[DiffQuery]):
    actor = request.auth
    incident = selectors.case_get(actor, reference)
    versions = list(selectors.versions_for(actor, incident)[:2])
    newest, previous = (versions + [None, None])[:2]
    a = selectors.version_get(actor, incident, query.a) if query.a else previous
    b = selectors.version_get(actor, incident, query.b) if query.b else newest
    if a is None or b is None:
        raise NotFound("比べる版がありません。")
    if a.version > b.version:
        a, b = b, a
    return {
        "a": a.version,
        "b": b.version,
        "facts": _rows(
            diff_facts(a.facts, b.facts)
            + diff_context(a.entrusting_party_display, b.entrusting_party_display)
        ),
        "result": _rows(diff_results(a.result, b.result)),
    }


# --- drafts ------------------------------------------------------------------------------------------------------

DraftKind = Literal[tuple(DRAFT_KINDS)]  # type: ignore[valid-type]
KIND_DOC = "文案の種類：" + "、".join(f"`{k}` {v}" for k, v in DRAFT_KINDS.items())


class DraftKindOut(Schema):
    kind: str
    label: str


class DraftFieldOut(Schema):
    key: str
    label: str
    value: str


class DraftSectionOut(Schema):
    key: str
    heading: str
    body: str


class DraftOut(Schema):
    kind: str = Field(..., description=KIND_DOC)
    label: str
    title: str
    date_text: str
    recipient: str
    sender: str
    intro: str
    fields: list[DraftFieldOut] = Field(..., description="表の項目（報告書の様式の欄）")
    sections: list[DraftSectionOut] = Field(..., description="本文の節")
    closing: str


class DraftExportIn(Schema):
    format: Literal["pdf", "docx"] = Field("pdf", description="`pdf` または `docx`（Word。編集できる形式）")
    title: str | None = Field(None, max_length=200, description="表題（省略時は下書きのまま）")
    date_text: str | None = Field(None, max_length=50)
    recipient: str | None = Field(None, max_length=200)
    sender: str | None = Field(None, max_length=1000)
    intro: str | None = Field(None, max_length=5000)
    closing: str | None = Field(None, max_length=1000)
    fields: dict[str, str] = Field(
        default_factory=dict, description="表の項目の値（key ごと。送らなかった項目は下書きのまま）"
    )
    sections: dict[str, str] = Field(
        default_factory=dict, description="本文の節（key ごと。送らなかった節は下書きのまま）"
    )


def _draft(draft) -> dict:
    return {
        "kind": draft.kind,
        "label": draft.kind_label,
        "title": draft.title,
        "date_text": draft.date_text,
        "recipient": draft.recipient,
        "sender": draft.sender,
        "intro": draft.intro,
        "fields": [{"key": f.key, "label": f.label, "value": f.value} for f in draft.fields],
        "sections": [{"key": s.key, "heading": s.heading, "body": s.body} for s in draft.sections],
        "closing": draft.closing,
    }


def _draft_case(actor, reference: str):
    """The case when the actor may draft on it (the page's check): another's case 404, a reader 403."""
    incident = selectors.case_get(actor, reference)
    if not selectors.may_draft(actor, incident):
        raise PermissionDenied()
    return incident


def _check_lengths(payload: DraftExportIn) -> None:
    """The page's limits on the edited parts (500 characters a field, 10,000 a section)."""
    from sonae.core.errors import InvalidInput

    for key, value in payload.fields.items():
        if len(value) > 500:
            raise InvalidInput("表の項目は500文字以内で入力してください。", field=f"fields.{key}")
    for key, value in payload.sections.items():
        if len(value) > 10000:
            raise InvalidInput("本文の節は10,000文字以内で入力してください。", field=f"sections.{key}")


@router.get(
    "/incidents/{reference}/duties/drafts",
    response=list[DraftKindOut],
    summary="作成できる文案",
    description="最新の判定で必要な報告・通知の文案の種類を返します（事業者と対応デスクのスタッフ以上）。",
)
def draft_list(request, reference: str):
    actor = request.auth
    incident = _draft_case(actor, reference)
    latest = selectors.latest_assessment(actor, incident)
    kinds = available_kinds(latest.result, latest.facts) if latest else []
    return [{"kind": kind, "label": DRAFT_KINDS[kind]} for kind in kinds]


@router.get(
    "/incidents/{reference}/duties/drafts/{kind}",
    response=DraftOut,
    summary="文案（下書き）",
    description="案件の記録と最新の判定から作った文案を返します。編集して export でPDFまたはWordにします。"
    "この判定で不要な文案は 404 です。" + KIND_DOC,
)
def draft_detail(request, reference: str, kind: DraftKind):
    actor = request.auth
    incident = _draft_case(actor, reference)
    require_recent_auth_for_personal_data(request)
    return _draft(services.draft_prepare(actor=actor, incident=incident, kind=kind))


@router.post(
    "/incidents/{reference}/duties/drafts/{kind}/export",
    summary="文案をPDF・Wordで出力する",
    description="文案に送った編集を反映して、PDFまたはWord（docx）で返します（出力はタイムラインと監査ログに記録され、"
    "文案の本文は保存しません）。ブラウザのセッションでは直近10分以内のログインまたは再認証が必要です。",
    openapi_extra=file_openapi(PDF, DOCX, description="PDFまたはWord"),
)
def draft_export(request, reference: str, kind: DraftKind, payload: DraftExportIn):
    actor = request.auth
    incident = _draft_case(actor, reference)
    require_recent_auth_for_personal_data(request)
    draft = services.draft_prepare(actor=actor, incident=incident, kind=kind)
    _check_lengths(payload)
    values = {
        name: value
        for name in ("title", "date_text", "recipient", "sender", "intro", "closing")
        if (value := getattr(payload, name)) is not None
    }
    values.update({f"field_{k}": v for k, v in payload.fields.items()})
    values.update({f"section_{k}": v for k, v in payload.sections.items()})
    content, content_type, filename = render_or_503(
        lambda: services.draft_export(
            actor=actor, incident=incident, draft=draft.with_values(values), fmt=payload.format
        )
    )
    return file_response(content, content_type, filename)


# --- the explanation ---------------------------------------------------------------------------------------------


class EntryOut(Schema):
    anchor: str = Field(
        ..., description="解説ページ /duties/explain/ のアンカー（判定の根拠の anchor と同じ）"
    )
    title: str
    body: list[str] = Field(..., description="段落")
    cite: str = Field(..., description="根拠の条文")


class ExplainOut(Schema):
    duties: list[EntryOut] = Field(..., description="義務ごとの説明")
    rules: list[EntryOut] = Field(..., description="根拠となる規定")
    readings: list[EntryOut] = Field(..., description="Sonaeの解釈 R1〜R17")


def _entries(entries) -> list[dict]:
    return [{"anchor": e.anchor, "title": e.title, "body": list(e.body), "cite": e.cite} for e in entries]


@router.get(
    "/duties/explain",
    response=ExplainOut,
    summary="法的義務の解説",
    description="各義務、その根拠となる規定、Sonaeの解釈（R1〜R17）をやさしい日本語で返します（解説ページと同じ内容）。",
)
def duties_explain(request):
    return {
        "duties": _entries(explain_content.DUTIES),
        "rules": _entries(explain_content.RULES),
        "readings": _entries(explain_content.READINGS),
    }
