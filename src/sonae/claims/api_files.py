"""Claims API, the insurer's work queue and the files of the claims pages: the claim pack (PDF), the Excel of a
claim's or a case's expenses, attachments (receipts, quotes) decrypted for download, and the quote attached to a
prior-approval request.

The same selectors, renderers and services as the pages (``views/claims.py``, ``views/expenses.py``), with the
pages' check: desk, hospital and foundation see nothing of claims (404); provider, insurer and agency without the
power get 403. An attachment may hold personal data: its download is audited and, from a browser session, needs
a sign-in or re-authentication within the last 10 minutes (as the page).
"""

from __future__ import annotations

from django.utils import timezone
from ninja import Field, File, Form, Schema, Status
from ninja.files import UploadedFile

from sonae.api.files import PDF, XLSX, file_openapi, file_response, render_or_503
from sonae.api.listing import require_recent_auth_for_personal_data
from sonae.core.errors import NotFound, PermissionDenied

from . import selectors, services
from .api import AttachmentOut, _attachment, router
from .exports import expenses_xlsx
from .models import AttachmentKind
from .pdf import claim_pack_pdf


def _actor_for(request, action: str):
    """The pages' ``actor_for``: outside the claims world 404, inside it without the power 403."""
    actor = request.auth
    if actor is None or not actor.may("claims.view"):
        raise NotFound()
    if not actor.may(action):
        raise PermissionDenied()
    return actor


# --- the insurer's work queue ------------------------------------------------------------------------------------


class StatusCountOut(Schema):
    status: str
    label: str
    count: int


class QueueClaimOut(Schema):
    number: str
    incident: str
    provider: str
    status: str
    status_label: str
    amount_requested: int | None
    age_days: int = Field(..., description="提出からの日数")
    waiting_days: int = Field(..., description="最後に状態が変わってからの日数")
    age_band: str = Field(..., description="経過の区分（7日未満・7〜29日・30日以上）")


class QueueApprovalOut(Schema):
    id: int
    number: str
    incident: str
    provider: str
    kind: str
    item_label: str
    amount_requested: int | None
    age_days: int = Field(..., description="依頼からの日数")


class YearTotalsOut(Schema):
    programme_year: str
    name: str
    claims_paid: int = Field(..., description="支払済みの請求の数")
    paid: int = Field(..., description="支払額の合計（円）")
    approved_unpaid: int = Field(..., description="認定済みで未払いの額（円）")


class WorkQueueOut(Schema):
    status_counts: list[StatusCountOut] = Field(..., description="状態ごとの請求の数")
    claims: list[QueueClaimOut] = Field(..., description="対応中の請求（提出の古い順）")
    approvals: list[QueueApprovalOut] = Field(..., description="判断待ちの事前承認・同意（依頼の古い順）")
    years: list[YearTotalsOut] = Field(..., description="制度年度ごとの支払の状況")


@router.get(
    "/insurer/queue",
    response=WorkQueueOut,
    summary="保険会社の対応待ち",
    description="状態ごとの請求の数、対応中の請求と判断待ちの事前承認・同意（古い順、経過日数付き）、"
    "制度年度ごとの支払額を返します（保険会社のみ）。",
)
def work_queue(request):
    actor = _actor_for(request, "claims.queue")
    queue = selectors.work_queue(actor, now=timezone.now())
    return {
        "status_counts": [
            {"status": s, "label": str(label), "count": n} for s, label, n in queue.status_counts
        ],
        "claims": [
            {
                "number": q.claim.number,
                "incident": q.claim.incident.reference,
                "provider": q.claim.incident.provider.name,
                "status": q.claim.status,
                "status_label": q.claim.get_status_display(),
                "amount_requested": q.claim.amount_requested,
                "age_days": q.age_days,
                "waiting_days": q.waiting_days,
                "age_band": selectors.age_band(q.age_days),
            }
            for q in queue.claims
        ],
        "approvals": [
            {
                "id": q.approval.pk,
                "number": q.approval.number,
                "incident": q.approval.incident.reference,
                "provider": q.approval.incident.provider.name,
                "kind": q.approval.kind,
                "item_label": q.approval.item_label,
                "amount_requested": q.approval.amount_requested,
                "age_days": q.age_days,
            }
            for q in queue.approvals
        ],
        "years": [
            {
                "programme_year": y.code,
                "name": y.name,
                "claims_paid": y.claims_paid,
                "paid": y.paid,
                "approved_unpaid": y.approved_unpaid,
            }
            for y in queue.years
        ],
    }


