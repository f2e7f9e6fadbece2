"""The work on a case: tasks, the timeline of every event, and evidence files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.programme.coverage_items import item_label

from .playbooks import COVERAGE_ITEM_CHOICES, Phase


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未着手")
    IN_PROGRESS = "in_progress", _("対応中")
    DONE = "done", _("完了")
    CANCELLED = "cancelled", _("中止")


ACTIVE_TASK_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})


class Task(models.Model):
    """One piece of work on a case, owned by an organisation (and a person in it) or a dispatched vendor."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(
        "incidents.PlaybookStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phase = models.CharField(_("段階"), max_length=20, choices=Phase.choices, blank=True)
    title = models.CharField(_("タスク名"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    owner_organisation = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("担当組織"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_tasks",
        verbose_name=_("担当者"),
    )
    owner_vendor = models.ForeignKey(
        "incidents.Vendor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("ベンダー"),
    )
    due_date = models.DateField(_("期限"), null=True, blank=True)
    status = models.CharField(_("状態"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    coverage_item = models.CharField(
        _("費用の補償項目"), max_length=30, choices=COVERAGE_ITEM_CHOICES, blank=True
    )
    sort_order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The due date a reminder was last sent for: a changed due date gets its own reminder, a rerun none.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("タスク")
        verbose_name_plural = _("タスク")
        ordering = ["incident", "sort_order", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="incident_task_status_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES

    @property
    def coverage_item_label(self) -> str:
        return item_label(self.coverage_item) if self.coverage_item else ""

    @property
    def owner_display(self) -> str:
        if self.owner_vendor_id:
            return self.owner_vendor.name
        parts = [str(p) for p in (self.owner_organisation, self.owner_user) if p is not None]
        return " / ".join(parts)


class TimelineKind(models.TextChoices):
    INTAKE = "intake", _("受付")
    TRIAGE = "triage", _("トリアージ")
    FACTS = "facts", _("事実の更新")
    STATUS = "status", _("状態の変更")
    TASK = "task", _("タスク")
    NOTE = "note", _("メモ")
    CALL = "call", _("通話")
    DECISION = "decision", _("判断")
    EVIDENCE = "evidence", _("証拠")
    VENDOR = "vendor", _("ベンダー")
    NOTICE = "notice", _("委託元への通知")
    DOCUMENT = "document", _("文書")


class TimelineEvent(models.Model):
    """One event of a case, written by the service that caused it (or a note/call a user adds). Append-only."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("種類"), max_length=12, choices=TimelineKind.choices)
    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("記録者"), max_length=254, blank=True)
    actor_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("内容"))
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("タイムライン")
        verbose_name_plural = _("タイムライン")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class Evidence(models.Model):
    """An uploaded file, stored encrypted in Django's default storage; ``sha256`` is of the plaintext.

    The ciphertext is bound to this row through ``file_key`` (associated data ``aad``), so a stored file swapped
    for another evidence file does not decrypt.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="evidence")
    file_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    storage_name = models.CharField(max_length=255, editable=False)
    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(_("種類"), max_length=100)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("説明"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=254, blank=True)
    uploaded_by_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("証拠")
        verbose_name_plural = _("証拠")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def aad(self) -> bytes:
        return b"incidents.evidence:" + self.file_key.bytes
