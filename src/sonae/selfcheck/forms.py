"""Forms of the self-check pages. They only parse input; the rules and services validate the meaning."""

from __future__ import annotations

from django import forms

from .rules import bcp as bcp_rules
from .rules.data_items import DATA_ITEM_LABELS
from .rules.questions import PARTS, QUESTIONS
from .rules.scoring import ANSWERS
from .rules.vendor_checklist import ANSWER_LABELS, ITEMS, SECTIONS

_RADIO = {"class": "form-check-input"}


class SelfCheckForm(forms.Form):
    """The 25 questions, one radio group each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.code, a.label) for a in ANSWERS]
        for q in QUESTIONS:
            self.fields[q.code] = forms.ChoiceField(
                label=f"{q.number}. {q.text}",
                choices=choices,
                widget=forms.RadioSelect(attrs=_RADIO),
                error_messages={"required": "回答を選んでください。"},
            )

    def parts(self):
        """(part, [(question, bound field), …]) in order, for the template."""
        return [(part, [(q, self[q.code]) for q in QUESTIONS if q.part == part.code]) for part in PARTS]


class VendorChecklistForm(forms.Form):
    checked_on = forms.DateField(label="確認日", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in ITEMS:
            self.fields[f"{item.code}__answer"] = forms.ChoiceField(
                label=f"{item.number} {item.text}",
                choices=list(ANSWER_LABELS.items()),
                widget=forms.RadioSelect(attrs=_RADIO),
                error_messages={"required": "「はい」か「いいえ」を選んでください。"},
            )
            self.fields[f"{item.code}__target_date"] = forms.DateField(
                label="目標日（いいえの場合）", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"{item.code}__note"] = forms.CharField(label="備考", required=False, max_length=500)

    def sections(self):
        return [
            (
                section,
                [
                    (
                        item,
                        self[f"{item.code}__answer"],
                        self[f"{item.code}__target_date"],
                        self[f"{item.code}__note"],
                    )
                    for item in ITEMS
                    if item.section == section.code
                ],
            )
            for section in SECTIONS
        ]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            item.code: {
                "answer": data.get(f"{item.code}__answer"),
                "target_date": data.get(f"{item.code}__target_date"),
                "note": data.get(f"{item.code}__note", ""),
            }
            for item in ITEMS
        }

    def field_for(self, rule_field: str | None) -> str | None:
        """The form field that a rule error's ``field`` refers to (for いいえ errors: the target date)."""
        if rule_field == "checked_on":
            return "checked_on"
        if rule_field and f"{rule_field}__target_date" in self.fields:
            return f"{rule_field}__target_date"
        return None


DATA_ITEM_CHOICES = list(DATA_ITEM_LABELS.items())


class ExposureForm(forms.Form):
    data_items = forms.MultipleChoiceField(
        label="保有している個人情報の種類",
        choices=DATA_ITEM_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs=_RADIO),
        error_messages={"required": "1つ以上選んでください。"},
    )
    persons = forms.IntegerField(
        label="人数（何人分の情報か）", min_value=1, max_value=100_000_000, initial=5000,
        help_text="漏えいした場合に影響する人数の見込みです。",
    )  # fmt: skip
    response_months = forms.IntegerField(
        label="問い合わせ対応の期間（か月）", min_value=1, max_value=24, initial=3
    )
    social_responsibility = forms.TypedChoiceField(
        label="社会的責任度",
        coerce=int,
        choices=[(1, "1（一般的な事業者）"), (2, "2（一般より高い社会的責任を負う）")],
        initial=1,
        help_text="JOモデルの係数です。どの事業者が2にあたるかの公的な基準は見つかっていません。",
    )
    response_evaluation = forms.TypedChoiceField(
        label="事後対応評価",
        coerce=int,
        choices=[(1, "1（適切に対応できる）"), (2, "2（対応が不適切と評価される）")],
        initial=1,
    )
    system_damage = forms.BooleanField(
        label="システムの停止・破壊も想定する（ランサムウェア等）", required=False
    )


class ContactForm(forms.Form):
    category = forms.ChoiceField(label="区分", choices=list(bcp_rules.CONTACT_CATEGORIES.items()))
    role = forms.CharField(label="役割・部署", required=False, max_length=200)
    name = forms.CharField(label="氏名・名称", required=False, max_length=200)
    phone = forms.CharField(label="電話番号", required=False, max_length=50)
    email = forms.CharField(label="メール", required=False, max_length=200)
    note = forms.CharField(label="備考", required=False, max_length=500)


class SystemForm(forms.Form):
    name = forms.CharField(label="システム・機器", required=False, max_length=200)
    purpose = forms.CharField(label="使っている業務", required=False, max_length=200)
    data_items = forms.MultipleChoiceField(
        label="扱う個人情報", required=False, choices=DATA_ITEM_CHOICES,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    location = forms.CharField(label="設置場所・クラウド", required=False, max_length=200)
    vendor = forms.CharField(label="保守業者", required=False, max_length=200)
    impact = forms.CharField(label="止まったときの影響", required=False, max_length=500)
    priority = forms.CharField(label="復旧の優先度", required=False, max_length=50)


class PaperOperationForm(forms.Form):
    operation = forms.CharField(label="業務", required=False, max_length=200)
    fallback = forms.CharField(label="システム停止時のやり方", required=False, max_length=500)
    materials = forms.CharField(label="用意しておく用紙・物品", required=False, max_length=500)


class BackupForm(forms.Form):
    target = forms.CharField(label="対象のデータ", required=False, max_length=200)
    method = forms.CharField(label="方法・保管先", required=False, max_length=200)
    frequency = forms.CharField(label="頻度", required=False, max_length=100)
    generations = forms.CharField(label="世代数", required=False, max_length=50)
    offline = forms.BooleanField(label="ネットワークから切り離して保管", required=False)
    last_restore_test = forms.DateField(
        label="最後に復元を試した日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DrillForm(forms.Form):
    held_on = forms.DateField(label="実施日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.CharField(label="訓練の内容", required=False, max_length=200)
    participants = forms.CharField(label="参加者", required=False, max_length=200)
    findings = forms.CharField(label="分かった課題", required=False, max_length=500)


SECTION_FORMS: dict[str, type[forms.Form]] = {
    "contacts": ContactForm,
    "systems": SystemForm,
    "paper_operations": PaperOperationForm,
    "backups": BackupForm,
    "drills": DrillForm,
}


def section_formset(section: str, *, data=None, initial=None, extra: int = 3):
    """A formset for one list section of the BCP, with ``extra`` blank rows to add entries."""
    formset_class = forms.formset_factory(SECTION_FORMS[section], extra=extra, max_num=50, validate_max=True)
    return formset_class(data=data, initial=initial, prefix=section)


class StepNotesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for step in bcp_rules.STEPS:
            self.fields[step.code] = forms.CharField(
                label=f"{step.number}. {step.label}",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=step.summary,
            )
