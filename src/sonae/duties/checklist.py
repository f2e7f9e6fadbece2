"""The plain-Japanese checklist of an assessment, and the one thing to do first.

Pure (no Django). ``checklist_lines`` writes the lines the 法的対応 page shows, e.g.
「個人情報保護委員会への速報：目安 2025年10月10日（金）」, each with the rules behind it (linked to the explain page) and
the anchor of the duty's own explanation; ``headline`` says in one sentence what to do first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sonae.duties.rules import APPI_CATEGORY_LABELS
from sonae.duties.rules.deadlines import jp_date
from sonae.jp.calendar import tokyo_date

from .labels import basis_links
from .specs import (
    CATEGORY_BASIS,
    DUTY_ANCHORS,
    ENTRUSTING_PARTY_NOTICE,
    EP_FINAL,
    EP_INDIVIDUAL_NOTICE,
    EP_PRELIMINARY,
    INDIVIDUAL_NOTICE,
    MY_NUMBER_FINAL,
    MY_NUMBER_INDIVIDUAL_NOTICE,
    MY_NUMBER_PRELIMINARY,
    PPC_FINAL,
    PPC_PRELIMINARY,
    SITUATION_READINGS,
    DutySpec,
    basis_order,
    duty_specs,
    iso_day,
)

# --- the checklist -------------------------------------------------------------------------------------------

TODO, INFO, NOT_REQUIRED = "todo", "info", "not_required"


@dataclass
class ChecklistLine:
    """One line of the checklist. ``kind`` is set for lines that are a duty (they carry a done-mark)."""

    text: str
    detail: str = ""
    basis: list[dict] = field(default_factory=list)
    anchor: str = ""
    status: str = TODO
    kind: str | None = None
    item: object = None  # the DutyItem, attached by the page
    form: object = None  # the done-mark form, attached by the page


def _short(day: date, reference: date) -> str:
    """11月5日, or with the year when it differs from ``reference``."""
    if day.year != reference.year:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日"


def _plain(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _situation_lines(appi: dict) -> list[ChecklistLine]:
    basis = appi["basis"]
    if appi["reportable_situation"]:
        labels = "、".join(APPI_CATEGORY_LABELS[c] for c in appi["categories"])
        situation = ["APPI art. 26(1)"] + [CATEGORY_BASIS[c] for c in appi["categories"]]
        situation += [b for b in basis if b in SITUATION_READINGS]
        return [
            ChecklistLine(
                text=f"報告対象の事態に当たります：{labels}",
                detail="個人情報保護委員会への報告と本人への通知が必要な事態です（誰が行うかは以下のとおり）。",
                basis=basis_links(basis_order(situation)),
                anchor="rule-7",
                status=INFO,
            )
        ]
    if "PPC Q&A 6-1" in basis:
        why = "誤送付先が閲覧せずに削除・返却したことを確認しているため、漏えいに当たりません。"
    elif "Enforcement Rules art. 7(i)" in basis:
        why = "高度な暗号化等の秘匿化がされ、復号鍵も安全なため、報告の対象から除かれます。"
    elif "PPC guidelines (general) 3-5-1" in basis:
        why = "同じデータの完全なバックアップがあるため、滅失・毀損に当たりません。"
    else:
        why = "規則7条の4つの事態（要配慮個人情報、財産的被害のおそれ、不正の目的、1,000人超）のいずれにも当たりません。"
    return [
        ChecklistLine(
            text="個人情報保護委員会への報告：不要（報告対象の事態に当たりません）",
            detail=why
            + "本人への通知も法律上は不要です。委託契約や社内規程による報告は別に確認してください。",
            basis=basis_links(basis),
            anchor="rule-7",
            status=NOT_REQUIRED,
        )
    ]


def _ppc_lines(
    appi: dict, specs: dict[str, DutySpec], knowing: date, notified: date | None
) -> list[ChecklistLine]:
    mode = appi["reporting_mode"]
    lines: list[ChecklistLine] = []
    if mode == "via_entrusting_party":
        return [
            ChecklistLine(
                text="個人情報保護委員会への報告：不要（委託元への通知により、委託元が報告します）",
                detail="目安までに委託元へ通知したため、当社自身の報告と本人への通知は不要です（法26条1項ただし書・2項）。",
                basis=basis_links(
                    basis_order(
                        ["APPI art. 26(1)", "APPI art. 26(2)", "Enforcement Rules art. 9", "Sonae reading R5"]
                    )
                ),
                anchor="r5",
                status=NOT_REQUIRED,
            )
        ]
    if mode not in ("own", "joint"):
        return lines
    joint = mode == "joint"
    prelim, final = specs[PPC_PRELIMINARY], specs[PPC_FINAL]
    hint = ""
    if "Sonae reading R6" in appi["basis"]:
        target = _plain(iso_day(appi["entrusting_party_notice_target"]))
        hint = f"委託元へ{target}までに通知すれば、当社の報告は不要になります（委託元が報告します）。"
    elif appi["entrusting_party_notice_required"] and notified is not None and not joint:
        hint = "委託元への通知が目安より後のため、当社の報告義務が残ります。委託元と連名で報告することをおすすめします。"
    lines.append(
        ChecklistLine(
            text=f"個人情報保護委員会への速報{'（委託元と連名）' if joint else ''}：目安 {jp_date(prelim.due_date)}",
            detail="知った日から5日目（暦日）を目安とし、閉庁日でも繰り下げません。分かっている事項だけで提出し、"
            "分からない事項は「調査中」とします。" + hint,
            basis=basis_links(prelim.basis),
            anchor=DUTY_ANCHORS[PPC_PRELIMINARY],
            kind=PPC_PRELIMINARY,
        )
    )
    period = appi["final_period_days"]
    due, due_b = final.due_date, iso_day(appi["final_report_due_reading_b"])
    reading_b = "翌日起算でも同じ日" if due_b == due else f"翌日起算の場合 {_short(due_b, due)}"
    detail = "9つの報告事項をすべて報告します。期限日が土日祝日・年末年始（12月29日〜1月3日）に当たるときは翌開庁日です。"
    if period == 60:
        detail += "不正の目的によるおそれがあるため、期間は60日です。"
    lines.append(
        ChecklistLine(
            text=f"確報：{jp_date(due)}まで（発覚日を1日目として{period}日。{reading_b}）",
            detail=detail + hint,
            basis=basis_links(final.basis),
            anchor=DUTY_ANCHORS[PPC_FINAL],
            kind=PPC_FINAL,
        )
    )
    return lines


def _entrusting_notice_lines(
    appi: dict, spec: DutySpec, notified: date | None, party: str
) -> list[ChecklistLine]:
    if not spec.required:
        return []
    whom = f"{party}（委託元）" if party else "委託元"
    target = spec.due_date
    if notified is not None:
        text = f"委託元への通知：{_plain(notified)}に通知済み（目安 {_plain(target)}まで）"
        detail = f"{whom}への通知を記録しています。"
    else:
        text = f"委託元への通知：{_plain(target)}までに"
        detail = (
            f"{whom}へ、分かっている事項を通知します（{jp_date(target)}。知った日から5日目の目安で、閉庁日でも"
            "繰り下げません）。"
        )
    return [
        ChecklistLine(
            text=text,
            detail=detail,
            basis=basis_links(spec.basis),
            anchor=DUTY_ANCHORS[ENTRUSTING_PARTY_NOTICE],
            kind=ENTRUSTING_PARTY_NOTICE,
        )
    ]


def _individual_notice_lines(appi: dict, spec: DutySpec) -> list[ChecklistLine]:
    if spec.required:
        return [
            ChecklistLine(
                text="本人への通知：速やかに",
                detail="概要、漏えい等した項目、原因、二次被害のおそれ、問い合わせ先などを本人に知らせます（規則10条）。"
                "連絡先が分からない本人がいる場合は、公表と問い合わせ窓口の設置で代えることができます。",
                basis=basis_links(spec.basis),
                anchor=DUTY_ANCHORS[INDIVIDUAL_NOTICE],
                kind=INDIVIDUAL_NOTICE,
            )
        ]
    if appi["reportable_situation"] and appi["reporting_mode"] in ("via_entrusting_party", "joint"):
        reading = "Sonae reading R8" if appi["reporting_mode"] == "joint" else "Sonae reading R5"
        return [
            ChecklistLine(
                text="本人への通知：委託元が行います（当社の通知義務はありません）",
                detail="本人への通知文の作成に協力できるよう、文案を用意しておくと円滑です。",
                basis=basis_links(basis_order(["APPI art. 26(2)", reading])),
                anchor=DUTY_ANCHORS[INDIVIDUAL_NOTICE],
                status=NOT_REQUIRED,
            )
        ]
    return []


def _entrusting_party_lines(appi: dict, specs: dict[str, DutySpec]) -> list[ChecklistLine]:
    ep = appi.get("entrusting_party")
    if not ep:
        return []
    knowing = _plain(iso_day(ep["knowing_date"]))
    lines = [
        ChecklistLine(
            text=f"（参考）委託元の速報：目安 {jp_date(specs[EP_PRELIMINARY].due_date)}",
            detail=f"委託元が通知を受けた{knowing}を委託元の「知った日」として数えた日付です。委託元がそれより前に知っていた場合は、その日から数えます。",
            basis=basis_links(specs[EP_PRELIMINARY].basis),
            anchor=DUTY_ANCHORS[EP_PRELIMINARY],
            status=INFO,
            kind=EP_PRELIMINARY,
        ),
        ChecklistLine(
            text=f"（参考）委託元の確報：{jp_date(specs[EP_FINAL].due_date)}まで",
            basis=basis_links(specs[EP_FINAL].basis),
            anchor=DUTY_ANCHORS[EP_FINAL],
            status=INFO,
            kind=EP_FINAL,
        ),
    ]
    if ep["individual_notice_required"]:
        lines.append(
            ChecklistLine(
                text="（参考）委託元による本人への通知：速やかに",
                basis=basis_links(specs[EP_INDIVIDUAL_NOTICE].basis),
                anchor=DUTY_ANCHORS[EP_INDIVIDUAL_NOTICE],
                status=INFO,
                kind=EP_INDIVIDUAL_NOTICE,
            )
        )
    return lines


def _my_number_lines(mn: dict, specs: dict[str, DutySpec]) -> list[ChecklistLine]:
    if not mn["applicable"]:
        return []
    if not mn["report_required"]:
        return [
            ChecklistLine(
                text="マイナンバー法の報告：不要（報告対象の事態に当たりません）",
                detail="マイナンバーを含みますが、番号法の報告対象の事態（不正の目的、不特定多数による閲覧のおそれ、100人超）に当たりません。",
                basis=basis_links(mn["basis"]),
                anchor="my-number",
                status=NOT_REQUIRED,
            )
        ]
    prelim, final = specs[MY_NUMBER_PRELIMINARY], specs[MY_NUMBER_FINAL]
    lines = [
        ChecklistLine(
            text=f"マイナンバー法の速報：目安 {jp_date(prelim.due_date)}",
            detail="個人情報保護委員会の報告フォームで「マイナンバーを含む」を選んで報告します。",
            basis=basis_links(prelim.basis),
            anchor=DUTY_ANCHORS[MY_NUMBER_PRELIMINARY],
            kind=MY_NUMBER_PRELIMINARY,
        ),
        ChecklistLine(
            text=f"マイナンバー法の確報：{jp_date(final.due_date)}まで（発覚日を1日目として{mn['final_period_days']}日）",
            basis=basis_links(final.basis),
            anchor=DUTY_ANCHORS[MY_NUMBER_FINAL],
            kind=MY_NUMBER_FINAL,
        ),
    ]
    if mn["individual_notice_required"]:
        lines.append(
            ChecklistLine(
                text="マイナンバー法による本人への通知：速やかに",
                detail="悪用のおそれがある場合、本人は市区町村にマイナンバーの変更を請求できることも案内します。",
                basis=basis_links(specs[MY_NUMBER_INDIVIDUAL_NOTICE].basis),
                anchor=DUTY_ANCHORS[MY_NUMBER_INDIVIDUAL_NOTICE],
                kind=MY_NUMBER_INDIVIDUAL_NOTICE,
            )
        )
    return lines


def checklist_lines(result: dict, facts: dict, entrusting_party: str = "") -> list[ChecklistLine]:
    """The checklist of one assessment in reading order: the situation, our own duties, the entrusting party's
    (for information), then the My Number Act."""
    appi, mn = result["appi"], result["my_number"]
    specs = {spec.kind: spec for spec in duty_specs(result)}
    knowing = date.fromisoformat(result["knowing_date"])
    notified_at = facts.get("entrusting_party_notified_at")
    notified = tokyo_date(datetime.fromisoformat(notified_at)) if notified_at else None
    lines = _situation_lines(appi)
    if appi["reportable_situation"]:
        # A contractor's first step is the notice: given by its target, it settles who reports (R5, R6).
        lines += _entrusting_notice_lines(appi, specs[ENTRUSTING_PARTY_NOTICE], notified, entrusting_party)
    lines += _ppc_lines(appi, specs, knowing, notified)
    if appi["reportable_situation"]:
        lines += _individual_notice_lines(appi, specs[INDIVIDUAL_NOTICE])
        lines += _entrusting_party_lines(appi, specs)
    lines += _my_number_lines(mn, specs)
    return lines


def headline(result: dict, facts: dict, entrusting_party: str = "") -> str:
    """The one thing to do first, in one Japanese sentence (shown above the checklist)."""
    appi, mn = result["appi"], result["my_number"]
    party = f"{entrusting_party}（委託元）" if entrusting_party else "委託元"
    contractor = facts.get("role") == "contractor"
    if appi["reportable_situation"]:
        mode = appi["reporting_mode"]
        if mode == "via_entrusting_party":
            text = f"{party}への通知により、当社の個人情報保護委員会への報告と本人への通知は不要です。委託元の報告と本人への通知に協力してください。"
        elif contractor and not facts.get("entrusting_party_notified_at") and mode != "joint":
            target = _plain(iso_day(appi["entrusting_party_notice_target"]))
            text = (
                f"まず、{party}へ{target}までに通知してください。この日までに通知すれば、"
                "個人情報保護委員会への報告と本人への通知は委託元が行います。"
            )
        else:
            prelim = _plain(iso_day(appi["preliminary_report_target"]))
            final = _plain(iso_day(appi["final_report_due"]))
            who = "委託元と連名で、" if mode == "joint" else ""
            text = f"{who}個人情報保護委員会へ{prelim}を目安に速報し、{final}までに確報してください。"
            if appi["individual_notice_required"]:
                text += "本人へも速やかに通知してください。"
    else:
        text = "個人情報保護法による報告・本人への通知は不要です。"
        if contractor:
            text += f"委託契約に基づく{party}への報告は行ってください。"
    if mn["report_required"]:
        text += f"マイナンバー法の報告も必要です（確報は{_plain(iso_day(mn['final_report_due']))}まで）。"
    return text
