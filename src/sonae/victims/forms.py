"""Forms of the victims pages (parsing only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from sonae.duties.rules import DATA_ITEM_LABELS
from sonae.victims.importing.columns import FIELDS
from sonae.victims.items import ITEM_BITS
from sonae.victims.models import DuplicatePolicy, InquiryCategory

ITEM_CHOICES = [(code, DATA_ITEM_LABELS.get(code, code)) for code in ITEM_BITS if code in DATA_ITEM_LABELS]
TARGET_CHOICES = (
    [("", "（取り込まない）")]
    + [(key, label) for key, label in FIELDS.items()]
    + [(f"item:{code}", f"漏えい項目の有無: {label}") for code, label in ITEM_CHOICES]
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="対象者リスト（CSV または Excel）",
        help_text="CSVはUTF-8・UTF-8（BOM付き）・Shift_JIS（CP932）に対応。1行目に列の見出しを入れてください。",
    )


class MappingForm(forms.Form):
    """One select per file column, the items for rows that name none, and the duplicates policy."""

    default_items = forms.MultipleChoiceField(
        label="漏えい項目の列がない行に使う項目",
        choices=ITEM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    duplicate_policy = forms.ChoiceField(label="重複した行", choices=DuplicatePolicy.choices)

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or f"列{index + 1}", choices=TARGET_CHOICES, required=False
            )

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}", "") or "" for i in range(len(self.headers))]


class LetterSettingsForm(forms.Form):
    template = forms.CharField(label="本文", widget=forms.Textarea(attrs={"rows": 18}))
    sender = forms.CharField(
        label="差出人（複数行可）", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=500
    )
    call_centre_phone = forms.CharField(label="専用窓口の電話番号", max_length=30, required=False)
    call_centre_hours = forms.CharField(label="受付時間", max_length=100, required=False)


class LetterRunForm(forms.Form):
    letter_date = forms.DateField(label="お詫び状の日付", initial=timezone.localdate)
    batch_size = forms.IntegerField(label="1ファイルあたりの通数", min_value=1, max_value=5000, initial=1000)


class DownloadForm(forms.Form):
    kind = forms.ChoiceField(choices=[("pdf", "印刷用PDF"), ("csv", "宛名リスト（CSV）")])
    reason = forms.CharField(label="ダウンロードの理由", max_length=200, initial="印刷会社への入稿")


class SentForm(forms.Form):
    sent_on = forms.DateField(label="発送日", initial=timezone.localdate)


class GiftSettingsForm(forms.Form):
    kind = forms.CharField(label="見舞品の種類", max_length=100, required=False, help_text="例: QUOカード")
    amount = forms.IntegerField(label="個人1名あたりの金額（円）", min_value=0, required=False)
    amount_corporation = forms.IntegerField(label="法人1社あたりの金額（円）", min_value=0, required=False)


class ShippedForm(forms.Form):
    shipped_on = forms.DateField(label="発送日", initial=timezone.localdate)


class ReturnsForm(forms.Form):
    file = forms.FileField(
        label="返送・住所訂正・辞退のCSV",
        help_text="列: お問い合わせ番号, 区分（返送／住所訂正／辞退）, 郵便番号, 住所, 日付",
    )


class LookupForm(forms.Form):
    MODE_CHOICES = [
        ("code", "お問い合わせ番号"),
        ("kana_birth", "フリガナと生年月日"),
        ("patient_id", "患者ID"),
    ]

    mode = forms.ChoiceField(
        label="検索の方法", choices=MODE_CHOICES, widget=forms.RadioSelect, initial="code"
    )
    code = forms.CharField(label="お問い合わせ番号", max_length=40, required=False)
    kana = forms.CharField(label="フリガナ", max_length=100, required=False)
    birth = forms.CharField(
        label="生年月日", max_length=40, required=False, help_text="例: 1970-03-02、昭和45年3月2日、S45.3.2"
    )
    patient_id = forms.CharField(label="患者ID", max_length=50, required=False)
    reason = forms.CharField(label="照会の理由", max_length=200, initial="本人からの電話問い合わせ")


class InquiryForm(forms.Form):
    victim_id = forms.CharField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label="区分", choices=InquiryCategory.choices)
    answer = forms.CharField(
        label="回答内容", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    follow_up = forms.BooleanField(label="要対応（折り返し等）", required=False)


class SelfServiceForm(forms.Form):
    code = forms.CharField(
        label="お問い合わせ番号", max_length=40, help_text="お詫び状に記載の番号（例: SN-1234-5678-9012）"
    )
    birth = forms.CharField(label="生年月日", max_length=40, help_text="例: 1970-03-02、昭和45年3月2日")
