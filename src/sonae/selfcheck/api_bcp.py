"""API of the cyber-BCP: the guide (steps, contact categories, reporting deadlines), the organisation's plan, its
sections, adoption and yearly review, and the PDF. Routes on the self-check router (``selfcheck.api``).

The same selectors and services as the pages. A section is replaced as a whole, as the page's form does (blank
rows are dropped); the plan holds no version history — the audit log records each change (section and row count).
The contact chart names people: it is shown to the organisation's own members only, as on the page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema, Status
from pydantic import create_model

from sonae.api.files import PDF, file_response
from sonae.core.errors import NotFound

from . import documents, selectors, services
from .api import PDF_RESPONSE, provider_actor, router
from .rules import bcp as bcp_rules
from .rules.data_items import DATA_ITEM_LABELS

ContactCategory = Literal[tuple(bcp_rules.CONTACT_CATEGORIES)]  # type: ignore[valid-type]
DataItemCode = Literal[tuple(DATA_ITEM_LABELS)]  # type: ignore[valid-type]


# --- schemas ------------------------------------------------------------------------------------------------------


class BcpContactRow(Schema):
    category: ContactCategory = Field(  # type: ignore[valid-type]
        ..., description="区分：" + "、".join(f"`{k}` {v}" for k, v in bcp_rules.CONTACT_CATEGORIES.items())
    )
    role: str = Field("", max_length=200, description="役割・部署")
    name: str = Field("", max_length=200, description="氏名・名称")
    phone: str = Field("", max_length=50, description="電話番号")
    email: str = Field("", max_length=200, description="メール")
    note: str = Field("", max_length=500, description="備考")


class BcpSystemRow(Schema):
    name: str = Field("", max_length=200, description="システム・機器")
    purpose: str = Field("", max_length=200, description="使っている業務")
    data_items: list[DataItemCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(DATA_ITEM_LABELS), description="扱う個人情報の種類のコード"
    )
    location: str = Field("", max_length=200, description="設置場所・クラウド")
    vendor: str = Field("", max_length=200, description="保守業者")
    impact: str = Field("", max_length=500, description="止まったときの影響")
    priority: str = Field("", max_length=50, description="復旧の優先度")


class BcpPaperOperationRow(Schema):
    operation: str = Field("", max_length=200, description="業務")
    fallback: str = Field("", max_length=500, description="システム停止時のやり方")
    materials: str = Field("", max_length=500, description="用意しておく用紙・物品")


class BcpBackupRow(Schema):
    target: str = Field("", max_length=200, description="対象のデータ")
    method: str = Field("", max_length=200, description="方法・保管先")
    frequency: str = Field("", max_length=100, description="頻度")
    generations: str = Field("", max_length=50, description="世代数")
    offline: bool = Field(False, description="ネットワークから切り離して保管")
    last_restore_test: date | None = Field(None, description="最後に復元を試した日")


class BcpDrillRow(Schema):
    held_on: date | None = Field(None, description="実施日")
    kind: str = Field("", max_length=200, description="訓練の内容")
    participants: str = Field("", max_length=200, description="参加者")
    findings: str = Field("", max_length=500, description="分かった課題")


def _rows_in(row: type[Schema], name: str) -> type[Schema]:
    """The body of a section's PUT: ``{"rows": [...]}`` (at most the service's row limit)."""
    return create_model(
        name,
        __base__=Schema,
        rows=(
            list[row],
            Field(..., max_length=services.MAX_ROWS, description="この項目の全行（送った行で置き換えます）"),
        ),
    )


BcpContactsIn = _rows_in(BcpContactRow, "BcpContactsIn")
BcpSystemsIn = _rows_in(BcpSystemRow, "BcpSystemsIn")
BcpPaperOperationsIn = _rows_in(BcpPaperOperationRow, "BcpPaperOperationsIn")
BcpBackupsIn = _rows_in(BcpBackupRow, "BcpBackupsIn")
BcpDrillsIn = _rows_in(BcpDrillRow, "BcpDrillsIn")


class BcpStepNotesIn(Schema):
    """The organisation's own procedure for each of the five steps; a step left out is saved empty."""

    normal: str = Field("", max_length=4000, description="1. 平時")
    detection: str = Field("", max_length=4000, description="2. 検知")
    initial_response: str = Field("", max_length=4000, description="3. 初動対応")
    recovery: str = Field("", max_length=4000, description="4. 復旧処理")
    post_incident: str = Field("", max_length=4000, description="5. 事後対応")


class BcpStatusIn(Schema):
    to: Literal["adopted", "draft"] = Field(
        ..., description="`adopted` 策定する（入力がそろっている必要あり）、`draft` 改訂のため作成中に戻す"
    )


class BcpStepOut(Schema):
    code: str
    number: int
    label: str
    summary: str
    guidance: list[str]


class BcpExplanationOut(Schema):
    title: str
    text: str


