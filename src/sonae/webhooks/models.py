"""Webhook endpoints of an organisation, the deliveries of events to them and the log of each attempt."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sonae.core.fields import EncryptedModel, EncryptedTextField
from sonae.core.models import Organisation, User

from .events import event_label


class WebhookEndpoint(EncryptedModel):
    """A URL of one organisation that receives the events it subscribed to, signed with its secret.

    The secret is needed in clear to sign, so it is encrypted at rest (not hashed); it is shown once, when made.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    name = models.CharField(_("名前"), max_length=100)
    url = models.CharField(_("送信先URL"), max_length=500)
    secret = EncryptedTextField(_("署名用シークレット"))
    secret_hint = models.CharField(_("シークレットの識別子"), max_length=16, blank=True)
    event_types = models.JSONField(_("通知するイベント"), default=list)
    is_active = models.BooleanField(_("有効"), default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("Webhookの送信先")
        verbose_name_plural = _("Webhookの送信先")
        ordering = ["organisation", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in (self.event_types or [])

    @property
    def event_labels(self) -> list[str]:
        return [event_label(code) for code in self.event_types or []]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("送信待ち")
    RETRYING = "retrying", _("再送待ち")
    SUCCEEDED = "succeeded", _("送信済み")
    FAILED = "failed", _("送信失敗")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class Delivery(models.Model):
    """One event for one endpoint. The body is fixed when the event happens; retries send the same body (with a
    new timestamp and signature) until it succeeds or the attempts run out."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_id = models.UUIDField(_("イベントID"), db_index=True)
    event_type = models.CharField(_("イベント"), max_length=50)
    body = models.TextField(_("送信内容（JSON）"))
    status = models.CharField(
        _("状態"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    # When the next attempt may start; while an attempt runs it is the end of that attempt's lease, so a
    # delivery whose worker died is picked up again afterwards.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("応答コード"), null=True, blank=True)
    last_error = models.CharField(_("エラー"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("送信成功日時"), null=True, blank=True)
    is_test = models.BooleanField(_("テスト送信"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("Webhookの送信")
        verbose_name_plural = _("Webhookの送信")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"

    @property
    def event_label(self) -> str:
        return event_label(self.event_type)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DeliveryAttempt(models.Model):
    """The log of one HTTP attempt: when, the response code (none when no answer), how long, and the error."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("回数"))
    at = models.DateTimeField(_("送信日時"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("応答コード"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("所要時間（ミリ秒）"), default=0)
    error = models.CharField(_("エラー"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("応答の冒頭"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Webhookの送信記録")
        verbose_name_plural = _("Webhookの送信記録")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or '-'}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class EmittedOnce(models.Model):
    """Marks events that must be emitted once (e.g. a duty's overdue event per due date), across processes."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
