"""The PPC report and the My Number Act report (速報 and 確報): Enforcement Rules art. 8's nine items and the
reporter's particulars (law.md §5.1)."""

from __future__ import annotations

from sonae.duties.rules import APPI_CATEGORY_LABELS, MY_NUMBER_CATEGORY_LABELS
from sonae.jp.wareki import format_date_ja, format_datetime_ja, format_wareki

from .base import (
    FILL,
    MY_NUMBER_PRELIMINARY,
    PPC_PRELIMINARY,
    UNKNOWN,
    CaseData,
    Draft,
    DraftField,
    DraftSection,
    cause_text,
    individual_response_text,
    items_text,
    overview_text,
    persons_text,
    secondary_text,
)


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


def report(case: CaseData, *, final: bool, regime: str, kind: str) -> Draft:
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
        DraftSection("overview", "1 概要", overview_text(case)),
        DraftSection(
            "items", items_heading, f"{items_text(case)}\n媒体（紙・電子）：{UNKNOWN}\n本人の区分：{whose}"
        ),
        DraftSection("persons", "3 本人の数", persons_text(persons, estimate=not final)),
        DraftSection("cause", "4 原因", cause_text(case)),
        DraftSection("secondary", "5 二次被害又はそのおそれの有無及びその内容", secondary_text(case)),
        DraftSection("individuals", "6 本人への対応の実施状況", individual_response_text(case)),
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
