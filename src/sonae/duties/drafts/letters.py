"""Letters: the notice to the entrusting party (Enforcement Rules art. 9), the notice to individuals (art. 10) and
the public announcement that replaces it when individuals cannot be reached (APPI art. 26(2) proviso)."""

from __future__ import annotations

from sonae.duties.rules import APPI_CATEGORY_LABELS
from sonae.duties.rules.appi import entrusting_party_duties
from sonae.duties.rules.deadlines import final_period_days, jp_date
from sonae.jp.wareki import format_date_ja, format_wareki

from .base import (
    ENTRUSTING_PARTY_NOTICE,
    FILL,
    INDIVIDUAL_NOTICE,
    PUBLIC_ANNOUNCEMENT,
    UNKNOWN,
    CaseData,
    Draft,
    DraftSection,
    cause_text,
    items_text,
    overview_text,
    persons_text,
    secondary_text,
)


def entrusting_party_notice(case: CaseData) -> Draft:
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
        DraftSection("overview", "1 概要", overview_text(case, for_entrusting_party=True)),
        DraftSection(
            "items", "2 漏えい等が発生し、又は発生したおそれがある個人データの項目", items_text(case)
        ),
        DraftSection("persons", "3 本人の数", persons_text(case.facts.get("persons"), estimate=True)),
        DraftSection("cause", "4 原因", cause_text(case)),
        DraftSection("secondary", "5 二次被害又はそのおそれの有無及びその内容", secondary_text(case)),
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


def individual_notice(case: CaseData) -> Draft:
    sender, opening = _notifier(case)
    sections = (
        DraftSection(
            "overview", "1 概要", f"{format_date_ja(case.discovered)}、{case.description or case.title}"
        ),
        DraftSection("items", "2 漏えい等が発生し、又は発生したおそれがある個人情報の項目", items_text(case)),
        DraftSection("cause", "3 原因", cause_text(case)),
        DraftSection(
            "secondary",
            "4 二次被害又はそのおそれの有無及びその内容",
            secondary_text(case)
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


def public_announcement(case: CaseData) -> Draft:
    sender, opening = _notifier(case)
    persons = case.facts.get("persons")
    sections = (
        DraftSection(
            "overview", "1 概要", f"{format_date_ja(case.discovered)}、{case.description or case.title}"
        ),
        DraftSection(
            "items",
            "2 対象となる情報",
            f"項目：{items_text(case)}\n対象となる方の人数："
            + (f"{persons:,}人（見込み）" if persons is not None else UNKNOWN),
        ),
        DraftSection("cause", "3 原因", cause_text(case)),
        DraftSection(
            "secondary",
            "4 二次被害又はそのおそれの有無",
            secondary_text(case)
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
