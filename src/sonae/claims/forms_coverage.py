"""The insurer's coverage decision form: one three-way answer per exclusion, an optional override and the reason.
Business rules (a reason for an override, the vocabulary) are checked by ``services.coverage.coverage_decide``."""

from __future__ import annotations

from django import forms

from sonae.programme.cover_terms import EXCLUSIONS

from .determination import FACT_QUESTIONS
from .models import CoverageOverride

FACT_CHOICES = [("", "未確認"), ("yes", "該当する"), ("no", "該当しない")]
_TO_VALUE = {"": None, "yes": True, "no": False}
_TO_CHOICE = {None: "", True: "yes", False: "no"}


class CoverageDecisionForm(forms.Form):
    override = forms.ChoiceField(
        label="補償の判断",
        choices=CoverageOverride.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text="判定と異なる判断をするときは、理由を必ず入力してください（契約者にも表示されます）。",
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, facts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        facts = facts or {}
        fact_fields = {}
        for code in EXCLUSIONS:
            fact_fields[f"fact_{code}"] = forms.ChoiceField(
                label=FACT_QUESTIONS[code],
                choices=FACT_CHOICES,
                required=False,
                initial=_TO_CHOICE.get(facts.get(code), ""),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        # Facts first, then the decision, in the order the insurer works.
        self.fields = {**fact_fields, **self.fields}

    def fact_fields(self):
        return [self[f"fact_{code}"] for code in EXCLUSIONS]

    def facts(self) -> dict[str, bool | None]:
        """The answers as the service takes them (unknown answers left out)."""
        result = {}
        for code in EXCLUSIONS:
            value = _TO_VALUE.get(self.cleaned_data.get(f"fact_{code}") or "")
            if value is not None:
                result[code] = value
        return result
