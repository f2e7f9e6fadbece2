"""Forms of the incident pages. They parse input; the business rules (and their Japanese errors) are in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import CAUSE_LABELS, DATA_ITEM_CLASS_LABELS, DATA_ITEMS
from sonae.programme.coverage_items import ITEMS

from . import triage
from .models import DataOwner, Phase, Status, TaskStatus, TimelineKind, Vendor, VendorCategory

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _datetime_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"],
        widget=DateTimeLocalInput(),
        help_text=help_text,
    )


def data_item_groups() -> list[tuple[str, list[str]]]:
    """The data item codes grouped by class (with the class's Japanese label), for a checklist with headings."""
    groups: dict[str, list[str]] = {}
    for item in DATA_ITEMS.values():
        groups.setdefault(item.item_class, []).append(item.code)
    return [(DATA_ITEM_CLASS_LABELS.get(cls, cls), codes) for cls, codes in groups.items()]


class _FactsFields(forms.Form):
    """What is known about the data at risk (same vocabulary as the duties engine)."""

    data_items = forms.MultipleChoiceField(
        label="漏えい等のおそれがある情報",
        choices=[(code, item.label) for code, item in DATA_ITEMS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="わかる範囲で選んでください。あとから変更できます。",
    )
    persons_estimate = forms.IntegerField(
        label="対象人数（おおよそ）",
        required=False,
        min_value=0,
        help_text="わからなければ空欄のままで構いません。",
    )
    data_owner = forms.ChoiceField(
        label="誰の情報ですか", choices=DataOwner.choices, initial=DataOwner.UNKNOWN, widget=forms.RadioSelect
    )
    entrusting_hospital = forms.ModelChoiceField(
        label="委託元の医療機関",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（一覧にない場合は下に名称を入力）",
    )
    entrusting_party_name = forms.CharField(
        label="委託元の名称（一覧にない場合）", max_length=200, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrusting_hospital"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.HOSPITAL, is_active=True
        ).order_by("name_kana", "name")


class ReportForm(_FactsFields):
    """The provider's web report (issue 4 point 1a) and the report part of the desk's phone intake."""

    symptoms = forms.MultipleChoiceField(
        label="あてはまる症状（複数選択可）",
        choices=list(triage.SYMPTOMS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "あてはまる症状を1つ以上選んでください（わからない場合は「その他」）。"},
    )
    title = forms.CharField(
        label="件名", max_length=200, required=False, help_text="空欄の場合は症状から自動で付けます。"
    )
    description = forms.CharField(
        label="状況（いつ・どこで・何が起きたか）", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    discovered_at = _datetime_field("気づいた日時", help_text="わかる範囲で入力してください。")

    field_order = [
        "symptoms",
        "title",
        "description",
        "discovered_at",
        "data_items",
        "persons_estimate",
        "data_owner",
        "entrusting_hospital",
        "entrusting_party_name",
    ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "symptoms": data["symptoms"],
            "title": data.get("title") or "",
            "description": data.get("description") or "",
            "discovered_at": data.get("discovered_at"),
            "data_items": data.get("data_items") or [],
            "persons_estimate": data.get("persons_estimate"),
            "data_owner": data["data_owner"],
            "entrusting_hospital": data.get("entrusting_hospital"),
            "entrusting_party_name": data.get("entrusting_party_name") or "",
        }


class PhoneIntakeForm(ReportForm):
    """The desk operator's phone intake: caller, call-back number, time of call, provider, then the report."""

    provider = forms.ModelChoiceField(
        label="事業者",
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"required": "事業者を検索して選んでください。"},
    )
    caller_name = forms.CharField(label="通報者の氏名", max_length=100)
    caller_phone = forms.CharField(
        label="折り返し電話番号",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    called_at = _datetime_field("着信日時", required=True)

    field_order = ["caller_name", "caller_phone", "called_at", *ReportForm.field_order]

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.PROVIDER, is_active=True
        )
        self.fields["provider"].choices = [(p.pk, p) for p in (providers or [])]
        if not self.is_bound:
            self.initial.setdefault("called_at", timezone.localtime().strftime(DATETIME_FORMAT))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "provider": data["provider"],
            "caller_name": data["caller_name"],
            "caller_phone": data["caller_phone"],
            "called_at": data["called_at"],
        }


class FactsForm(_FactsFields):
    """Provider or desk update of the known facts."""

    title = forms.CharField(label="件名", max_length=200)
    description = forms.CharField(label="状況", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    discovered_at = _datetime_field("発覚日時")

    field_order = ["title", "description", "discovered_at", *_FactsFields.base_fields]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.fields} | {
            "data_items": data.get("data_items") or [],
            "entrusting_party_name": data.get("entrusting_party_name") or "",
            "description": data.get("description") or "",
        }


class TriageForm(_FactsFields):
    symptoms = forms.MultipleChoiceField(
        label="症状", choices=list(triage.SYMPTOMS.items()), widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(
        label="分類", choices=[("", "（症状から自動判定）"), *triage.CATEGORIES.items()], required=False
    )
    severity = forms.TypedChoiceField(
        label="重大度",
        choices=[("", "（自動判定）"), *((str(k), f"{k}（{v}）") for k, v in triage.SEVERITIES.items())],
        coerce=int,
        empty_value=None,
        required=False,
    )
    cause = forms.ChoiceField(
        label="原因（法的義務の判定用）",
        choices=[("", "（分類から自動設定）"), *CAUSE_LABELS.items()],
        required=False,
    )
    note = forms.CharField(label="所見", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["symptoms", "category", "severity", "cause", *_FactsFields.base_fields, "note"]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "symptoms": data["symptoms"],
            "category": data.get("category") or None,
            "severity": data.get("severity"),
            "cause": data.get("cause") or None,
            "note": data.get("note") or "",
            "data_items": data.get("data_items") or [],
            "persons_estimate": data.get("persons_estimate"),
            "data_owner": data["data_owner"],
            "entrusting_hospital": data.get("entrusting_hospital"),
            "entrusting_party_name": data.get("entrusting_party_name") or "",
        }


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label="理由・メモ", required=False, max_length=1000)


class TaskForm(forms.Form):
    title = forms.CharField(label="タスク名", max_length=200)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="担当", required=False)
    due_date = forms.DateField(label="期限", required=False, widget=DateInput())
    coverage_item = forms.ChoiceField(
        label="費用の補償項目",
        required=False,
        choices=[("", "—"), *((c, label) for c, (_p, label) in ITEMS.items())],
    )
    phase = forms.ChoiceField(label="段階", required=False, choices=[("", "—"), *Phase.choices])
    status = forms.ChoiceField(label="状態", choices=TaskStatus.choices, initial=TaskStatus.OPEN)

    def __init__(self, *args, owner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "（未定）"), *owner_choices]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="種類",
        choices=[(TimelineKind.NOTE, "メモ"), (TimelineKind.DECISION, "判断・決定事項")],
        initial=TimelineKind.NOTE,
    )
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class CallForm(forms.Form):
    direction = forms.ChoiceField(label="種類", choices=[("out", "発信"), ("in", "着信")])
    counterpart = forms.CharField(label="相手", max_length=100)
    summary = forms.CharField(label="要旨", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    called_at = _datetime_field("通話日時", help_text="空欄なら現在時刻")


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(label="ファイル", error_messages={"required": "ファイルを選んでください。"})
    description = forms.CharField(label="説明", max_length=500, required=False)


class EvidenceDownloadForm(forms.Form):
    reason = forms.CharField(
        label="ダウンロードの理由",
        max_length=500,
        help_text="証拠の取扱い記録（誰が・いつ・なぜ）に残ります。",
        error_messages={"required": "ダウンロードの理由を入力してください。"},
    )


class VendorForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    name_kana = forms.CharField(label="名称（カナ）", max_length=200, required=False)
    categories = forms.MultipleChoiceField(
        label="対応分野", choices=VendorCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    contact_name = forms.CharField(label="担当窓口", max_length=100, required=False)
    phone = forms.CharField(label="電話番号", max_length=30, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label="手配先として有効", required=False, initial=True)


class DispatchForm(forms.Form):
    vendor = forms.ModelChoiceField(label="ベンダー", queryset=Vendor.objects.none())
    category = forms.ChoiceField(label="依頼分野", choices=VendorCategory.choices)
    scope = forms.CharField(label="依頼内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label="期限", required=False, widget=DateInput())

    def __init__(self, *args, vendors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors if vendors is not None else Vendor.objects.none()


class NoticeEditForm(forms.Form):
    subject = forms.CharField(label="件名", max_length=200)
    letter_text = forms.CharField(label="本文", widget=forms.Textarea(attrs={"rows": 24}))
