"""Incident API, the documents of a case: notices to the entrusting party (draft, edit, send, PDF), the timeline as
PDF, and evidence files (downloaded with a stated reason, as on the page).

The same selectors and services as the pages (``views/notices.py``, ``views/case.py``, ``views/work.py``): another
organisation's case or object is 404; preparing and sending notices is the provider's (own case) and the desk's
staff's. An evidence download is a personal-data export: the reason goes to the chain of custody and the audit
log and, from a browser session, it needs a sign-in or re-authentication within the last 10 minutes.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema, Status

from sonae.api.files import PDF, file_openapi, file_response, render_or_503
from sonae.api.listing import require_recent_auth_for_personal_data
from sonae.core.errors import PermissionDenied

from . import selectors, services

# ``api`` imports this module at its end: its router and ``api_work``'s notice serialiser exist by then.
from .api import hospital_by_code, router
from .api_work import CaseNoticeOut, _case_notice


class NoticeIn(Schema):
    hospital_code: str | None = Field(
        None,
        max_length=50,
        description="宛先の医療機関の組織コード（省略時は案件の委託元。Sonaeに登録された医療機関にのみ送信できます）",
    )
    recipient_name: str = Field(
        "", max_length=200, description="宛先の名称（省略時は医療機関または委託元の名称）"
    )


class NoticePatch(Schema):
    subject: str = Field(..., min_length=1, max_length=200, description="件名")
    letter_text: str = Field(..., min_length=1, max_length=20000, description="本文")


class EvidenceDownloadIn(Schema):
    reason: str = Field(
        ..., min_length=1, max_length=500, description="ダウンロードの理由（証拠の取扱い記録に残ります）"
    )


def _notice_out(actor, incident, notice_id: int) -> dict:
    notice = selectors.notice_get_for_incident(actor, incident, notice_id)
    return _case_notice(notice, letter=selectors.may_see_caller(actor, incident))


@router.post(
    "/incidents/{reference}/notices",
    response={201: CaseNoticeOut},
    summary="委託元への通知の下書きを作成する",
    description="委託を受けた情報が含まれる案件で、委託元への通知の下書き（本文は案件の内容から作成）を作ります"
    "（事業者は自社の案件、デスクはすべての案件。スタッフ以上）。内容を確認して send で送信します。",
)
def notice_create(request, reference: str, payload: NoticeIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    hospital = hospital_by_code(payload.hospital_code, field="hospital_code")
    notice = services.hospital_notice_create(
        actor=actor, incident=incident, hospital=hospital, recipient_name=payload.recipient_name
    )
    return Status(201, _notice_out(actor, incident, notice.pk))


@router.put(
    "/incidents/{reference}/notices/{notice_id}",
    response=CaseNoticeOut,
    summary="委託元への通知の本文を変更する",
    description="下書きの件名と本文を保存します（スタッフ以上）。送信済みの通知は変更できません（409）。",
)
def notice_update(request, reference: str, notice_id: int, payload: NoticePatch):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    notice = selectors.notice_get_for_incident(actor, incident, notice_id)
    services.hospital_notice_update(
        actor=actor, notice=notice, subject=payload.subject, letter_text=payload.letter_text
    )
    return _notice_out(actor, incident, notice_id)


@router.post(
    "/incidents/{reference}/notices/{notice_id}/send",
    response=CaseNoticeOut,
    summary="委託元へ通知を送信する",
    description="下書きを宛先の医療機関に送信します（Sonae内の通知と、PDF付きの電子メール。スタッフ以上）。"
    "Sonaeに登録されていない宛先には送信できません（400。PDFを郵送等でお送りください）。送信済みは 409 です。",
)
def notice_send(request, reference: str, notice_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    notice = selectors.notice_get_for_incident(actor, incident, notice_id)
    services.hospital_notice_send(actor=actor, notice=notice)
    return _notice_out(actor, incident, notice_id)


@router.get(
    "/incidents/{reference}/notices/{notice_id}/pdf",
    summary="委託元への通知（PDF）",
    description="通知1件をPDFで返します（画面のPDFと同じもの）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def notice_pdf(request, reference: str, notice_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    notice = selectors.notice_get_for_incident(actor, incident, notice_id)
    pdf = render_or_503(lambda: services.notice_pdf(notice))
    return file_response(pdf, PDF, f"{incident.reference}-notice-{notice.pk}.pdf")


@router.get(
    "/incidents/{reference}/timeline/pdf",
    summary="タイムライン（PDF）",
    description="案件のタイムラインをPDFで返します（当局・保険会社への報告用。出力は監査ログに記録されます）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def timeline_pdf(request, reference: str):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    pdf = render_or_503(
        lambda: services.timeline_pdf_export(
            actor=actor,
            incident=incident,
            events=selectors.timeline_for(actor, incident),
            show_caller=selectors.may_see_caller(actor, incident),
        )
    )
    return file_response(pdf, PDF, f"{incident.reference}-timeline.pdf")


@router.post(
    "/incidents/{reference}/evidence/{evidence_id}/download",
    summary="証拠ファイルをダウンロードする",
    description="証拠ファイルを復号して返します（事業者は自社の案件、デスクはすべての案件。スタッフ以上）。"
    "理由は証拠の取扱い記録・タイムライン・監査ログに残り、ブラウザのセッションでは直近10分以内のログインまたは"
    "再認証が必要です（403 `reauthentication_required`）。登録時のSHA-256と一致しないファイルは返しません。",
    openapi_extra=file_openapi("application/octet-stream", description="証拠ファイル（登録時の形式）"),
)
def evidence_download(request, reference: str, evidence_id: int, payload: EvidenceDownloadIn):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    item = selectors.evidence_get(actor, incident, evidence_id)
    require_recent_auth_for_personal_data(request)
    file = services.evidence_download(actor=actor, evidence=item, reason=payload.reason)
    return file_response(file.content, file.content_type, file.name)


class CustodyEventOut(Schema):
    at: datetime
    actor: str = Field(..., description="操作した人（またはAPIトークン）")
    action: str = Field(..., description="`uploaded` 登録、`downloaded` ダウンロード")
    reason: str = Field(..., description="ダウンロードの理由")


@router.get(
    "/incidents/{reference}/evidence/{evidence_id}/custody",
    response=list[CustodyEventOut],
    summary="証拠の取扱い記録",
    description="証拠ファイル1件の登録とダウンロード（誰が・いつ・なぜ）を古い順に返します（証拠保全の記録。"
    "事業者（自社の案件）とデスクのスタッフ以上）。",
)
def evidence_custody(request, reference: str, evidence_id: int):
    actor = request.auth
    incident = selectors.incident_get(actor, reference)
    item = selectors.evidence_get(actor, incident, evidence_id)
    return [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": "uploaded" if e.action == "incident.evidence_uploaded" else "downloaded",
            "reason": e.reason,
        }
        for e in selectors.evidence_custody(actor, item)
    ]


@router.get(
    "/hospitals/notices/{notice_id}/pdf",
    summary="受け取った通知（PDF）",
    description="医療機関が受け取った委託先からの通知1件をPDFで返します（宛先の医療機関のみ。画面のPDFと同じもの）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def hospital_notice_pdf(request, notice_id: int):
    actor = request.auth
    if not actor.may("hospital_notice.view"):
        raise PermissionDenied()
    notice = selectors.hospital_notice_get(actor, notice_id)
    pdf = render_or_503(lambda: services.notice_pdf(notice))
    return file_response(pdf, PDF, f"{notice.incident.reference}-notice-{notice.pk}.pdf")
