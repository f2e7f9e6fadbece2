"""Forms of the enrolment pages. They parse input; the services and rules judge it."""

from __future__ import annotations

from django import forms

from sonae.jp.wareki import format_datetime_ja
from sonae.programme.businesses import BUSINESSES, business_label

from .models import Application

_CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class QuoteForm(forms.Form):
    """お見積りシート. 業務 choices are the business's certifications valid on the cover start (from the roster)."""

    programme_year = forms.ChoiceField(label="年度・加入区分")
    company_name = forms.CharField(label="事業者名", max_length=200)
    company_kana = forms.CharField(label="事業者名（カナ）", max_length=200, required=False)
    address = forms.CharField(label="所在地", max_length=300, required=False)
    business_codes = forms.MultipleChoiceField(
        label="認定業務", widget=_CHECKS, help_text="名簿に登録された有効な認定業務です。"
    )
    annual_sales = forms.IntegerField(label="直近会計年度の売上高（税込・円）", min_value=0)
    records_held = forms.IntegerField(
        label="保有する個人データの人数",
        min_value=0,
        help_text="患者・利用者・従業員などの個人データの概数。",
    )
    employees = forms.IntegerField(label="従業員数", min_value=0)
    security_score = forms.IntegerField(
        label="セキュリティ自己診断の点数（−25〜100）",
        min_value=-25,
        max_value=100,
        required=False,
        help_text="IPA「5分でできる！情報セキュリティ自社診断」の点数。セルフチェック済みのときはその点数を使います。",
    )
    incidents_5y = forms.IntegerField(label="過去5年の情報漏えい等の事故件数", min_value=0, initial=0)
    plans = forms.MultipleChoiceField(label="見積もるプラン", widget=_CHECKS)

    def __init__(self, *args, years=(), businesses=(), plans=(), selfcheck_score=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_year"].choices = [
            (year.code, f"{year.name}（{window.label}・保険始期 {format_datetime_ja(window.cover_start)}）")
            for year, window in years
        ]
        self.fields["business_codes"].choices = [(code, business_label(code)) for code in businesses]
        self.fields["plans"].choices = [(p.code, p.name) for p in plans]
        if selfcheck_score is not None:
            self.fields["security_score"].disabled = True
            self.fields[
                "security_score"
            ].help_text = f"セルフチェックの最新の点数（{selfcheck_score}点）を使います。"


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "past_incidents",
            "past_incidents_detail",
            "known_circumstances",
            "known_circumstances_detail",
            "representative_name",
            "representative_title",
            "payer_kana",
            "consent",
        ]
        widgets = {
            "past_incidents_detail": forms.Textarea(attrs={"rows": 3}),
            "known_circumstances_detail": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "past_incidents": "過去5年以内に情報漏えい・サイバー攻撃等の事故があった場合はチェックし、内容を記入してください。",
            "known_circumstances": "保険金の請求につながるおそれのある事実・状況を認識している場合はチェックしてください。",
            "payer_kana": "保険料を振り込む口座の名義（カナ）。入金の照合に使います。",
            "consent": "重要事項説明書・約款の内容を確認し、同意します。",
        }


class ApplicationStartForm(forms.Form):
    plan = forms.ChoiceField(
        label="加入するプラン", widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    reason = forms.CharField(
        label="期限後の手続の理由（代理店）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = list(plans)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "受理する"), ("return", "差し戻す")], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="差戻しの理由、または期限後に受理する理由（必須）を記入してください。",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label="ファイル（CSV：UTF-8またはShift_JIS、またはExcel .xlsx）")


class DepositUploadForm(UploadForm):
    accept_valid_only = forms.BooleanField(label="エラーのある行を除いて取り込む", required=False)


class MatchForm(forms.Form):
    deposit = forms.IntegerField(widget=forms.HiddenInput)
    application = forms.ChoiceField(label="加入依頼")
    note = forms.CharField(label="メモ", required=False, max_length=500)
    accept_difference = forms.BooleanField(label="金額の相違（不足・過大）を確認した", required=False)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "選んでください")] + [
            (a.pk, f"{a.number} {a.organisation.name}（残 {a.outstanding:,}円）") for a in applications
        ]


class CancelForm(forms.Form):
    effective_date = forms.DateField(
        label="解約日（16時に解約）", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="解約理由", widget=forms.Textarea(attrs={"rows": 2}))


class OverpaymentForm(forms.Form):
    note = forms.CharField(label="過入金の処理内容", widget=forms.Textarea(attrs={"rows": 2}))


BUSINESS_FILTER = [("", "すべての業務")] + [(b.code, b.label) for b in BUSINESSES]
