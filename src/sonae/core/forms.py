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
