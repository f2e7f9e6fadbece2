"""Recommendations and warnings (Japanese) that accompany the duties.

Warnings: one entry per Sonae reading that matters in the case, code = the reading ("R2", "R5", …), in R order;
the message says in Japanese what the reading decided here and why. The UI links each code to its explanation.
When a reading "matters":
- R1 never warns: reading B is given in ``final_report_due_reading_b`` as information (the contract's example 1
  carries no warning). R15 never warns: the engine has no fact telling that everything is known.
- R2 when a final due date was rolled off a closed day; R3 when a 速報 window contains closed days; R4 when the
  business knew outside business hours or on a closed day (and something is due).
- R5–R8 on the contractor route; R9–R11, R17 when the item they classify is affected; R12–R14 when their facts
  hold; R16 when a My Number report is due.

Recommendations (in the contract's order):
- ``notify_entrusting_party_by_contract`` for every contractor (hospitals require notice of any incident by
  contract, law.md §7.2, §10.7).
- ``police`` for thefts and attacks (an unauthorized purpose); ``ipa_report`` and ``jpcert_report`` for cyber
  causes; ``nco_common_form`` for ransomware (the NCO common form covers ransomware and DDoS).
- ``prepare_for_erasure_requests`` (APPI art. 35(5)) for a controller — only it holds the data as 保有個人データ —
  in a reportable situation where requests are to be expected: more than 1,000 people, an unauthorized purpose
  or a financial risk. (Example 1 of the contract, two persons' misdelivered results, carries none.)
- ``public_announcement_if_unreachable`` when individuals must be notified and reaching all of them is unlikely:
  more than 1,000 people, or information that was being acquired (no stored contact).
"""

from __future__ import annotations

from datetime import date

from sonae.jp.calendar import ADMINISTRATIVE_CALENDAR, to_tokyo, tokyo_date

from . import classify
from .deadlines import closed_days_in_window, jp_date, preliminary_target, report_dates
from .facts import Facts
from .results import AppiResult, DutyWarning, MyNumberResult
from .vocab import (
    BEING_ACQUIRED,
    CAUSES,
    CONTRACTOR,
    CONTROLLER,
    DATA_ITEM_LABELS,
    DATA_ITEMS,
    JOINT,
    RECOMMENDATION_LABELS,
    VIA_ENTRUSTING_PARTY,
)


def recommendations(facts: Facts, appi: AppiResult, my_number: MyNumberResult) -> tuple[str, ...]:
    """The recommendation codes for this case, in the contract's order."""
    cause = CAUSES[facts.cause]
    wanted = set()
    if facts.role == CONTRACTOR:
        wanted.add("notify_entrusting_party_by_contract")
    if cause.unauthorized_purpose or classify.unauthorized_purpose(facts):
        wanted.add("police")
    if facts.cause == "ransomware":
        wanted.add("nco_common_form")
    if cause.cyber:
        wanted |= {"ipa_report", "jpcert_report"}
    if (
        facts.role == CONTROLLER
        and appi.reportable_situation
        and {"over_1000", "unauthorized_purpose", "financial"} & set(appi.categories)
    ):
        wanted.add("prepare_for_erasure_requests")
    someone_notifies = appi.reportable_situation or my_number.report_required
    if someone_notifies and (facts.persons > 1000 or facts.data_scope == BEING_ACQUIRED):
        wanted.add("public_announcement_if_unreachable")
    return tuple(code for code in RECOMMENDATION_LABELS if code in wanted)


