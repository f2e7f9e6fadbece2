"""Forms of the 法的対応 page. They parse input into the contract's facts; the engine validates the facts and its
Japanese errors are shown on the field they name (``add_form_error`` in the views)."""

from __future__ import annotations

from datetime import datetime

from django import forms

from sonae.core.models import Organisation, OrganisationKind
from sonae.duties.rules import (
    CAUSE_LABELS,
    DATA_ITEMS,
    DATA_SCOPE_LABELS,
    EXFILTRATION_LABELS,
    ROLE_LABELS,
)
from sonae.incidents.forms import DateTimeLocalInput, data_item_groups

from .drafts import Draft
from .labels import FACT_LABELS
from .prefill import instant_text

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"]
TRISTATE_CHOICES = [("", "原因・項目から判定する"), ("yes", "はい"), ("no", "いいえ")]
_TRISTATE = {"": None, "yes": True, "no": False}
_TRISTATE_BACK = {None: "", True: "yes", False: "no"}


def _datetime(label: str, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=help_text,
        error_messages={
            "required": f"{label}を入力してください。",
            "invalid": f"{label}の形式が正しくありません。",
        },
    )


def _tristate(field: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=FACT_LABELS[field], choices=TRISTATE_CHOICES, required=False, help_text=help_text
    )