class BcpGuideOut(Schema):
    steps: list[BcpStepOut]
    contact_categories: dict[str, str]
    sections: dict[str, str] = Field(..., description="計画の項目のコード → 名称")
    deadlines: list[BcpExplanationOut] = Field(
        ..., description="個人情報が漏えいしたときの報告の期限（平易な説明）"
    )
    desk_phone: str = Field(..., description="事故対応窓口の電話番号")


# What the plan holds, as stored (the input limits above are the pages' form limits; a stored row is shown as is).
class BcpContactOut(Schema):
    category: str
    role: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""


class BcpSystemOut(Schema):
    name: str = ""
    purpose: str = ""
    data_items: list[str] = Field(default_factory=list)
    location: str = ""
    vendor: str = ""
    impact: str = ""
    priority: str = ""


class BcpPaperOperationOut(Schema):
    operation: str = ""
    fallback: str = ""
    materials: str = ""


class BcpBackupOut(Schema):
    target: str = ""
    method: str = ""
    frequency: str = ""
    generations: str = ""
    offline: bool = False
    last_restore_test: date | None = None


class BcpDrillOut(Schema):
    held_on: date | None = None
    kind: str = ""
    participants: str = ""
    findings: str = ""


class BcpPlanOut(Schema):
    status: str = Field(..., description="`draft` 作成中、`adopted` 策定済み")
    status_label: str
    contacts: list[BcpContactOut] = Field(..., description="連絡体制（氏名・電話番号を含みます）")
    systems: list[BcpSystemOut]
    paper_operations: list[BcpPaperOperationOut]
    backups: list[BcpBackupOut]
    drills: list[BcpDrillOut]
    step_notes: dict[str, str] = Field(..., description="段階のコード → 自社の手順")
    missing: list[str] = Field(..., description="策定の前に入力が必要なこと（空ならそろっています）")
    adopted_at: datetime | None
    reviewed_on: date | None = Field(None, description="最終見直し日")
    next_review_due: date | None = Field(None, description="次の見直しの期限（1年ごと）")
    review_state: str = Field("", description="策定済みの場合：`ok`、`due_soon`、`overdue`")
    review_label: str = ""
    created_at: datetime
    updated_at: datetime


def _dates(rows, *fields: str) -> list[dict]:
    """Stored rows with their ISO date strings as dates ("" → None)."""
    out = []
    for row in rows or []:
        row = dict(row)
        for field in fields:
            value = row.get(field)
            try:
                row[field] = date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                row[field] = None
        out.append(row)
    return out


def _plan_out(plan) -> dict:
    context = documents.bcp_context(plan)
    state = context["review_state"]
    return {
        "status": plan.status,
        "status_label": context["status_label"],
        "contacts": list(plan.contacts or []),
        "systems": list(plan.systems or []),
        "paper_operations": list(plan.paper_operations or []),
        "backups": _dates(plan.backups, "last_restore_test"),
        "drills": _dates(plan.drills, "held_on"),
        "step_notes": {step.code: note for step, note in context["steps"]},
        "missing": list(context["missing"]),
        "adopted_at": plan.adopted_at,
        "reviewed_on": plan.reviewed_on,
        "next_review_due": plan.next_review_due,
        "review_state": state,
        "review_label": bcp_rules.REVIEW_LABELS.get(state, ""),
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
    }


def _plan(actor):
    plan = selectors.bcp_for(actor)
    if plan is None:
        raise NotFound("サイバーBCPはまだ作成されていません（POST /api/v1/selfcheck/bcp で作成します）。")
    return plan


# --- routes -------------------------------------------------------------------------------------------------------


@router.get(
    "/selfcheck/bcp/guide",
    response=BcpGuideOut,
    summary="サイバーBCPの手引き",
    description="5つの段階とそれぞれの手引き、連絡先の区分、計画の項目、報告の期限の説明、事故対応窓口の電話番号を返します"
    "（厚生労働省のサイバーBCPの資料に沿ったSonaeの説明）。",
)
def guide(request):
    return {
        "steps": [
            {
                "code": s.code,
                "number": s.number,
                "label": s.label,
                "summary": s.summary,
                "guidance": list(s.guidance),
            }
            for s in bcp_rules.STEPS
        ],
        "contact_categories": dict(bcp_rules.CONTACT_CATEGORIES),
        "sections": dict(bcp_rules.SECTION_LABELS),
        "deadlines": [{"title": e.title, "text": e.text} for e in bcp_rules.reporting_deadlines()],
        "desk_phone": selectors.desk_phone(),
    }


@router.get(
    "/selfcheck/bcp",
    response=BcpPlanOut,
    summary="自社のサイバーBCP",
    description="連絡体制、システムとデータ、紙運用、バックアップ、訓練の記録、各段階の手順、状態と見直しの時期を返します。"
    "まだ作成していない場合は 404 です。",
)
def plan_detail(request):
    actor = provider_actor(request)
    return _plan_out(_plan(actor))


