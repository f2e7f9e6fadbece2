"""Forms of the rights pages. The fee rule (APPI art. 38) is checked here and again in the service."""

from __future__ import annotations

from django import forms

from . import rules
from .models import Channel, Decision, Kind, ReplyMethod


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label="請求の種類", choices=Kind.choices)
    channel = forms.ChoiceField(label="受付経路", choices=Channel.choices)
    received_on = forms.DateField(label="請求の到達日", widget=forms.DateInput(attrs={"type": "date"}))
    requester_name = forms.CharField(label="請求者氏名", max_length=100, required=False)
    victim_id = forms.IntegerField(
        label="対象者ID", required=False, help_text="対象者リストから開いた場合は自動で入ります。"
    )
    asked = forms.CharField(label="請求の内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    fee_yen = forms.IntegerField(
        label="手数料（円）",
        min_value=0,
        initial=0,
        required=False,
        help_text="手数料を求められるのは開示の請求のみです（法38条）。",
    )
    by_contract = forms.BooleanField(
        label="委託契約により、委託元に代わって当社が本人へ回答する",
        required=False,
        help_text="通常、委託を受けたデータへの請求は委託元（医療機関）へ転送します。"
        "契約で回答を任されている場合のみチェックしてください。",
    )

    def __init__(self, *args, entrusted: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not entrusted:
            del self.fields["by_contract"]

    def clean(self):
        data = super().clean()
        data["fee_yen"] = data.get("fee_yen") or 0
        data["by_contract"] = bool(data.get("by_contract"))
        if data["fee_yen"] and not rules.fee_allowed(data.get("kind", "")):
            self.add_error("fee_yen", "手数料を徴収できるのは開示の請求のみです（個人情報保護法38条）。")
        return data


class VerifyForm(forms.Form):
    method = forms.CharField(
        label="本人確認の方法", max_length=200, help_text="例：運転免許証の写しと照会番号で確認"
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="決定", choices=Decision.choices)
    reasons = forms.CharField(
        label="理由（応じない・一部応じない場合）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    alternative_measure = forms.CharField(
        label="代替措置", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fee_yen = forms.IntegerField(label="手数料（円）", min_value=0, initial=0, required=False)
    erase = forms.BooleanField(label="個人情報の項目を消去する（利用停止・消去に応じる場合）", required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if not rules.fee_allowed(kind):
            # APPI art. 38: no fee for these kinds; the field is not offered at all.
            del self.fields["fee_yen"]
        if kind != Kind.SUSPENSION:
            del self.fields["erase"]

    def clean(self):
        data = super().clean()
        data["fee_yen"] = data.get("fee_yen") or 0
        data["erase"] = bool(data.get("erase"))
        return data


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label="回答日", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label="回答方法", choices=ReplyMethod.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="閲覧・出力の理由", max_length=200)
