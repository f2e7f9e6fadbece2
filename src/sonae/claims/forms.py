"""Forms of the claims pages. They parse input (yen typed as 1,200,000円 or full-width digits too); the business
rules and their Japanese errors are in the services."""

from __future__ import annotations

import unicodedata

from django import forms

from sonae.programme.coverage_items import ITEMS, PARTS, item_label

from .models import AttachmentKind
from .resolution import IncidentCoverage


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, input_formats=["%Y-%m-%d", "%Y/%m/%d"], widget=DateInput(), **kwargs)


class YenField(forms.CharField):
    """An amount in whole yen: "1200000", "1,200,000", "１，２００，０００円", "¥1,200,000"."""

    default_error_messages = {"invalid": "金額は円単位の数字で入力してください（例: 1,200,000）。"}

    def __init__(self, *, min_value: int = 0, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        for mark in (",", "円", "¥", "￥", " ", "_"):
            text = text.replace(mark, "")
        if not text:
            return None
        if not text.isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        amount = int(text)
        if amount < self.min_value:
            raise forms.ValidationError(
                f"{self.min_value:,}円以上の金額を入力してください。", code="min_value"
            )
        return amount


def item_choices(coverage: IncidentCoverage | None) -> list:
    """Items grouped by part, the plan's covered items first, then the others (recorded but not covered)."""
    covered = (
        [item for _part, item in coverage.covered_items()] if coverage is not None and coverage.ok else []
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in covered:
        groups.setdefault(PARTS[ITEMS[item][0]], []).append((item, item_label(item)))
    others = [(code, label) for code, (_p, label) in ITEMS.items() if code not in covered]
    choices: list = [("", "選んでください")]
    choices += [(label, items) for label, items in groups.items()]
    if others:
        choices.append(("この契約の補償対象外の項目", others))
    return choices


class ExpenseForm(forms.Form):
    spent_on = _date_field("支払日・発生日", help_text="事故対応期間（発覚日から）の中の日付を入力します。")
    amount = YenField(label="金額（円・税込）", min_value=1)
    payee = forms.CharField(label="支払先", max_length=200)
    description = forms.CharField(
        label="内容", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task = forms.ChoiceField(label="対応タスク", required=False)
    item = forms.ChoiceField(
        label="費用項目（補償項目）",
        required=False,
        help_text="タスクを選ぶと、そのタスクの費用項目を提案します。内容に合っているか確認してください。",
    )
    individuals = forms.IntegerField(label="見舞の対象（個人の人数）", min_value=0, required=False)
    corporations = forms.IntegerField(label="見舞の対象（法人の数）", min_value=0, required=False)
    approval = forms.ChoiceField(label="事前承認・同意", required=False)
    receipt = forms.FileField(label="領収書・請求書", required=False)

    def __init__(self, *args, coverage=None, tasks=(), approvals=(), with_receipt=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = {str(task.pk): task for task in tasks}
        self.approvals = {str(a.pk): a for a in approvals}
        self.fields["task"].choices = [("", "（なし）")] + [(str(task.pk), task.title) for task in tasks]
        self.fields["item"].choices = item_choices(coverage)
        self.fields["approval"].choices = [("", "（なし）")] + [
            (str(a.pk), f"{a.number} {a.item_label} {a.get_status_display()}") for a in approvals
        ]
        if not with_receipt:
            del self.fields["receipt"]

    def clean_task(self):
        value = self.cleaned_data.get("task")
        return self.tasks.get(value) if value else None

    def clean_approval(self):
        value = self.cleaned_data.get("approval")
        return self.approvals.get(value) if value else None


class AttachmentForm(forms.Form):
    file = forms.FileField(label="ファイル")
    kind = forms.ChoiceField(label="種類", choices=AttachmentKind.choices, initial=AttachmentKind.RECEIPT)


class ApprovalRequestForm(forms.Form):
    item = forms.ChoiceField(label="費用項目")
    amount = YenField(label="予定額（円）", min_value=1)
    reason = forms.CharField(
        label="費用が必要な理由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="何のために、誰に、いくら支払う予定かを書いてください。見積書があれば添付します。",
    )
    individuals = forms.IntegerField(label="見舞の対象（個人の人数）", min_value=0, required=False)
    corporations = forms.IntegerField(label="見舞の対象（法人の数）", min_value=0, required=False)
    quote = forms.FileField(label="見積書", required=False)

    def __init__(self, *args, coverage: IncidentCoverage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (
                item,
                f"{item_label(item)}（{'事前承認' if coverage.approval_kind(item) == 'prior_approval' else '同意'}）",
            )
            for _part, item in coverage.covered_items()
            if coverage.approval_kind(item)
        ]


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="判断",
        choices=[("approve", "承認する"), ("reduce", "減額して承認する"), ("refuse", "承認しない")],
        widget=forms.RadioSelect,
    )
    amount = YenField(label="承認額（減額する場合）", required=False, min_value=1)
    reason = forms.CharField(
        label="理由",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="減額・不承認の場合は必ず入力します。",
    )


class ClaimCreateForm(forms.Form):
    expenses = forms.MultipleChoiceField(label="請求に含める費用", widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label="保険会社への連絡事項",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, expenses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.expense_map = {str(e.pk): e for e in expenses}
        self.fields["expenses"].choices = [
            (str(e.pk), f"{e.spent_on:%Y/%m/%d} {e.payee} {e.item_label} {e.amount:,}円") for e in expenses
        ]
        self.fields["expenses"].initial = list(self.expense_map)

    def clean_expenses(self):
        return [self.expense_map[pk] for pk in self.cleaned_data["expenses"]]


class TransitionForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="理由・連絡事項", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(forms.Form):
    paid_on = _date_field("支払日")
    amount = YenField(label="支払額（円）", min_value=0)
    reference = forms.CharField(label="振込の管理番号など", max_length=100, required=False)


class ClaimDecisionForm(forms.Form):
    """The insurer's decision on a claim, with an assessed amount and a reason per line when lowering it."""

    decision = forms.ChoiceField(
        label="判断",
        choices=[
            ("approved", "認定する（計算どおり）"),
            ("partly_approved", "一部認定する（明細を減額）"),
            ("rejected", "不支払とする"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="一部認定・不支払の場合は必ず入力します。契約者に通知されます。",
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"accepted_{line.expense_id}"] = YenField(
                label=f"査定額（{line.payee}）", required=False, min_value=0, initial=line.amount
            )
            self.fields[f"reason_{line.expense_id}"] = forms.CharField(
                label=f"減額の理由（{line.payee}）", max_length=500, required=False
            )

    def line_fields(self):
        """(line, assessed amount field, reason field) for the template."""
        return [
            (line, self[f"accepted_{line.expense_id}"], self[f"reason_{line.expense_id}"])
            for line in self.lines
        ]

    def adjustments(self) -> dict[int, tuple[int, str]]:
        result = {}
        for line in self.lines:
            accepted = self.cleaned_data.get(f"accepted_{line.expense_id}")
            if accepted is not None and accepted < line.amount:
                result[line.expense_id] = (accepted, self.cleaned_data.get(f"reason_{line.expense_id}", ""))
        return result
