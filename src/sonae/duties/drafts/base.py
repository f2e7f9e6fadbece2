"""The drafts' data (``Draft``, ``CaseData``), their kinds, and the text helpers shared by reports and letters.

What the case does not know yet is written 「調査中」 (``UNKNOWN``); what only the business can fill in is
「（記入してください）」 (``FILL``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sonae.duties.rules import CAUSE_LABELS, DATA_ITEM_LABELS
from sonae.jp.wareki import format_date_ja, format_datetime_ja

UNKNOWN = "調査中"
FILL = "（記入してください）"

PPC_PRELIMINARY = "ppc_preliminary"
PPC_FINAL = "ppc_final"
ENTRUSTING_PARTY_NOTICE = "entrusting_party_notice"
INDIVIDUAL_NOTICE = "individual_notice"
MY_NUMBER_PRELIMINARY = "my_number_preliminary"
MY_NUMBER_FINAL = "my_number_final"
PUBLIC_ANNOUNCEMENT = "public_announcement"

DRAFT_KINDS: dict[str, str] = {
    PPC_PRELIMINARY: "個人情報保護委員会への報告（速報）",
    PPC_FINAL: "個人情報保護委員会への報告（確報）",
    ENTRUSTING_PARTY_NOTICE: "委託元への通知",
    INDIVIDUAL_NOTICE: "本人への通知",
    MY_NUMBER_PRELIMINARY: "マイナンバー法の報告（速報）",
    MY_NUMBER_FINAL: "マイナンバー法の報告（確報）",
    PUBLIC_ANNOUNCEMENT: "公表文（本人に連絡できない場合）",
}
FILE_STEMS = {
    PPC_PRELIMINARY: "ppc-preliminary",
    PPC_FINAL: "ppc-final",
    ENTRUSTING_PARTY_NOTICE: "entrusting-party-notice",
    INDIVIDUAL_NOTICE: "individual-notice",
    MY_NUMBER_PRELIMINARY: "my-number-preliminary",
    MY_NUMBER_FINAL: "my-number-final",
    PUBLIC_ANNOUNCEMENT: "public-announcement",
}


@dataclass(frozen=True)
class DraftField:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class DraftSection:
    key: str
    heading: str
    body: str


@dataclass(frozen=True)
class Draft:
    """One document: who writes to whom and when, a title, an opening, header fields, sections, a closing."""

    kind: str
    title: str
    date_text: str
    recipient: str
    sender: str
    intro: str
    fields: tuple[DraftField, ...] = ()
    sections: tuple[DraftSection, ...] = ()
    closing: str = ""

    @property
    def kind_label(self) -> str:
        return DRAFT_KINDS[self.kind]

    def with_values(self, values: dict[str, str]) -> Draft:
        """The same draft with the parts the user edited (keys as in ``form_values``)."""
        return replace(
            self,
            title=values.get("title", self.title),
            date_text=values.get("date_text", self.date_text),
            recipient=values.get("recipient", self.recipient),
            sender=values.get("sender", self.sender),
            intro=values.get("intro", self.intro),
            fields=tuple(replace(f, value=values.get(f"field_{f.key}", f.value)) for f in self.fields),
            sections=tuple(replace(s, body=values.get(f"section_{s.key}", s.body)) for s in self.sections),
            closing=values.get("closing", self.closing),
        )

    def form_values(self) -> dict[str, str]:
        values = {
            "title": self.title,
            "date_text": self.date_text,
            "recipient": self.recipient,
            "sender": self.sender,
            "intro": self.intro,
            "closing": self.closing,
        }
        values.update({f"field_{f.key}": f.value for f in self.fields})
        values.update({f"section_{s.key}": s.body for s in self.sections})
        return values


@dataclass
class CaseData:
    """What the drafts know of a case (from the incident, the latest assessment and the duties' records)."""

    reference: str
    title: str
    description: str
    provider_name: str
    provider_phone: str
    provider_email: str
    corporate_number: str
    facts: dict
    result: dict
    entrusting_party: str
    today: date
    done: dict[str, tuple[datetime, str]] = field(default_factory=dict)  # kind -> (done_at, reference number)

    @property
    def contractor(self) -> bool:
        return self.facts.get("role") == "contractor"

    @property
    def discovered(self) -> datetime:
        return datetime.fromisoformat(self.facts["discovered_at"])

    @property
    def notified(self) -> datetime | None:
        value = self.facts.get("entrusting_party_notified_at")
        return datetime.fromisoformat(value) if value else None

    @property
    def party(self) -> str:
        return self.entrusting_party or "（委託元の名称）"


def items_text(case: CaseData) -> str:
    """The affected data items in words (氏名、病棟・病室、…)."""
    return "、".join(DATA_ITEM_LABELS.get(c, c) for c in case.facts.get("data_items", [])) or UNKNOWN


def persons_text(count: int | None, *, estimate: bool) -> str:
    """30人, with a note when the number is still an estimate (preliminary reports, letters)."""
    if count is None:
        return UNKNOWN
    return f"{count:,}人" + ("（現時点の見込みの上限。調査により変わることがあります）" if estimate else "")


def cause_text(case: CaseData) -> str:
    """The cause in words; the details stay under investigation until the user writes them."""
    label = CAUSE_LABELS.get(case.facts.get("cause"), UNKNOWN)
    return f"{label}。詳しい経緯は{UNKNOWN}。"


def secondary_text(case: CaseData) -> str:
    """Secondary damage as far as the exfiltration evidence tells."""
    evidence = case.facts.get("exfiltration_evidence")
    if evidence == "confirmed":
        return "外部への持ち出しが確認されています。二次被害の有無とその内容は調査中です。"
    if evidence == "none_found":
        return "現時点で外部への持ち出しの痕跡は確認されていません。二次被害も確認されていません（調査を続けています）。"
    return f"{UNKNOWN}（現時点で二次被害は確認されていません）。"


def overview_text(case: CaseData, *, for_entrusting_party: bool = False) -> str:
    """Item 1 (概要): when it happened and was discovered, the entrustment, the account of the case."""
    lines = [
        f"発生日時：{UNKNOWN}",
        f"発覚日時：{format_datetime_ja(case.discovered)}（{format_date_ja(case.discovered)}を知った日としています）",
        f"発覚の経緯：{UNKNOWN}",
    ]
    if case.contractor and not for_entrusting_party:
        line = f"委託を受けて取り扱っていた個人データです（委託元：{case.party}）。"
        if case.notified:
            line += f"{format_datetime_ja(case.notified)}に委託元へ通知しました。"
        lines.append(line)
    lines.append(f"事案の概要：{case.description or case.title}")
    return "\n".join(lines)


def individual_response_text(case: CaseData) -> str:
    """Item 6 (本人への対応): done, left to the entrusting party, in preparation, or not required."""
    appi = case.result["appi"]
    if INDIVIDUAL_NOTICE in case.done:
        done_at, _ = case.done[INDIVIDUAL_NOTICE]
        return (
            f"{format_date_ja(done_at)}に本人への通知を行いました（方法：{FILL}）。\n問い合わせ窓口：{FILL}"
        )
    if appi["reporting_mode"] in ("via_entrusting_party", "joint"):
        return "本人への通知は委託元が行います。当社は通知文の作成等に協力します。"
    if appi["individual_notice_required"]:
        return f"本人への通知を準備しています（{UNKNOWN}）。\n問い合わせ窓口：{FILL}"
    return "本人への通知は法律上必要な事態に当たらないと判断していますが、必要に応じてお知らせします。"