@router.post(
    "/selfcheck/bcp",
    response={200: BcpPlanOut, 201: BcpPlanOut},
    summary="サイバーBCPを作成する",
    description="事故対応窓口の電話番号と記入すべき役割を入れた連絡体制で計画を作成します（201）。"
    "作成済みの場合はその計画を返します（200）。",
)
def plan_start(request):
    actor = provider_actor(request, "selfcheck.bcp.edit")
    existed = selectors.bcp_for(actor) is not None
    plan = services.bcp_start(actor=actor)
    return Status(200 if existed else 201, _plan_out(plan))


def _section_update(request, section: str, rows: list) -> dict:
    actor = provider_actor(request, "selfcheck.bcp.edit")
    plan = _plan(actor)
    data = [row.dict() for row in rows]
    plan = services.bcp_update_section(actor=actor, plan=plan, section=section, rows=data)
    return _plan_out(plan)


_SECTION_DOC = (
    "この項目の行をすべて置き換えます（空の行は無視します。最大50行）。策定済みの計画も策定済みのままです。"
)


@router.put(
    "/selfcheck/bcp/contacts",
    response=BcpPlanOut,
    summary="連絡体制を保存する",
    description=_SECTION_DOC + "策定には、社内の責任者の氏名と電話番号、事故対応窓口の電話番号が必要です。",
)
def contacts_update(request, payload: BcpContactsIn):
    return _section_update(request, "contacts", payload.rows)


@router.put(
    "/selfcheck/bcp/systems",
    response=BcpPlanOut,
    summary="システムとデータの一覧を保存する",
    description=_SECTION_DOC,
)
def systems_update(request, payload: BcpSystemsIn):
    return _section_update(request, "systems", payload.rows)


@router.put(
    "/selfcheck/bcp/paper-operations",
    response=BcpPlanOut,
    summary="システム停止時の紙運用を保存する",
    description=_SECTION_DOC,
)
def paper_operations_update(request, payload: BcpPaperOperationsIn):
    return _section_update(request, "paper_operations", payload.rows)


@router.put(
    "/selfcheck/bcp/backups",
    response=BcpPlanOut,
    summary="バックアップと復元の確認を保存する",
    description=_SECTION_DOC,
)
def backups_update(request, payload: BcpBackupsIn):
    return _section_update(request, "backups", payload.rows)


@router.put(
    "/selfcheck/bcp/drills",
    response=BcpPlanOut,
    summary="訓練の記録を保存する",
    description=_SECTION_DOC,
)
def drills_update(request, payload: BcpDrillsIn):
    return _section_update(request, "drills", payload.rows)


@router.put(
    "/selfcheck/bcp/steps",
    response=BcpPlanOut,
    summary="各段階の自社の手順を保存する",
    description="5つの段階それぞれの自社の手順（各4,000文字まで）を保存します。省略した段階は空になります。",
)
def steps_update(request, payload: BcpStepNotesIn):
    actor = provider_actor(request, "selfcheck.bcp.edit")
    plan = services.bcp_update_step_notes(actor=actor, plan=_plan(actor), notes=payload.dict())
    return _plan_out(plan)


@router.post(
    "/selfcheck/bcp/status",
    response=BcpPlanOut,
    summary="サイバーBCPを策定する・作成中に戻す（管理者）",
    description="`adopted` で策定します（入力が足りない場合は 400 で足りないことを返します。策定は見直しを兼ねます）。"
    "`draft` で改訂のため作成中に戻します。今と同じ状態への変更は 409 です。",
)
def plan_status(request, payload: BcpStatusIn):
    actor = provider_actor(request, "selfcheck.bcp.adopt")
    plan = services.bcp_transition(actor=actor, plan=_plan(actor), to=payload.to)
    return _plan_out(plan)


@router.post(
    "/selfcheck/bcp/review",
    response=BcpPlanOut,
    summary="見直しを記録する（管理者）",
    description="策定済みの計画の今年の見直しを記録します（次の見直しは1年後）。作成中の計画は 409 です。",
)
def plan_review(request):
    actor = provider_actor(request, "selfcheck.bcp.adopt")
    plan = services.bcp_mark_reviewed(actor=actor, plan=_plan(actor))
    return _plan_out(plan)


@router.get(
    "/selfcheck/bcp/pdf",
    summary="サイバーBCP（PDF）",
    description="連絡体制を含む計画をPDFで返します。出力は監査ログに記録されます（画面と同じ）。",
    openapi_extra=PDF_RESPONSE,
)
def plan_pdf(request):
    actor = provider_actor(request)
    plan = _plan(actor)
    services.bcp_exported(actor=actor, plan=plan)
    content, filename = documents.bcp_pdf(plan, actor.organisation)
    return file_response(content, PDF, filename)
