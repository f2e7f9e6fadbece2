"""Forms of the webhook pages. Rules (URL safety, event codes) are checked again in the services."""

from __future__ import annotations

from django import forms

from .events import EVENT_CHOICES


class EndpointForm(forms.Form):
    name = forms.CharField(
        label="名前",
        max_length=100,
        help_text="用途がわかる名前にしてください（例：社内チャット通知、案件管理システム）。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    url = forms.CharField(
        label="送信先URL",
        max_length=500,
        help_text="https:// で始まるURLを推奨します。イベントごとにこのURLへ JSON を POST します。",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    event_types = forms.MultipleChoiceField(
        label="通知するイベント",
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "通知するイベントを1つ以上選んでください。"},
    )
    is_active = forms.BooleanField(label="有効にする（送信する）", required=False, initial=True)

    def clean_url(self) -> str:
        from .services import allow_private_addresses
        from .transport import UnsafeURL, check_literal_host

        url = self.cleaned_data["url"].strip()
        try:
            check_literal_host(url, allow_private=allow_private_addresses())
        except UnsafeURL as exc:
            raise forms.ValidationError(str(exc)) from None
        return url
