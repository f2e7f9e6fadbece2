"""Expenses of a case and the files attached to expenses and approval requests (stored encrypted)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.programme.coverage_items import ITEMS, PARTS, item_label

PART_CHOICES = list(PARTS.items())
ITEM_CHOICES = [(code, label) for code, (_part, label) in ITEMS.items()]


class Expense(models.Model):
    """One cost the provider incurred on a case, mapped to a coverage part and item.

    Editable (and deletable) until it is claimed: while it belongs to no claim, or to a claim still in draft.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("支払日・発生日"))
    amount = models.PositiveBigIntegerField(_("金額（円・税込）"))
    payee = models.CharField(_("支払先"), max_length=200)
    description = models.CharField(_("内容"), max_length=1000, blank=True)
    task = models.ForeignKey(
        "incidents.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("対応タスク"),
    )
    part = models.CharField(_("補償区分"), max_length=30, choices=PART_CHOICES)
    item = models.CharField(_("費用項目"), max_length=30, choices=ITEM_CHOICES)
    # What Sonae suggested from the task when the expense was recorded; kept to show the user's confirmation.
    item_suggested = models.CharField(_("提案された費用項目"), max_length=30, blank=True)
    individuals = models.PositiveIntegerField(_("見舞の対象（個人の人数）"), null=True, blank=True)
    corporations = models.PositiveIntegerField(_("見舞の対象（法人の数）"), null=True, blank=True)
    approval = models.ForeignKey(
        "claims.PriorApproval",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=_("事前承認・同意"),
    )
    claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expenses",
        verbose_name=_("保険金請求"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("費用")
        verbose_name_plural = _("費用")
        ordering = ["incident", "spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=1), name="claims_expense_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.payee} {self.amount:,}円"

    @property
    def item_label(self) -> str:
        return item_label(self.item)

    @property
    def part_label(self) -> str:
        return PARTS.get(self.part, self.part)

    @property
    def is_editable(self) -> bool:
        """Editable until claimed: not in a claim, or in a claim that is still a draft."""
        return self.claim_id is None or self.claim.status == "draft"


class AttachmentKind(models.TextChoices):
    RECEIPT = "receipt", _("領収書・請求書")
    QUOTE = "quote", _("見積書")
    OTHER = "other", _("その他の資料")


class Attachment(models.Model):
    """A file attached to an expense (receipt, invoice) or to an approval request (quotes), stored encrypted in
    Django's default storage. ``sha256`` is of the plaintext; the ciphertext is bound to this row by ``aad``."""

    expense = models.ForeignKey(
        Expense, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    approval = models.ForeignKey(
        "claims.PriorApproval", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(
        _("種類"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.RECEIPT
    )
    file_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    storage_name = models.CharField(max_length=255, editable=False)
    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(_("形式"), max_length=100)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=254, blank=True)
    uploaded_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("添付資料")
        verbose_name_plural = _("添付資料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(expense__isnull=False, approval__isnull=True)
                    | models.Q(expense__isnull=True, approval__isnull=False)
                ),
                name="claims_attachment_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def aad(self) -> bytes:
        return b"claims.attachment:" + self.file_key.bytes

    @property
    def incident(self):
        return self.expense.incident if self.expense_id else self.approval.incident
