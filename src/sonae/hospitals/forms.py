"""Forms of the hospital portal: they parse input only; the services check the rules."""

from __future__ import annotations

from django import forms

from sonae.duties.rules import DATA_ITEM_LABELS
from sonae.programme.businesses import CHOICES as BUSINESS_CHOICES

from .rules import SHARING_SECTIONS
from .services.requests import DEFAULT_MESSAGE

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _TermsMixin(forms.Form):
    business_codes = forms.MultipleChoiceField(
        label="受託している業務", choices=BUSINESS_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    data_items = forms.MultipleChoiceField(
        label="取り扱う個人データの項目",
        choices=list(DATA_ITEM_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="事故のときに通知する項目と同じ言葉で選びます。",
    )
    since = forms.DateField(label="委託の開始日", widget=DATE_INPUT)


class LinkDeclareForm(_TermsMixin):
    hospital = forms.ModelChoiceField(label="委託元の医療機関", queryset=None, empty_label="選んでください")
    site = forms.ModelChoiceField(
        label="施設", queryset=None, required=False, empty_label="指定しない（医療機関全体）"
    )
    field_order = ["hospital", "site", "business_codes", "data_items", "since"]

    def __init__(self, *args, hospitals=None, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = hospitals
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = lambda s: f"{s.hospital.name}／{s.name}"


class InvitationForm(_TermsMixin):
    hospital_name = forms.CharField(label="医療機関名", max_length=200)
    email = forms.EmailField(label="送付先メールアドレス", help_text="医療機関の担当者のメールアドレス")
    field_order = ["hospital_name", "email", "business_codes", "data_items", "since"]


class ConsentForm(forms.Form):
    insurance = forms.BooleanField(label=SHARING_SECTIONS["insurance"], required=False)
    selfcheck = forms.BooleanField(label=SHARING_SECTIONS["selfcheck"], required=False)
    checklist = forms.BooleanField(label=SHARING_SECTIONS["checklist"], required=False)
    bcp = forms.BooleanField(label=SHARING_SECTIONS["bcp"], required=False)


class LinkResponseForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "承認"), ("decline", "承認しない")])
    note = forms.CharField(label="コメント（任意）", max_length=500, required=False)


class SiteForm(forms.Form):
    name = forms.CharField(label="施設名", max_length=200)
    address = forms.CharField(label="所在地", max_length=300, required=False)


class ChecklistRequestForm(forms.Form):
    due_date = forms.DateField(label="回答期限", widget=DATE_INPUT)
    message = forms.CharField(
        label="依頼文", widget=forms.Textarea(attrs={"rows": 4}), initial=DEFAULT_MESSAGE, max_length=2000
    )


class QuestionForm(forms.Form):
    subject = forms.CharField(label="件名", max_length=200)
    body = forms.CharField(label="質問", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class AnswerForm(forms.Form):
    body = forms.CharField(label="回答", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


INSURED_CHOICES = [("", "すべて"), ("yes", "加入"), ("no", "未加入"), ("hidden", "非公開")]
CHECKLIST_CHOICES = [
    ("", "すべて"),
    ("complete", "すべて「はい」"),
    ("incomplete", "「いいえ」あり・未回答"),
    ("overdue", "目標日を過ぎた項目あり"),
    ("hidden", "非公開"),
]


class ContractorFilterForm(forms.Form):
    q = forms.CharField(label="委託先名", required=False, max_length=100)
    business = forms.ChoiceField(
        label="業務", choices=[("", "すべての業務"), *BUSINESS_CHOICES], required=False
    )
    insured = forms.ChoiceField(label="保険加入", choices=INSURED_CHOICES, required=False)
    checklist = forms.ChoiceField(label="チェックリスト", choices=CHECKLIST_CHOICES, required=False)
    site = forms.ChoiceField(label="施設", choices=[("", "すべての施設")], required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", "すべての施設"), *[(str(s.pk), s.name) for s in sites]]
