"""A model exercising every encrypted field kind, so field tests need no production model."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from sonae.core.fields import BlindIndexField, EncryptedJSONField, EncryptedModel, EncryptedTextField


def _normalised_body(note: SecretNote) -> str | None:
    return note.body.strip().upper() if note.body else None


class SecretNote(EncryptedModel):
    title = models.CharField(max_length=100, blank=True)
    body = EncryptedTextField(max_length=200, null=True, blank=True)
    record = EncryptedJSONField(default=dict)
    body_index = BlindIndexField(domain="testapp.note_body", source=_normalised_body)
    code_index = BlindIndexField(domain="testapp.note_code")

    def __str__(self) -> str:
        return self.title


class TrackedNote(EncryptedModel):
    """An encrypted field under django-simple-history: history rows must be encrypted too."""

    secret = EncryptedTextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"TrackedNote {self.pk}"
