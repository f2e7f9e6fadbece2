"""Forms of the core pages (API tokens). Validation that is a business rule lives in the services."""

from __future__ import annotations

from django import forms

from .models import Role


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label="トークンの名前",
        max_length=100,
        help_text="用途がわかる名前にしてください（例：会計システム連携、夜間バッチ）。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="権限",
        choices=Role.choices,
        initial=Role.STAFF,
        help_text="トークンで行える操作の範囲です。必要最小限の権限を選んでください。",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("トークンの名前を入力してください。")
        return name


class AuditFilterForm(forms.Form):
    """Filters of the organisation's audit log page (all optional)."""

    kind = forms.ChoiceField(
        label="種類",
        required=False,
        choices=[("", "すべて"), ("personal", "個人データへのアクセス"), ("other", "その他の操作")],
    )
    incident = forms.CharField(label="事案（受付番号）", required=False, max_length=40)
    actor = forms.CharField(label="操作者（メールアドレスの一部）", required=False, max_length=254)
    since = forms.DateField(label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="終了日", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("開始日は終了日より前の日付にしてください。")
        return data
