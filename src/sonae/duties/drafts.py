"""Drafts of the reports and notices a case needs, in Japanese, prefilled from the case and its latest assessment.

Kinds: the PPC report (速報 and 確報: Enforcement Rules art. 8, its nine items), the notice to the entrusting party
(art. 9), the notice to individuals (art. 10: its five contents), the My Number Act report (速報 and 確報), and the
public announcement that replaces individual notices when individuals cannot be reached (APPI art. 26(2) proviso).
What the case does not know yet is written 「調査中」; what only the business can fill in (address, representative,
contact) is 「（記入してください）」. The user edits every part in a form before downloading (PDF or DOCX).

A ``Draft`` is plain data: header lines, a table of short fields, and numbered sections of free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sonae.duties.rules import (
    APPI_CATEGORY_LABELS,
    CAUSE_LABELS,
    DATA_ITEM_LABELS,
    MY_NUMBER_CATEGORY_LABELS,
)
from sonae.duties.rules.appi import entrusting_party_duties
from sonae.duties.rules.deadlines import final_period_days, jp_date
from sonae.jp.wareki import format_date_ja, format_datetime_ja, format_wareki

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


def _items(case: CaseData) -> str:
    return "、".join(DATA_ITEM_LABELS.get(c, c) for c in case.facts.get("data_items", [])) or UNKNOWN


def _persons(count: int | None, *, estimate: bool) -> str:
    if count is None:
        return UNKNOWN
    return f"{count:,}人" + ("（現時点の見込みの上限。調査により変わることがあります）" if estimate else "")


def _cause(case: CaseData) -> str:
    label = CAUSE_LABELS.get(case.facts.get("cause"), UNKNOWN)
    return f"{label}。詳しい経緯は{UNKNOWN}。"


def _secondary(case: CaseData) -> str:
    evidence = case.facts.get("exfiltration_evidence")
    if evidence == "confirmed":
        return "外部への持ち出しが確認されています。二次被害の有無とその内容は調査中です。"
    if evidence == "none_found":
        return "現時点で外部への持ち出しの痕跡は確認されていません。二次被害も確認されていません（調査を続けています）。"
    return f"{UNKNOWN}（現時点で二次被害は確認されていません）。"


def _overview(case: CaseData, *, for_entrusting_party: bool = False) -> str:
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


def _individual_response(case: CaseData) -> str:
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


def _reporter_fields(case: CaseData, *, final: bool, regime: str) -> tuple[DraftField, ...]:
    appi = case.result["appi"]
    contact = f"{FILL}　電話 {case.provider_phone or FILL}　メール {case.provider_email or FILL}"
    rows = [
        DraftField("type", "報告の種類", "確報" if final else "速報"),
        DraftField("reporter", "報告者（事業者の名称）", case.provider_name),
        DraftField("corporate_number", "法人番号", case.corporate_number or FILL),
        DraftField("address", "所在地", FILL),
        DraftField("representative", "代表者の氏名", FILL),
        DraftField(
            "industry",
            "業種",
            "医療関連サービス業（医療機関からの受託業務）" if case.contractor else "医療関連サービス業",
        ),
        DraftField("contact", "担当者の氏名・連絡先", contact),
        DraftField(
            "entrustment",
            "委託元・委託先",
            f"委託元：{case.party}（当社は委託先）" if case.contractor else "該当なし",
        ),
        DraftField(
            "joint",
            "連名での報告",
            f"あり（委託元：{case.party}）" if appi["reporting_mode"] == "joint" else "なし",
        ),
        DraftField(
            "delegation",
            "権限委任を受けた省庁への報告",
            "なし（業種が権限委任の対象でないことを確認してください）",
        ),
    ]
    if regime == "appi":
        rows.append(
            DraftField(
                "my_number",
                "マイナンバー（特定個人情報）を含むか",
                "含む" if case.result["my_number"]["applicable"] else "含まない",
            )
        )
    if final:
        prelim = PPC_PRELIMINARY if regime == "appi" else MY_NUMBER_PRELIMINARY
        if prelim in case.done:
            done_at, number = case.done[prelim]
            value = format_date_ja(done_at) + (f"（受付番号 {number}）" if number else "")
        else:
            value = FILL
        rows.append(DraftField("preliminary", "速報の提出日・受付番号", value))
    return tuple(rows)


def _report(case: CaseData, *, final: bool, regime: str, kind: str) -> Draft:
    variant = "確報" if final else "速報"
    if regime == "my_number":
        mn = case.result["my_number"]
        title = f"特定個人情報の漏えい等に関する報告書（{variant}）"
        intro = "行政手続における特定の個人を識別するための番号の利用等に関する法律第29条の4第1項の規定により、下記のとおり報告します。"
        persons = case.facts.get("my_number_persons")
        persons = case.facts.get("persons") if persons is None else persons
        categories = "、".join(MY_NUMBER_CATEGORY_LABELS.get(c, c) for c in mn["categories"]) or UNKNOWN
        other = [
            f"該当する事態（番号法）：{categories}",
            "個人情報保護法による報告："
            + (
                "あわせて必要です"
                if case.result["appi"]["ppc_report_required"]
                else "当社による報告は不要と判断しています"
            ),
        ]
        items_heading = "2 漏えい等が発生し、又は発生したおそれがある特定個人情報の項目"
    else:
        appi = case.result["appi"]
        title = f"個人情報の漏えい等に関する報告書（{variant}）"
        article = "第8条第2項" if final else "第8条第1項"
        intro = f"個人情報の保護に関する法律第26条第1項及び個人情報の保護に関する法律施行規則{article}の規定により、下記のとおり報告します。"
        persons = case.facts.get("persons")
        categories = "、".join(APPI_CATEGORY_LABELS.get(c, c) for c in appi["categories"]) or UNKNOWN
        other = [f"該当する事態：{categories}"]
        items_heading = "2 漏えい等が発生し、又は発生したおそれがある個人データの項目"
    if case.contractor:
        other.append(
            "委託元への通知："
            + (f"{format_datetime_ja(case.notified)}に通知済み" if case.notified else f"{UNKNOWN}（準備中）")
        )
    other += [f"警察への相談・届出：{UNKNOWN}", f"その他の機関への報告・保険会社への連絡：{UNKNOWN}"]
    whose = "委託元（医療機関）の患者等" if case.contractor else UNKNOWN
    sections = (
        DraftSection("overview", "1 概要", _overview(case)),
        DraftSection(
            "items", items_heading, f"{_items(case)}\n媒体（紙・電子）：{UNKNOWN}\n本人の区分：{whose}"
        ),
        DraftSection("persons", "3 本人の数", _persons(persons, estimate=not final)),
        DraftSection("cause", "4 原因", _cause(case)),
        DraftSection("secondary", "5 二次被害又はそのおそれの有無及びその内容", _secondary(case)),
        DraftSection("individuals", "6 本人への対応の実施状況", _individual_response(case)),
        DraftSection("publication", "7 公表の実施状況", f"{UNKNOWN}（公表の要否を検討しています）"),
        DraftSection("prevention", "8 再発防止のための措置", UNKNOWN),
        DraftSection("other", "9 その他参考となる事項", "\n".join(other)),
    )
    return Draft(
        kind=kind,
        title=title,
        date_text=format_wareki(case.today),
        recipient="個人情報保護委員会 御中",
        sender=f"{case.provider_name}\n代表者 {FILL}",
        intro=intro,
        fields=_reporter_fields(case, final=final, regime=regime),
        sections=sections,
        closing="以上",
    )


def _entrusting_party_notice(case: CaseData) -> Draft:
    appi = case.result["appi"]
    receipt = case.notified.date() if case.notified else case.today
    period = appi["final_period_days"] or final_period_days("unauthorized_purpose" in appi["categories"])
    other = [
        "該当する事態："
        + (
            "、".join(APPI_CATEGORY_LABELS.get(c, c) for c in appi["categories"])
            or "報告対象の事態には当たらない見込みです"
        ),
    ]
    if appi["reportable_situation"]:
        ep = entrusting_party_duties(receipt, period)
        other.append(
            f"貴院の報告期限（参考）：本通知を{format_date_ja(receipt)}に受領された場合、個人情報保護委員会への速報の目安は"
            f"{jp_date(ep.preliminary_report_target)}、確報の期限は{jp_date(ep.final_report_due)}です"
            f"（受領日を1日目として{period}日）。"
        )
    other.append(f"当社の窓口：{FILL}（電話 {case.provider_phone or FILL}）")
    sections = (
        DraftSection("overview", "1 概要", _overview(case, for_entrusting_party=True)),
        DraftSection("items", "2 漏えい等が発生し、又は発生したおそれがある個人データの項目", _items(case)),
        DraftSection("persons", "3 本人の数", _persons(case.facts.get("persons"), estimate=True)),
        DraftSection("cause", "4 原因", _cause(case)),
        DraftSection("secondary", "5 二次被害又はそのおそれの有無及びその内容", _secondary(case)),
        DraftSection(
            "individuals",
            "6 本人への対応",
            "本人への通知の方法と時期は、貴院とご相談のうえ進めさせていただきます。",
        ),
        DraftSection("publication", "7 公表", "公表の要否は、貴院とご相談のうえ判断いたします。"),
        DraftSection("prevention", "8 再発防止のための措置", UNKNOWN),
        DraftSection("other", "9 その他参考となる事項", "\n".join(other)),
    )
    return Draft(
        kind=ENTRUSTING_PARTY_NOTICE,
        title=f"個人情報の漏えい等に関するご報告（{case.reference}）",
        date_text=format_wareki(case.today),
        recipient=f"{case.party} 御中",
        sender=f"{case.provider_name}\n担当 {FILL}\n電話 {case.provider_phone or FILL}",
        intro="平素より格別のご高配を賜り、厚く御礼申し上げます。\n"
        "貴院から委託を受けて取り扱っている個人データについて、漏えい等が発生したおそれがあることが判明しました。"
        "個人情報の保護に関する法律第26条第1項ただし書及び同法施行規則第9条に基づき、現時点で判明している事項を"
        "下記のとおりご報告いたします。多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。",
        sections=sections,
        closing="今後、調査の進捗に応じて追ってご報告いたします。\n以上",
    )


def _notifier(case: CaseData) -> tuple[str, str]:
    """Who writes to the individuals, and the opening sentence: the entrusting party when it notifies (R5, R8)."""
    appi = case.result["appi"]
    if case.contractor and appi["reporting_mode"] in ("via_entrusting_party", "joint"):
        return case.party, (
            f"当院が業務を委託している{case.provider_name}において、当院の患者さまの個人情報の漏えい等が発生した"
            "おそれがあることが判明しました。"
        )
    return (
        case.provider_name,
        "当社が取り扱っている個人情報について、漏えい等が発生したおそれがあることが判明しました。",
    )


def _my_number_advice(case: CaseData) -> str:
    if "my_number" in case.facts.get("data_items", []):
        return (
            "\nマイナンバーが悪用されるおそれがあるとお考えの場合は、お住まいの市区町村にマイナンバーの変更を"
            "請求することができます。"
        )
    return ""


def _individual_notice(case: CaseData) -> Draft:
    sender, opening = _notifier(case)
    sections = (
        DraftSection(
            "overview", "1 概要", f"{format_date_ja(case.discovered)}、{case.description or case.title}"
        ),
        DraftSection("items", "2 漏えい等が発生し、又は発生したおそれがある個人情報の項目", _items(case)),
        DraftSection("cause", "3 原因", _cause(case)),
        DraftSection(
            "secondary",
            "4 二次被害又はそのおそれの有無及びその内容",
            _secondary(case)
            + "\n本件に便乗した不審な電話・郵便・メール等にご注意ください。"
            + _my_number_advice(case),
        ),
        DraftSection("other", "5 その他参考となる事項", f"お問い合わせ窓口：{FILL}\n受付時間：{FILL}"),
    )
    return Draft(
        kind=INDIVIDUAL_NOTICE,
        title="個人情報の漏えい等に関するお詫びとお知らせ",
        date_text=format_wareki(case.today),
        recipient="（ご本人の氏名） 様",
        sender=sender,
        intro=opening
        + "ご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。個人情報の保護に関する法律第26条第2項に基づき、下記のとおりお知らせいたします。",
        sections=sections,
        closing="今後、同様の事態が起きないよう、再発防止に努めてまいります。\n以上",
    )


def _public_announcement(case: CaseData) -> Draft:
    sender, opening = _notifier(case)
    persons = case.facts.get("persons")
    sections = (
        DraftSection(
            "overview", "1 概要", f"{format_date_ja(case.discovered)}、{case.description or case.title}"
        ),
        DraftSection(
            "items",
            "2 対象となる情報",
            f"項目：{_items(case)}\n対象となる方の人数："
            + (f"{persons:,}人（見込み）" if persons is not None else UNKNOWN),
        ),
        DraftSection("cause", "3 原因", _cause(case)),
        DraftSection(
            "secondary",
            "4 二次被害又はそのおそれの有無",
            _secondary(case)
            + "\n本件に便乗した不審な電話・郵便・メール等にご注意ください。"
            + _my_number_advice(case),
        ),
        DraftSection(
            "contact",
            "5 お問い合わせ窓口",
            f"ご自身の情報が対象となっているかどうかは、下記の窓口でご確認いただけます。\n窓口：{FILL}\n受付時間：{FILL}",
        ),
        DraftSection("next", "6 今後の対応", "原因の調査を進め、再発防止策を講じてまいります。"),
    )
    return Draft(
        kind=PUBLIC_ANNOUNCEMENT,
        title="個人情報の漏えい等に関するお詫びとお知らせ",
        date_text=format_wareki(case.today),
        recipient="",
        sender=sender,
        intro=opening
        + "対象となる方のうち、ご連絡先が分からない方には個別にお知らせすることができないため、本公表をもってお知らせいたします。"
        "ご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。",
        sections=sections,
        closing="以上",
    )


def available_kinds(result: dict, facts: dict) -> list[str]:
    """The drafts a case needs (in ``DRAFT_KINDS`` order): PPC reports and notices when the situation is
    reportable, the entrusting party's notice for every contractor (contracts require it), the My Number report
    when it is due."""
    appi, mn = result["appi"], result["my_number"]
    wanted = set()
    if appi["reportable_situation"]:
        wanted |= {PPC_PRELIMINARY, PPC_FINAL}
    if facts.get("role") == "contractor":
        wanted.add(ENTRUSTING_PARTY_NOTICE)
    if appi["reportable_situation"] or mn["report_required"]:
        wanted |= {INDIVIDUAL_NOTICE, PUBLIC_ANNOUNCEMENT}
    if mn["report_required"]:
        wanted |= {MY_NUMBER_PRELIMINARY, MY_NUMBER_FINAL}
    return [kind for kind in DRAFT_KINDS if kind in wanted]


def build_draft(kind: str, case: CaseData) -> Draft:
    """The prefilled draft of ``kind`` for the case."""
    builders = {
        PPC_PRELIMINARY: lambda: _report(case, final=False, regime="appi", kind=kind),
        PPC_FINAL: lambda: _report(case, final=True, regime="appi", kind=kind),
        MY_NUMBER_PRELIMINARY: lambda: _report(case, final=False, regime="my_number", kind=kind),
        MY_NUMBER_FINAL: lambda: _report(case, final=True, regime="my_number", kind=kind),
        ENTRUSTING_PARTY_NOTICE: lambda: _entrusting_party_notice(case),
        INDIVIDUAL_NOTICE: lambda: _individual_notice(case),
        PUBLIC_ANNOUNCEMENT: lambda: _public_announcement(case),
    }
    return builders[kind]()
