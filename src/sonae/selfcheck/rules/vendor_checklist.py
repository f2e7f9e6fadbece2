"""The sector checklist for vendors, following the structure of MHLW's cybersecurity checklist (事業者確認用).

Structure (insurance-and-sector.md §5.2): 1 体制構築, 2 管理・運用, 3 インシデント発生に備えた対応; each item is
answered はい / いいえ with the date checked; for every いいえ a target date within the fiscal year is entered.
Hospitals send this form to each vendor of a medical information system, so a certified business that supplies or
remotely maintains such systems may be asked for it. Item wording is Sonae's own, not MHLW's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sonae.core.errors import InvalidInput

YES = "yes"
NO = "no"
ANSWER_LABELS = {YES: "はい", NO: "いいえ"}


@dataclass(frozen=True)
class Section:
    code: str
    number: int
    label: str


@dataclass(frozen=True)
class Item:
    code: str
    section: str
    number: str  # as printed, e.g. "2-(3)"
    text: str
    hint: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("governance", 1, "体制構築"),
    Section("operations", 2, "管理・運用"),
    Section("preparedness", 3, "インシデントに備えた対応"),
)
SECTION_BY_CODE = {s.code: s for s in SECTIONS}

ITEMS: tuple[Item, ...] = (
    Item(
        "security_manager",
        "governance",
        "1-(1)",
        "医療情報システムの安全管理について、社内の責任者を決めている。",
        "氏名・役職を医療機関に伝えられる状態にしておきます。",
    ),
    Item(
        "device_ledger",
        "operations",
        "2-(1)",
        "医療機関に提供・保守しているサーバー・端末・ネットワーク機器を台帳で管理している。",
        "機種、設置場所、OSとそのバージョン、保守の担当を記録します。",
    ),
    Item(
        "remote_maintenance",
        "operations",
        "2-(2)",
        "リモート保守（遠隔保守）に使う機器と接続経路を把握し、医療機関と共有している。",
    ),
    Item(
        "security_disclosure",
        "operations",
        "2-(3)",
        "製品・サービスの医療情報セキュリティ開示書（MDS/SDS）を用意し、求めに応じて提出できる。",
    ),
    Item(
        "role_based_access",
        "operations",
        "2-(4)",
        "利用者の職種・担当業務に応じてアクセス権限を分けて設定している。",
    ),
    Item(
        "account_cleanup",
        "operations",
        "2-(5)",
        "使わなくなったアカウントや退職者のアカウントを速やかに削除・無効化している。",
    ),
    Item(
        "no_password_reuse",
        "operations",
        "2-(6)",
        "初期設定のパスワードを変更し、複数の医療機関・機器で同じパスワードを使い回していない。",
    ),
    Item(
        "external_media",
        "operations",
        "2-(7)",
        "USBメモリなど外部記録媒体の使用を制限・管理している。",
    ),
    Item(
        "security_patches",
        "operations",
        "2-(8)",
        "サーバー・端末・ネットワーク機器にセキュリティ更新を適用している（適用できない場合は代わりの対策を医療機関と決めている）。",
    ),
    Item(
        "unneeded_services",
        "operations",
        "2-(9)",
        "業務に不要なソフトウェアやサービス（常駐プログラム、使っていない通信ポート等）を停止している。",
    ),
    Item(
        "connection_restriction",
        "operations",
        "2-(10)",
        "ネットワーク機器で接続できる機器・接続元を制限している（無線LANの接続端末の限定など）。",
    ),
    Item(
        "contact_chart",
        "preparedness",
        "3-(1)",
        "障害や攻撃が起きたときの連絡体制（社内、医療機関、関係機関）を図や表にまとめている。",
    ),
    Item(
        "backup_restore",
        "preparedness",
        "3-(2)",
        "業務の継続に必要なデータを決めてバックアップ（複数世代・複数の方法）をとり、復元の手順を確かめている。",
    ),
    Item(
        "cyber_bcp",
        "preparedness",
        "3-(3)",
        "サイバー攻撃を想定した事業継続計画（サイバーBCP）を作っている。",
        "このサイトの「サイバーBCP」で作成できます。",
    ),
)
ITEM_BY_CODE = {item.code: item for item in ITEMS}


def items_of(section_code: str) -> tuple[Item, ...]:
    return tuple(item for item in ITEMS if item.section == section_code)


def fiscal_year_end(day: date) -> date:
    """31 March ending the Japanese fiscal year (April–March) that contains ``day``."""
    return date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


@dataclass(frozen=True)
class ItemAnswer:
    item: str
    answer: str
    target_date: date | None
    note: str = ""

    def to_json(self) -> dict:
        return {
            "answer": self.answer,
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "note": self.note,
        }


def _as_date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("目標日は YYYY-MM-DD の形式で入力してください。", field=field) from None


def validate_answers(answers: Mapping[str, Mapping], checked_on: date) -> dict[str, ItemAnswer]:
    """Check a complete set of answers. Every item needs はい or いいえ; every いいえ needs a target date.

    The target date must fall between the date checked and the end of that fiscal year (§5.2: "for いいえ enter a
    target date within the fiscal year"). A はい carries no target date.
    """
    unknown = sorted(set(answers) - set(ITEM_BY_CODE))
    if unknown:
        raise InvalidInput(f"存在しない確認項目です：{', '.join(unknown)}", field="answers")
    fy_end = fiscal_year_end(checked_on)
    cleaned: dict[str, ItemAnswer] = {}
    for item in ITEMS:
        raw = answers.get(item.code) or {}
        answer = raw.get("answer")
        if answer not in ANSWER_LABELS:
            raise InvalidInput(f"{item.number}に「はい」か「いいえ」で回答してください。", field=item.code)
        target = _as_date(raw.get("target_date"), f"{item.code}.target_date")
        note = str(raw.get("note") or "").strip()[:500]
        if answer == NO:
            # MHLW checklist: every いいえ gets a target date within the fiscal year.
            if target is None:
                raise InvalidInput(
                    f"{item.number}は「いいえ」のため、対応の目標日を入力してください。", field=item.code
                )
            if target < checked_on:
                raise InvalidInput(f"{item.number}の目標日が確認日より前です。", field=item.code)
            if target > fy_end:
                raise InvalidInput(
                    f"{item.number}の目標日は、今年度中（{fy_end.year}年3月31日まで）の日付にしてください。",
                    field=item.code,
                )
        else:
            target = None
        cleaned[item.code] = ItemAnswer(item.code, answer, target, note)
    return cleaned


def parse_stored(answers: Mapping[str, Mapping]) -> dict[str, ItemAnswer]:
    """Stored JSON back to ``ItemAnswer``s (no validation: stored answers were valid when saved)."""
    result = {}
    for code, raw in answers.items():
        target = raw.get("target_date")
        result[code] = ItemAnswer(
            code, raw.get("answer", ""), date.fromisoformat(target) if target else None, raw.get("note", "")
        )
    return result


@dataclass(frozen=True)
class OpenItem:
    item: Item
    target_date: date
    overdue: bool


@dataclass(frozen=True)
class ChecklistSummary:
    yes: int
    no: int
    total: int
    open_items: tuple[OpenItem, ...]

    @property
    def complete(self) -> bool:
        """Every item answered はい."""
        return self.yes == self.total

    @property
    def overdue(self) -> tuple[OpenItem, ...]:
        return tuple(o for o in self.open_items if o.overdue)


def summarise(answers: Mapping[str, ItemAnswer], today: date) -> ChecklistSummary:
    """Counts, and the いいえ items with their target dates; overdue when the target date is before ``today``."""
    open_items = []
    yes = 0
    for item in ITEMS:
        answer = answers.get(item.code)
        if answer is None:
            continue
        if answer.answer == YES:
            yes += 1
        elif answer.target_date is not None:
            open_items.append(OpenItem(item, answer.target_date, answer.target_date < today))
    no = sum(1 for a in answers.values() if a.answer == NO)
    return ChecklistSummary(yes=yes, no=no, total=len(ITEMS), open_items=tuple(open_items))