class FactsForm(forms.Form):
    """The facts of the case in the engine's vocabulary, with Japanese labels."""

    discovered_at = _datetime(
        "発覚日時",
        required=True,
        help_text="従業者や部署のだれかが最初に気づいた日時です（本社に報告した日時ではありません）。",
    )
    role = forms.ChoiceField(
        label=FACT_LABELS["role"],
        choices=list(ROLE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "当社の立場を選んでください。"},
    )
    entrusting_hospital = forms.ModelChoiceField(
        label="委託元の医療機関",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（一覧にない場合は右に名称を入力）",
    )
    entrusting_party_name = forms.CharField(
        label="委託元の名称（一覧にない場合）", max_length=200, required=False
    )
    entrusting_party_notified_at = _datetime(
        FACT_LABELS["entrusting_party_notified_at"],
        required=False,
        help_text="まだ通知していなければ空欄にします。",
    )
    joint_report = forms.BooleanField(label=FACT_LABELS["joint_report"], required=False)
    data_items = forms.MultipleChoiceField(
        label=FACT_LABELS["data_items"],
        choices=[(code, item.label) for code, item in DATA_ITEMS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="分かる範囲ですべて選んでください。病棟・食事箋・通院先も、医療を受けている事実が分かる情報です。",
        error_messages={"required": "漏えい等のおそれがある項目を1つ以上選んでください。"},
    )
    persons = forms.IntegerField(
        label=FACT_LABELS["persons"],
        min_value=0,
        error_messages={
            "required": "本人の数を入力してください（分からない場合は見込みの上限）。",
            "min_value": "本人の数は0以上の整数で入力してください。",
            "invalid": "本人の数は整数で入力してください。",
        },
    )
    my_number_persons = forms.IntegerField(
        label=FACT_LABELS["my_number_persons"],
        min_value=0,
        required=False,
        help_text="マイナンバーを含む場合だけ。空欄なら本人の数と同じとみなします。",
        error_messages={
            "min_value": "0以上の整数で入力してください。",
            "invalid": "整数で入力してください。",
        },
    )
    cause = forms.ChoiceField(
        label=FACT_LABELS["cause"],
        choices=[("", "（選んでください）"), *CAUSE_LABELS.items()],
        error_messages={"required": "原因を選んでください（分からなければ「その他」）。"},
    )
    unauthorized_purpose = _tristate("unauthorized_purpose", "通常は原因から判定します。")
    financial_damage_risk = _tristate("financial_damage_risk", "通常は項目から判定します。")
    exfiltration_evidence = forms.ChoiceField(
        label=FACT_LABELS["exfiltration_evidence"], choices=list(EXFILTRATION_LABELS.items())
    )
    encrypted_high_level = forms.BooleanField(
        label=FACT_LABELS["encrypted_high_level"],
        required=False,
        help_text="推奨される暗号で適切に暗号化され、鍵やパスワードが別に安全に管理されている場合です。",
    )
    key_compromised = forms.BooleanField(label=FACT_LABELS["key_compromised"], required=False)
    backup_intact = forms.BooleanField(label=FACT_LABELS["backup_intact"], required=False)
    recipient_confirmed_deleted_unread = forms.BooleanField(
        label=FACT_LABELS["recipient_confirmed_deleted_unread"], required=False
    )
    publicly_viewable = _tristate(
        "publicly_viewable",
        "通常は原因から判定します（誤ってインターネット上で閲覧可能にした場合は「はい」）。",
    )
    data_scope = forms.ChoiceField(label=FACT_LABELS["data_scope"], choices=list(DATA_SCOPE_LABELS.items()))
    note = forms.CharField(label="変更の理由・メモ（任意）", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrusting_hospital"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.HOSPITAL, is_active=True
        ).order_by("name_kana", "name")

    @classmethod
    def initial_for(cls, facts: dict, entrusting_hospital=None, entrusting_party_name: str = "") -> dict:
        """The form's initial values from a contract input dict (and the entrusting party)."""
        initial = {name: facts.get(name) for name in FACT_LABELS}
        for name in ("discovered_at", "entrusting_party_notified_at"):
            # The widget writes datetime values in local time (datetime-local); ISO text would be refused.
            value = facts.get(name)
            initial[name] = datetime.fromisoformat(value) if value else None
        for name in ("unauthorized_purpose", "financial_damage_risk", "publicly_viewable"):
            initial[name] = _TRISTATE_BACK.get(facts.get(name), "")
        initial["entrusting_hospital"] = entrusting_hospital.pk if entrusting_hospital else None
        initial["entrusting_party_name"] = entrusting_party_name
        return initial

    def facts(self) -> dict:
        """The contract's input from the cleaned data."""
        data = self.cleaned_data
        return {
            "discovered_at": instant_text(data["discovered_at"]),
            "role": data["role"],
            "entrusting_party_notified_at": instant_text(data.get("entrusting_party_notified_at")),
            "joint_report": bool(data.get("joint_report")),
            "data_items": list(data["data_items"]),
            "persons": data["persons"],
            "my_number_persons": data.get("my_number_persons"),
            "cause": data["cause"],
            "unauthorized_purpose": _TRISTATE[data.get("unauthorized_purpose") or ""],
            "financial_damage_risk": _TRISTATE[data.get("financial_damage_risk") or ""],
            "encrypted_high_level": bool(data.get("encrypted_high_level")),
            "key_compromised": bool(data.get("key_compromised")),
            "exfiltration_evidence": data["exfiltration_evidence"],
            "backup_intact": bool(data.get("backup_intact")),
            "recipient_confirmed_deleted_unread": bool(data.get("recipient_confirmed_deleted_unread")),
            "publicly_viewable": _TRISTATE[data.get("publicly_viewable") or ""],
            "data_scope": data["data_scope"],
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "facts": self.facts(),
            "entrusting_hospital": data.get("entrusting_hospital"),
            "entrusting_party_name": data.get("entrusting_party_name") or "",
            "note": data.get("note") or "",
        }

    @staticmethod
    def data_item_groups():
        return data_item_groups()


class MarkDoneForm(forms.Form):
    done_at = _datetime("実施した日時", required=True)
    reference_number = forms.CharField(
        label="受付番号等（任意）",
        max_length=100,
        required=False,
        help_text="個人情報保護委員会の報告フォームの受付番号など。",
    )


class DraftForm(forms.Form):
    """Every part of a draft, editable before download."""

    title = forms.CharField(label="表題", max_length=200)
    date_text = forms.CharField(label="日付", max_length=50)
    recipient = forms.CharField(label="宛先", max_length=200, required=False)
    sender = forms.CharField(label="差出人", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    intro = forms.CharField(label="前文", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    closing = forms.CharField(
        label="結び", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )

    def __init__(self, *args, draft: Draft, **kwargs):
        kwargs.setdefault("initial", draft.form_values())
        super().__init__(*args, **kwargs)
        self.draft = draft
        for field in draft.fields:
            self.fields[f"field_{field.key}"] = forms.CharField(
                label=field.label, max_length=500, required=False
            )
        for section in draft.sections:
            self.fields[f"section_{section.key}"] = forms.CharField(
                label=section.heading,
                widget=forms.Textarea(attrs={"rows": max(3, section.body.count("\n") + 2)}),
                max_length=10000,
                required=False,
            )
        # Closing last, after the sections, as on paper.
        self.order_fields([name for name in self.fields if name != "closing"] + ["closing"])

    def header_fields(self):
        return [self[name] for name in ("date_text", "recipient", "sender", "title", "intro")]

    def table_fields(self):
        return [self[f"field_{f.key}"] for f in self.draft.fields]

    def section_fields(self):
        return [self[f"section_{s.key}"] for s in self.draft.sections]

    def edited_draft(self) -> Draft:
        return self.draft.with_values({k: (v or "") for k, v in self.cleaned_data.items()})