# --- files -------------------------------------------------------------------------------------------------------


@router.get(
    "/claims/{number}/pdf",
    summary="保険金請求書（PDF）",
    description="請求1件の請求書類一式（計算の内訳と費用の明細）をPDFで返します（事業者と保険会社のスタッフ以上）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def claim_pdf(request, number: str):
    actor = _actor_for(request, "claims.export")
    claim = selectors.claim_get(actor, number)
    return file_response(
        render_or_503(lambda: claim_pack_pdf(claim)), PDF, f"保険金請求書_{claim.number}.pdf"
    )


@router.get(
    "/claims/{number}/xlsx",
    summary="請求の費用明細（Excel）",
    description="請求に含めた費用と、計算で対象になった額・ならなかった理由をExcelで返します（事業者と保険会社のスタッフ以上）。",
    openapi_extra=file_openapi(XLSX, description="Excel"),
)
def claim_xlsx(request, number: str):
    actor = _actor_for(request, "claims.export")
    claim = selectors.claim_get(actor, number)
    data = expenses_xlsx(
        incident=claim.incident, expenses=list(claim.expenses.order_by("spent_on", "id")), claim=claim
    )
    return file_response(data, XLSX, f"費用明細_{claim.number}.xlsx")


@router.get(
    "/incidents/{reference}/expenses/xlsx",
    summary="案件の費用一覧（Excel）",
    description="案件の費用をすべてExcelで返します（事業者は自社の案件、保険会社はすべて。スタッフ以上）。",
    openapi_extra=file_openapi(XLSX, description="Excel"),
)
def case_expenses_xlsx(request, reference: str):
    actor = _actor_for(request, "claims.export")
    incident = selectors.case_get(actor, reference)
    data = expenses_xlsx(incident=incident, expenses=list(selectors.expenses_for(actor, incident)))
    return file_response(data, XLSX, f"費用一覧_{incident.reference}.xlsx")


@router.get(
    "/attachments/{attachment_id}",
    summary="添付資料をダウンロードする",
    description="費用・事前承認の添付資料（領収書・見積書など）を復号して返します（事業者は自社の案件、保険会社はすべて。"
    "スタッフ以上）。ダウンロードは監査ログに記録され、ブラウザのセッションでは直近10分以内のログインまたは再認証が"
    "必要です。登録時のSHA-256と一致しないファイルは返しません。",
    openapi_extra=file_openapi("application/octet-stream", description="添付資料（登録時の形式）"),
)
def attachment_download(request, attachment_id: int):
    actor = _actor_for(request, "claims.attachment.download")
    attachment = selectors.attachment_get(actor, attachment_id)
    require_recent_auth_for_personal_data(request)
    opened = services.attachment_open(actor=actor, attachment=attachment)
    return file_response(opened.content, opened.content_type, opened.name)


@router.post(
    "/approvals/{approval_id}/attachments",
    response={201: AttachmentOut},
    summary="事前承認・同意の依頼に資料を添付する",
    description="判断前の事前承認・同意の依頼に、見積書などの資料（PDF・画像など）を添付します（暗号化して保管。"
    "事業者のスタッフ以上）。判断済みの依頼には添付できません（400）。",
)
def approval_attach(
    request, approval_id: int, file: File[UploadedFile], kind: Form[str] = AttachmentKind.QUOTE
):
    actor = _actor_for(request, "claims.approval.request")
    approval = selectors.approval_get(actor, approval_id)
    attachment = services.approval_attachment_add(
        actor=actor, approval=approval, name=file.name or "", data=file.read(), kind=kind
    )
    return Status(201, _attachment(attachment))
