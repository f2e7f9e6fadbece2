from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sonae.core.errors import InvalidInput

from .models import ProgrammeYear
from .terms import parse_terms


class ProgrammeYearForm(forms.ModelForm):
    """Edits of the terms are validated like a loaded file, and must agree with the date fields."""

    class Meta:
        model = ProgrammeYear
        fields = [
            "code",
            "name",
            "period_start",
            "period_end",
            "quote_deadline",
            "application_deadline",
            "closure_days",
            "extra_closed_dates",
            "business_opens_at",
            "business_closes_at",
            "desk_response_minutes",
            "terms",
            "terms_version",
        ]

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("terms")
        if not raw:
            return cleaned
        try:
            terms = parse_terms(raw)
        except InvalidInput as exc:
            raise forms.ValidationError(f"制度データ: {exc.message}") from None
        checks = [
            ("period_start", terms.period_start),
            ("period_end", terms.period_end),
            ("quote_deadline", terms.quote_deadline),
            ("application_deadline", terms.application_deadline),
        ]
        for name, expected in checks:
            if cleaned.get(name) is not None and cleaned[name] != expected:
                self.add_error(name, "制度データ（terms）の日付と一致しません。")
        if cleaned.get("code") and terms.code != cleaned["code"]:
            self.add_error("code", "制度データ（terms）の code と一致しません。")
        if cleaned.get("terms_version") != terms.version:
            self.add_error("terms_version", "制度データ（terms）の version と一致させてください。")
        return cleaned


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(SimpleHistoryAdmin):
    form = ProgrammeYearForm
    list_display = ["code", "name", "period_start", "period_end", "application_deadline", "terms_version"]
