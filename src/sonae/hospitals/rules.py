"""Pure rules of the hospital portal (no Django): vocabularies, validation, the fiscal year, reminder timing,
spreadsheet-safe text.

The 業務 are the 11 certified services (``sonae.programme.businesses``); the data items are the duties engine's
vocabulary (``sonae.duties.rules``), so a link says in the same words what a notice later reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sonae.core.errors import InvalidInput
from sonae.documents.tabular import neutralise
from sonae.duties.rules.vocab import DATA_ITEM_LABELS, DATA_ITEMS
from sonae.programme.businesses import BUSINESSES, BY_CODE

# What a provider may share with one hospital (issue 11 point 2), in the order the pages show it.
SHARING_SECTIONS: dict[str, str] = {
    "insurance": "保険の加入状況（加入の有無・プラン・保険期間）",
    "selfcheck": "セルフチェックの最新の点数と評価",
    "checklist": "厚生労働省のチェックリスト（事業者確認用）の回答と「いいえ」の目標日",
    "bcp": "サイバーBCPの策定状況と最終見直し日",
}
SHARING_FIELDS: dict[str, str] = {code: f"share_{code}" for code in SHARING_SECTIONS}

# Checklist requests: the first reminder a week after the request, then weekly, at most four reminders.
REMINDER_INTERVAL = timedelta(days=7)
MAX_REMINDERS = 4
# An invitation link stays valid for 30 days.
INVITATION_VALID_DAYS = 30


def business_codes_clean(codes: Iterable[str]) -> list[str]:
    """The chosen 業務 codes in the Foundation's order; at least one, every one of the 11 certified services."""
    chosen = [str(c) for c in codes or ()]
    unknown = [c for c in chosen if c not in BY_CODE]
    if unknown:
        raise InvalidInput(
            f"認定業務のコードが正しくありません：{', '.join(unknown)}", field="business_codes"
        )
    if not chosen:
        raise InvalidInput("委託を受けている業務を1つ以上選んでください。", field="business_codes")
    return [b.code for b in BUSINESSES if b.code in chosen]


def data_items_clean(codes: Iterable[str]) -> list[str]:
    """The data items handled for the hospital, in the vocabulary's order; at least one."""
    chosen = [str(c) for c in codes or ()]
    unknown = [c for c in chosen if c not in DATA_ITEM_LABELS]
    if unknown:
        raise InvalidInput(
            f"個人データの項目のコードが正しくありません：{', '.join(unknown)}", field="data_items"
        )
    if not chosen:
        raise InvalidInput("取り扱う個人データの項目を1つ以上選んでください。", field="data_items")
    return [code for code in DATA_ITEMS if code in chosen]


def since_clean(since: date | None, today: date) -> date:
    """The start of the entrustment: required, not in the future."""
    if since is None:
        raise InvalidInput("委託を受けた時期（開始日）を入力してください。", field="since")
    if since > today:
        raise InvalidInput("委託の開始日に未来の日付は指定できません。", field="since")
    return since


def fiscal_year_of(day: date) -> int:
    """The Japanese fiscal year (April–March) that contains ``day``, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(fiscal_year: int) -> date:
    return date(fiscal_year + 1, 3, 31)


def checklist_due_clean(due: date | None, today: date) -> date:
    """The date contractors are asked to answer by: after today and within the fiscal year (MHLW: いいえ targets are
    set within the fiscal year, so the answers themselves are wanted well before its end)."""
    if due is None:
        raise InvalidInput("回答の期限を入力してください。", field="due_date")
    if due <= today:
        raise InvalidInput("回答の期限は明日以降の日付にしてください。", field="due_date")
    end = fiscal_year_end(fiscal_year_of(today))
    if due > end:
        raise InvalidInput(
            f"回答の期限は今年度中（{end.year}年3月31日まで）にしてください。", field="due_date"
        )
    return due


def reminder_due(
    *, notified_at: datetime, reminded_at: datetime | None, reminder_count: int, now: datetime
) -> bool:
    """True when an unanswered checklist request should be reminded now: a week after the request or the last
    reminder, and not more than ``MAX_REMINDERS`` times."""
    if reminder_count >= MAX_REMINDERS:
        return False
    last = reminded_at or notified_at
    return now - last >= REMINDER_INTERVAL


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula gets a leading quote (OWASP CSV/formula injection);
    the one shared rule of :mod:`sonae.documents.tabular`."""
    return neutralise(value)


def business_labels(codes: Iterable[str]) -> list[str]:
    return [BY_CODE[c].label if c in BY_CODE else c for c in codes or ()]


def data_item_labels(codes: Iterable[str]) -> list[str]:
    return [DATA_ITEM_LABELS.get(c, c) for c in codes or ()]
