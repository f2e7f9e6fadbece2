"""The cyber-BCP: its five steps, the sections a plan holds, prefilled contacts, deadlines in plain words, review.

Steps and contents follow MHLW's June 2024 cyber-BCP material as summarised in insurance-and-sector.md §5.3
(平時 → 検知 → 初動対応 → 復旧処理 → 事後対応), in Sonae's own words. The reporting deadlines come from the legal
duties engine (law.md §0, readings R1–R3 and R5); they are explained here, not computed for a case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

DRAFT = "draft"
ADOPTED = "adopted"
STATUS_LABELS = {DRAFT: "作成中", ADOPTED: "策定済み"}
# One lifecycle map (STYLE: explicit transitions). Adopting needs a complete plan; revising reopens it.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({ADOPTED}),
    ADOPTED: frozenset({DRAFT}),
}


@dataclass(frozen=True)
class Step:
    code: str
    number: int
    label: str
    summary: str
    guidance: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "normal",
        1,
        "平時",
        "事故が起きる前に、守るものと連絡先を把握し、備えておく段階です。",
        (
            "サーバー・パソコン・ネットワーク機器を一覧にし、OS、IPアドレス、更新の状況、ウイルス対策の状況を記録する。",
            "ネットワークとシステムの構成図を用意する。",
            "システムが止まったとき、どの業務がどれだけ止まるかを整理する。",
            "脆弱性の情報を集め、更新を適用する。",
            "連絡体制（社内、委託元の医療機関、保守業者、事故対応窓口、警察、個人情報保護委員会）を決める。",
            "従業員への教育と訓練を行い、記録を残す。",
            "バックアップをとり、実際に戻せるかを確かめる。",
        ),
    ),
    Step(
        "detection",
        2,
        "検知",
        "いつもと違う動きに気づき、障害か攻撃かを見極める段階です。",
        (
            "動作がおかしいときは、まず電源・ブレーカー・機器・ソフトウェアの不具合がないかを確かめ、分からなければ保守業者に相談する。",
            "ファイルが開けない、脅迫文が表示される、不審な通信があるなど攻撃の兆しがあれば、すぐに責任者と事故対応窓口に連絡する。",
            "気づいた日時、気づいた人、見た画面を記録する（法令上の期限は、社内の誰かが気づいた日から数えます）。",
        ),
    ),
    Step(
        "initial_response",
        3,
        "初動対応",
        "被害を広げないよう切り離し、証拠を残し、経営者が対応を決める段階です。",
        (
            "攻撃の兆しがある端末は、LANケーブルを抜く・無線LANを切るなどしてネットワークから切り離す。電源を切ったり初期化したりしない。",
            "画面の写真、脅迫文、ログなどの証拠を残す。",
            "経営者に報告し、システムの停止、対策本部の設置、紙での運用への切り替え、公表の要否を決める。",
            "委託元の医療機関に知らせる（契約の定めと下の期限を確認）。",
            "個人情報が漏れたおそれがあれば、速報の期限を確認して準備を始める。",
        ),
    ),
    Step(
        "recovery",
        4,
        "復旧処理",
        "原因を取り除き、安全を確かめてから業務を戻す段階です。",
        (
            "保守業者や調査会社と原因と被害の範囲を調べ、安全を確かめてから復旧する。",
            "感染していないことを確かめたバックアップからデータを戻す。",
            "紙で記録した内容をシステムに入力し、通常の運用に戻す。",
        ),
    ),
    Step(
        "post_incident",
        5,
        "事後対応",
        "報告を終え、再発防止策を実施し、計画を見直す段階です。",
        (
            "再発防止策を決めて実施し、保守業者など委託先にも指示して実施を確認する。",
            "個人情報保護委員会への確報、警察、医療機関など関係先への報告を終える。",
            "対応を振り返り、このBCPを見直す。",
        ),
    ),
)
STEP_BY_CODE = {step.code: step for step in STEPS}

# Contact chart categories (issue 8: internal, hospitals, the programme's desk, vendors, police, PPC).
CONTACT_CATEGORIES: dict[str, str] = {
    "internal": "社内",
    "hospital": "委託元の医療機関",
    "desk": "事故対応窓口（本制度）",
    "vendor": "保守業者・委託先",
    "police": "警察",
    "ppc": "個人情報保護委員会",
    "other": "その他",
}

CONTACT_FIELDS = ("category", "role", "name", "phone", "email", "note")
SYSTEM_FIELDS = ("name", "purpose", "data_items", "location", "vendor", "impact", "priority")
PAPER_FIELDS = ("operation", "fallback", "materials")
BACKUP_FIELDS = ("target", "method", "frequency", "generations", "offline", "last_restore_test")
DRILL_FIELDS = ("held_on", "kind", "participants", "findings")

SECTION_LABELS = {
    "contacts": "連絡体制",
    "systems": "システムとデータの一覧",
    "paper_operations": "システム停止時の紙運用",
    "backups": "バックアップと復元の確認",
    "drills": "訓練の記録",
    "step_notes": "各段階の自社の手順",
}


def default_contacts(desk_phone: str) -> list[dict]:
    """The contact chart a new plan starts with: the programme's desk (with its number), the roles to fill in,
    the police and the PPC."""
    return [
        {
            "category": "internal",
            "role": "対応の責任者（経営者）",
            "name": "",
            "phone": "",
            "email": "",
            "note": "",
        },
        {
            "category": "internal",
            "role": "システム・情報管理の担当者",
            "name": "",
            "phone": "",
            "email": "",
            "note": "",
        },
        {
            "category": "hospital",
            "role": "委託元の医療機関（窓口の部署）",
            "name": "",
            "phone": "",
            "email": "",
            "note": "契約で定めた連絡先と連絡の期限を確認してください。",
        },
        {
            "category": "desk",
            "role": "サイバー事故対応窓口（本制度）",
            "name": "事故対応窓口",
            "phone": desk_phone,
            "email": "",
            "note": "24時間受付。17時以降・休日の受付分は翌営業日の9時から対応します。",
        },
        {"category": "vendor", "role": "システム保守業者", "name": "", "phone": "", "email": "", "note": ""},
        {
            "category": "police",
            "role": "都道府県警察のサイバー犯罪相談窓口",
            "name": "",
            "phone": "",
            "email": "",
            "note": "所在地の都道府県警察の窓口を調べて記入してください。緊急でない相談は #9110 でも受け付けています。",
        },
        {
            "category": "ppc",
            "role": "個人情報保護委員会（漏えい等の報告）",
            "name": "個人情報保護委員会",
            "phone": "",
            "email": "",
            "note": "報告は委員会のウェブサイト（https://www.ppc.go.jp/）の報告フォームから行います。",
        },
    ]


def _duties_constants() -> tuple[int, int, int]:
    try:
        from sonae.duties.rules.deadlines import (
            FINAL_PERIOD_DAYS,
            FINAL_PERIOD_DAYS_UNAUTHORIZED_PURPOSE,
            PRELIMINARY_TARGET_DAYS,
        )
    except ImportError:
        # Same values as the duties engine (law.md §0 R1, R3; Enforcement Rules art. 8(2)).
        return 4, 30, 60
    return PRELIMINARY_TARGET_DAYS, FINAL_PERIOD_DAYS, FINAL_PERIOD_DAYS_UNAUTHORIZED_PURPOSE


@dataclass(frozen=True)
class Explanation:
    title: str
    text: str


def reporting_deadlines() -> tuple[Explanation, ...]:
    """The legal reporting deadlines after a personal-data incident, in plain Japanese (law.md §0 R1–R5)."""
    prelim, final, final_up = _duties_constants()
    return (
        Explanation(
            "報告が必要になる場合",
            "病歴・検査結果・受診の事実などの要配慮個人情報は、1人分でも漏えい（そのおそれを含む）があれば、"
            "個人情報保護委員会への報告と本人への通知が必要です。不正アクセスやランサムウェアなど不正の目的による"
            "おそれがある場合、悪用で財産的な被害が出るおそれがある情報の場合、1,000人を超える場合も同じです。",
        ),
        Explanation(
            "速報（3〜5日以内）",
            "漏えいなどに気づいたら、おおむね3〜5日以内に、分かっている範囲で第一報を出します。"
            f"この計画では、社内の誰かが気づいた日を1日目として{prelim + 1}日目（気づいた日の{prelim}日後）を目標日とします。"
            "土日・祝日でも目標日は動きません。",
        ),
        Explanation(
            f"確報（{final}日以内／{final_up}日以内）",
            f"調査の結果をまとめた報告は、気づいた日を1日目として{final}日以内に出します。"
            f"不正アクセスやランサムウェアなど不正の目的によるおそれがある場合は{final_up}日以内です。"
            "最終日が土日・祝日・年末年始（12月29日〜1月3日）にあたるときは、次の平日が期限になります。",
        ),
        Explanation(
            "委託を受けている場合（委託元の医療機関への連絡）",
            "医療機関から委託を受けて扱っている情報なら、まず委託元の医療機関に知らせます。"
            f"気づいた日から{prelim}日後までに知らせれば、医療機関が報告と本人への通知を行い、自社の報告は不要になります。"
            "それより遅れた場合は、自社も報告します（医療機関との連名での報告もできます）。",
        ),
        Explanation(
            "例",
            "2025年10月6日に、検査結果をFAXで別の医療機関へ誤送信したと気づいた場合：速報の目標日は10月10日、確報の期限は11月4日です。",
        ),
    )


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def next_review_due(reviewed_on: date | None) -> date | None:
    """A plan is reviewed yearly (§5.3: reviewed periodically; Sonae: every year)."""
    return add_years(reviewed_on, 1) if reviewed_on else None


REVIEW_NONE = "none"
REVIEW_OK = "ok"
REVIEW_DUE_SOON = "due_soon"
REVIEW_OVERDUE = "overdue"
REVIEW_LABELS = {
    REVIEW_NONE: "未策定",
    REVIEW_OK: "見直し済み",
    REVIEW_DUE_SOON: "まもなく見直し時期",
    REVIEW_OVERDUE: "見直し期限切れ",
}


def review_state(reviewed_on: date | None, today: date, *, warn_days: int = 30) -> str:
    """Where a plan stands against its yearly review: none, ok, due within ``warn_days``, or overdue."""
    due = next_review_due(reviewed_on)
    if due is None:
        return REVIEW_NONE
    if today > due:
        return REVIEW_OVERDUE
    if (due - today).days <= warn_days:
        return REVIEW_DUE_SOON
    return REVIEW_OK


def _filled(row: Mapping, *fields: str) -> bool:
    return all(str(row.get(f) or "").strip() for f in fields)


def missing_sections(
    *,
    contacts: Sequence[Mapping],
    systems: Sequence[Mapping],
    paper_operations: Sequence[Mapping],
    backups: Sequence[Mapping],
) -> tuple[str, ...]:
    """What a plan still lacks before it can be adopted, as Japanese sentences (empty when complete)."""
    missing = []
    if not any(c.get("category") == "internal" and _filled(c, "name", "phone") for c in contacts):
        missing.append("社内の責任者の氏名と電話番号を連絡体制に入力してください。")
    if not any(c.get("category") == "desk" and _filled(c, "phone") for c in contacts):
        missing.append("事故対応窓口の電話番号を連絡体制に入力してください。")
    if not any(_filled(s, "name") for s in systems):
        missing.append("システムとデータの一覧に1件以上入力してください。")
    if not any(_filled(p, "operation", "fallback") for p in paper_operations):
        missing.append("システムが止まったときの紙運用を1件以上入力してください。")
    if not any(_filled(b, "target", "method") for b in backups):
        missing.append("バックアップの対象と方法を1件以上入力してください。")
    return tuple(missing)
