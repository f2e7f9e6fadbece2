"""API of the hospital's drafts on a notified case (the draft pages): its own report to the PPC and its notice to
patients, prefilled from what the contractor shared, read as HTML and text or downloaded as the page's PDF.
Routes on the hospital portal's router (``hospitals.api``).

The same selectors, draft context and service as the pages (``views/cases.py``): the hospital reaches a case
through a notice it received (another's is 404); reading needs ``hospitals.case.view``, the PDF
``hospitals.case.draft`` (staff and above; generating it is audited). The drafts hold no patient's personal data
(the shared facts only), and the page saves no edits: the user edits the downloaded text or PDF.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from sonae.api.files import PDF, file_openapi, file_response, render_or_503
from sonae.core.models import OrganisationKind

from . import selectors, services
from .api import _require, router
from .drafts import DRAFT_KINDS, draft_context, draft_text, render_draft_html

HOSPITAL = OrganisationKind.HOSPITAL
HospitalDraftKind = Literal[tuple(DRAFT_KINDS)]  # type: ignore[valid-type]
KIND_DOC = (
    "`kind`: `ppc` 個人情報保護委員会への報告（速報）の下書き、`patients` 患者の皆様へのお知らせの下書き。"
)


class HospitalDraftKindOut(Schema):
    kind: str = Field(..., description="文案の種類")
    title: str = Field(..., description="文案の名称")


class HospitalDraftOut(HospitalDraftKindOut):
    notice_id: int
    reference: str = Field(..., description="案件の受付番号")
    html: str = Field(..., description="画面と同じ本文（HTML。PDFと同じ内容）")
    text: str = Field(..., description="本文のテキスト（1行に1項目。報告フォームへの転記用）")


@router.get(
    "/hospitals/notices/{notice_id}/drafts",
    response=list[HospitalDraftKindOut],
    summary="通知を受けた案件の文案の種類（医療機関）",
    description="医療機関自身の報告・お知らせの文案（下書き）の種類を返します。",
)
def notice_draft_list(request, notice_id: int):
    actor = request.auth
    _require(actor, "hospitals.case.view", HOSPITAL)
    selectors.notice_get(actor, notice_id)
    return [{"kind": kind, "title": spec["title"]} for kind, spec in DRAFT_KINDS.items()]


@router.get(
    "/hospitals/notices/{notice_id}/drafts/{kind}",
    response=HospitalDraftOut,
    summary="通知を受けた案件の文案（医療機関）",
    description="委託先が共有した通知・事実と医療機関自身の期限から作った文案を返します（画面と同じ本文。患者個人の"
    "情報は含みません）。文案は保存されません。" + KIND_DOC,
)
def notice_draft(request, notice_id: int, kind: HospitalDraftKind):
    actor = request.auth
    _require(actor, "hospitals.case.view", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    html = render_draft_html(kind, draft_context(selectors.case_view(actor, notice), actor.organisation))
    return {
        "kind": kind,
        "title": DRAFT_KINDS[kind]["title"],
        "notice_id": notice.pk,
        "reference": notice.incident.reference,
        "html": html,
        "text": draft_text(html),
    }


@router.get(
    "/hospitals/notices/{notice_id}/drafts/{kind}/pdf",
    summary="通知を受けた案件の文案のPDF（医療機関）",
    description="文案を画面の「PDFをダウンロード」と同じPDFで返します（スタッフ以上。閲覧のみの権限は 403）。"
    "作成は監査ログに記録されます。" + KIND_DOC,
    openapi_extra=file_openapi(PDF, description="文案のPDF"),
)
def notice_draft_pdf(request, notice_id: int, kind: HospitalDraftKind):
    actor = request.auth
    _require(actor, "hospitals.case.view", HOSPITAL)
    notice = selectors.notice_get(actor, notice_id)
    pdf = render_or_503(lambda: services.draft_pdf(actor=actor, notice=notice, kind=kind))
    return file_response(pdf, PDF, f"{notice.incident.reference}-{DRAFT_KINDS[kind]['filename']}.pdf")