def _short(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _closed_list(days: list[tuple[date, str]]) -> str:
    return "、".join(f"{_short(day)}（{reason}）" for day, reason in days)


def _deadlines(
    facts: Facts, appi: AppiResult, my_number: MyNumberResult
) -> list[tuple[str, date, int, date]]:
    """(label, knowing date, period, 確報 due) of every report someone owes in this case."""
    knowing = tokyo_date(facts.discovered_at)
    found = []
    if appi.ppc_report_required:
        label = "連名報告" if appi.reporting_mode == JOINT else "個人情報保護委員会への報告"
        found.append((label, knowing, appi.final_period_days, appi.final_report_due))
    if appi.entrusting_party is not None:
        ep = appi.entrusting_party
        found.append(("委託元の報告", ep.knowing_date, ep.final_period_days, ep.final_report_due))
    if my_number.report_required:
        found.append(
            ("マイナンバー法の報告", knowing, my_number.final_period_days, my_number.final_report_due)
        )
    return found


def _r2(deadlines) -> list[str]:
    sentences = []
    for label, knowing, period, due in deadlines:
        dates = report_dates(knowing, period)
        if dates.rolled:
            nominal = dates.final_report_nominal
            reason = ADMINISTRATIVE_CALENDAR.closed_reason(nominal)
            sentences.append(
                f"{label}の確報期限は{period}日目の{jp_date(nominal)}が{reason}のため、"
                f"次の開庁日の{jp_date(due)}に繰り下げています。"
            )
    if sentences:
        sentences.append(
            "行政機関の休日（土日・祝日・振替休日・国民の休日・12月29日〜1月3日）に当たる期限は翌開庁日となります。"
        )
    return sentences


def _r3(deadlines) -> list[str]:
    windows: dict[date, list[str]] = {}
    for label, knowing, _period, _due in deadlines:
        windows.setdefault(knowing, []).append(label)
    sentences = []
    for knowing, labels in windows.items():
        closed = closed_days_in_window(knowing)
        if closed:
            sentences.append(
                f"{'・'.join(labels)}の速報の目安{jp_date(preliminary_target(knowing))}までの期間に"
                f"閉庁日（{_closed_list(closed)}）があります。"
            )
    if sentences:
        sentences.append(
            "速報の目安は知った日から暦日で5日目とし、閉庁日でも繰り下げません。早めに準備してください。"
        )
    return sentences


def _r4(facts: Facts) -> list[str]:
    if ADMINISTRATIVE_CALENDAR.is_business_time(facts.discovered_at):
        return []
    local = to_tokyo(facts.discovered_at)
    return [
        f"発覚日時（{jp_date(local.date())}{local:%H:%M}）は営業時間外または閉庁日ですが、従業者や部署のいずれかが知った時点で"
        f"事業者が知ったものとして、{jp_date(local.date())}を「知った日」として期限を数えています。"
        "本社や責任者への報告が後になっても起算日は変わりません。"
    ]


def _contractor_route(facts: Facts, appi: AppiResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if facts.role != CONTRACTOR or not appi.reportable_situation:
        return found
    knowing = tokyo_date(facts.discovered_at)
    target = appi.entrusting_party_notice_target
    notified = facts.entrusting_party_notified_at
    r5 = []
    if notified is None or appi.reporting_mode == JOINT:
        r5.append(f"委託元への通知の目安は{jp_date(target)}（知った日から5日目）です。")
        if appi.reporting_mode == JOINT:
            r5.append("連名で報告する場合も、把握している事項を委託元へ速やかに通知してください。")
    elif appi.reporting_mode == VIA_ENTRUSTING_PARTY:
        r5.append(
            f"委託元への通知（{jp_date(tokyo_date(notified))}）が目安の{jp_date(target)}までに行われたため、"
            "自ら個人情報保護委員会へ報告し本人へ通知する義務はありません（委託元が行います）。"
        )
    else:
        r5.append(
            f"委託元への通知（{jp_date(tokyo_date(notified))}）が目安の{jp_date(target)}より後のため、"
            "保守的な解釈により、自ら報告し本人へ通知する義務が残るものとしています。委託元と連名で報告することをお勧めします。"
        )
    closed = closed_days_in_window(knowing)
    if closed:
        r5.append(
            f"通知の目安までの期間に閉庁日（{_closed_list(closed)}）がありますが、目安は繰り下げません。"
        )
    found["R5"] = r5
    if notified is None:
        found["R6"] = [
            "まだ委託元へ通知していないため、自ら個人情報保護委員会へ報告し本人へ通知する義務があるものとして示しています。"
            f"{jp_date(target)}までに委託元へ通知すれば、自らの報告と本人への通知は不要になります（委託元が行います）。"
        ]
    if appi.entrusting_party is not None:
        ep = appi.entrusting_party
        found["R7"] = [
            f"委託元の期限は、委託元が通知を受けた{jp_date(ep.knowing_date)}を委託元の「知った日」として数えています"
            f"（速報の目安{jp_date(ep.preliminary_report_target)}、確報{jp_date(ep.final_report_due)}）。"
            "委託元がそれより前に事態を知っていた場合は、その日から数えた期限が適用されます。"
        ]
    if appi.reporting_mode == JOINT:
        found["R8"] = [
            "委託元と連名で報告する場合、期限は委託先である当社が知った日を基準とします"
            f"（速報の目安{jp_date(appi.preliminary_report_target)}、確報{jp_date(appi.final_report_due)}）。"
            "本人への通知は委託元が行います。"
        ]
    return found


def _labels(codes) -> str:
    return "、".join(f"「{DATA_ITEM_LABELS[code]}」" for code in codes)


def _data_items(facts: Facts) -> dict[str, list[str]]:
    items = facts.data_items
    found: dict[str, list[str]] = {}
    if "lifestyle" in items:
        found.setdefault("R9", []).append(
            "「生活習慣（自己申告）」は要配慮個人情報として扱っていません。健康診断・保健指導・診療・介護の記録に由来する場合は"
            "要配慮個人情報となるため、由来を確認してください（要確認）。該当する場合は「生活習慣（健診・保健指導等の記録）」を選んでください。"
        )
    if "lifestyle_medical" in items:
        found.setdefault("R9", []).append(
            "「生活習慣（健診・保健指導等の記録）」は健康診断・保健指導等に由来するため、要配慮個人情報として扱っています。"
        )
    r10 = [code for code in items if DATA_ITEMS[code].reading == "R10"]
    if r10:
        found["R10"] = [
            f"{_labels(r10)}は、本人が医療を受けている事実を明らかにするため、要配慮個人情報として扱っています"
            "（個人情報保護委員会Q&A 1-28）。"
        ]
    if "insurance_card_number" in items:
        found.setdefault("R11", []).append(
            "被保険者証等の記号・番号は個人識別符号であり、それだけでは要配慮個人情報にも財産的被害のおそれにも当たらないものとしています。"
        )
    if "my_number" in items:
        found.setdefault("R11", []).append(
            "マイナンバーは個人識別符号であり要配慮個人情報ではありませんが、マイナンバー法の漏えい等報告の要否を別に判定しています。"
            "悪用のおそれがある場合、本人は市区町村に番号の変更を請求できることを案内してください。"
        )
    if "bank_account" in items:
        found.setdefault("R17", []).append(
            "口座番号のみでは財産的被害のおそれに当たらないものとしています。暗証番号やインターネットバンキングのID・パスワードも"
            "漏えいした場合は「口座番号と暗証番号」または「送金・決済機能のあるサービスのID・パスワード」を選んでください。"
        )
    if "login_credentials" in items:
        found.setdefault("R17", []).append(
            "送金・決済機能のないサービスのID・パスワードは財産的被害のおそれに当たらないものとしています。"
            "送金・決済ができるサービスのものであれば「送金・決済機能のあるサービスのID・パスワード」を選んでください。"
        )
    return found


def _facts_readings(facts: Facts, appi: AppiResult, my_number: MyNumberResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    excluded = classify.exclusion(facts) is not None
    if not excluded and classify.r12_applies(facts) and classify.unauthorized_purpose(facts):
        found["R12"] = [
            f"「{CAUSES[facts.cause].label}」では、データを復旧でき持ち出しの痕跡が確認されていなくても、"
            "不正の目的による漏えいのおそれがあるものとして報告対象としています。"
        ]
    if not excluded and classify.publicly_viewable(facts):
        text = (
            "誤って閲覧可能な状態になっていたことだけでは、アクセスログで閲覧の有無を確認できなくても、"
            "個人情報保護法上の「不正の目的」には当たらないものとしています。"
        )
        if my_number.applicable:
            text += "マイナンバー法では「不特定多数の者に閲覧されるおそれ」に当たります。"
        found["R13"] = [text]
    if facts.data_scope == BEING_ACQUIRED:
        found["R14"] = [
            "取得しようとしている個人情報（入力フォームへの入力内容等）には、「不正の目的」の類型（規則7条3号）のみが適用されます。"
        ]
    if my_number.report_required:
        r16 = [
            "マイナンバー法の期限は個人情報保護法にそろえています"
            f"（速報の目安{jp_date(my_number.preliminary_report_target)}、"
            f"確報は{my_number.final_period_days}日以内の{jp_date(my_number.final_report_due)}）。番号法規則の条文での確認が必要です。"
        ]
        if appi.reportable_situation:
            r16.append(
                "個人情報保護法の報告も必要です。1回の届出で両方を兼ねられるかは未確定のため、報告フォームで「マイナンバーを含む」を選び、"
                "両方の報告事項を記載してください。"
            )
        if facts.role == CONTRACTOR:
            r16.append(
                "委託元への通知による報告の免除は、マイナンバー法の報告には適用していません（保守的な解釈）。"
            )
        found["R16"] = r16
    return found


def warnings(facts: Facts, appi: AppiResult, my_number: MyNumberResult) -> tuple[DutyWarning, ...]:
    """One warning per Sonae reading that matters in this case, ordered R1…R17."""
    found: dict[str, list[str]] = {}
    deadlines = _deadlines(facts, appi, my_number)
    for code, sentences in (("R2", _r2(deadlines)), ("R3", _r3(deadlines))):
        if sentences:
            found[code] = sentences
    if appi.reportable_situation or my_number.report_required:
        if sentences := _r4(facts):
            found["R4"] = sentences
    found.update(_contractor_route(facts, appi))
    found.update(_data_items(facts))
    found.update(_facts_readings(facts, appi, my_number))
    ordered = sorted(found, key=lambda code: int(code[1:]))
    return tuple(DutyWarning(code, f"【Sonae解釈{code}】" + "".join(found[code])) for code in ordered)
