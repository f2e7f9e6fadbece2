"""Reply letters (PDF and editable DOCX) for each decision, and the disclosure package.

One source of content (``Block`` list from ``sonae.documents.docx``) feeds both formats, so the PDF and the Word
draft say the same thing. Personal data is decrypted only into the generated document.
"""

from __future__ import annotations

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_personal_data_access
from sonae.core.errors import PermissionDenied
from sonae.documents.docx import Heading, Paragraph, Table, render_docx
from sonae.documents.pdf import render_html_pdf
from sonae.jp.calendar import tokyo_date

from . import selectors
from .models import Decision, Kind, RightsRequest

DESK_NOT_GRANTED = "この案件の対象者データの閲覧は、事業者から許可されていません。"

RECORD_LABELS = {
    "name": "氏名",
    "kana": "フリガナ",
    "birth": "生年月日",
    "postal": "郵便番号",
    "address": "住所",
    "phone": "電話番号",
    "patient": "患者ID",
    "card": "保険証等の番号",
}

BODIES = {
    Decision.COMPLY: "ご請求の内容を検討した結果、ご請求のとおり対応することといたしましたので、お知らせいたします。",
    Decision.PARTLY: "ご請求の内容を検討した結果、下記のとおり一部について対応することといたしました。"
    "対応しない部分とその理由は下記のとおりです。",
    Decision.REFUSE: "ご請求の内容を検討いたしましたが、下記の理由により、ご請求に応じることができません。"
    "ご理解を賜りますようお願い申し上げます。",
    Decision.ALTERNATIVE: "ご請求の内容を検討した結果、ご請求の措置に代えて、下記の措置をとることといたしました"
    "（個人情報保護法35条の代替措置）。",
}


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def reply_blocks(request: RightsRequest) -> list:
    """The reply letter's content for the request's decision (or the forwarding notice when forwarded)."""
    today = tokyo_date(timezone.now())
    blocks: list = [
        Paragraph(_date(today), align="right"),
        Paragraph(f"{request.requester_name or ''} 様"),
        Paragraph(request.organisation.name, align="right"),
        Heading(f"{request.get_kind_display()}のご請求に対するご回答"),
        Paragraph(
            f"{_date(request.received_on)}に受け付けました{request.get_kind_display()}のご請求（{request.article}）"
            "について、ご回答申し上げます。"
        ),
    ]
    if request.forwarded_to_id:
        blocks.append(
            Paragraph(
                f"ご請求に係る個人データは、当社が{request.forwarded_to.name}から委託を受けて取り扱っているものです。"
                f"ご請求は{_date(tokyo_date(request.forwarded_at))}に{request.forwarded_to.name}へお伝えしました。"
                "今後のご回答は同院からお送りします。"
            )
        )
        return blocks
    blocks.append(Paragraph(BODIES.get(request.decision, "")))
    rows = [("ご請求の種類", request.get_kind_display()), ("決定", request.get_decision_display())]
    if request.decision_reasons:
        rows.append(("理由", request.decision_reasons))
    if request.alternative_measure:
        rows.append(("代替措置", request.alternative_measure))
    if request.kind == Kind.DISCLOSURE and request.fee_yen:
        rows.append(("手数料", f"{request.fee_yen:,}円"))
    blocks.append(Table(tuple(rows)))
    if request.decision in (Decision.REFUSE, Decision.PARTLY):
        blocks.append(Paragraph("本回答にご不明な点がございましたら、お問い合わせ窓口までご連絡ください。"))
    blocks.append(Paragraph("以上", align="right"))
    return blocks


def _html(blocks: list, title: str) -> str:
    return render_to_string("rights/letter.html", {"blocks": blocks, "title": title})


def reply_docx(request: RightsRequest) -> bytes:
    return render_docx(reply_blocks(request), title="ご回答")


def reply_pdf(request: RightsRequest) -> bytes:
    return render_html_pdf(_html(reply_blocks(request), "ご回答"))


def _via(actor: Actor) -> dict:
    """Which credential exported: an API token has no user, so the audit names the token."""
    if actor.token is not None:
        return {"via": "token", "token": actor.token.prefix}
    return {"via": "session"}


def reply_letter_export(*, actor: Actor, request: RightsRequest, fmt: str = "pdf") -> bytes:
    """The reply letter (PDF or DOCX), downloaded from the page or the API: it names the requester, so the export
    is logged as a personal-data export."""
    content = reply_docx(request) if fmt == "docx" else reply_pdf(request)
    audit_personal_data_access(
        actor=actor.user,
        organisation=actor.organisation,
        target=request,
        reason=f"開示等の請求への回答書の出力（{fmt.upper()}）",
        kind="exported",
        data={"document": "reply_letter", "format": fmt, **_via(actor)},
    )
    return content


def disclosure_blocks(request: RightsRequest) -> list:
    """What the business holds about the person: the victim record, leaked items and this request's facts."""
    blocks: list = [
        Heading("保有個人データの開示"),
        Paragraph(f"{request.organisation.name}が保有するあなたの個人データ"),
    ]
    record, items = {}, []
    try:
        victim_model = apps.get_model("victims", "Victim")
    except LookupError:
        victim_model = None
    if victim_model is not None and request.victim_id is not None:
        victim = victim_model.objects.filter(pk=request.victim_id, incident=request.incident).first()
        if victim is not None:
            record = victim.record or {}
            try:
                from sonae.victims.items import labels_of

                items = labels_of(victim.items)
            except ImportError:
                items = []
    rows = [(label, str(record.get(key) or "")) for key, label in RECORD_LABELS.items() if record.get(key)]
    blocks.append(Table(tuple(rows) or (("保有している項目", "なし"),)))
    if items:
        blocks.append(Paragraph("漏えい等のおそれがある項目: " + "、".join(items)))
    blocks.append(Paragraph(f"事案: {request.incident.reference}（{request.incident.title}）"))
    return blocks


def disclosure_package(*, actor: Actor, request: RightsRequest, reason: str, fmt: str = "pdf") -> bytes:
    """The disclosure document (PDF or DOCX); the decryption is logged as a personal-data export. It reads the
    person's record on the victims list: the desk needs the provider's grant, as on the victims pages."""
    if not selectors.may_read_list_record(actor, request):
        raise PermissionDenied(DESK_NOT_GRANTED)
    audit_personal_data_access(
        actor=actor.user,
        organisation=actor.organisation,
        target=request,
        reason=reason,
        kind="exported",
        data={"victim": request.victim_id, "format": fmt, **_via(actor)},
    )
    blocks = disclosure_blocks(request)
    if fmt == "docx":
        return render_docx(blocks, title="保有個人データの開示")
    return render_html_pdf(_html(blocks, "保有個人データの開示"))
