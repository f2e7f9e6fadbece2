"""Notices to the entrusting party (委託元への通知) and their acknowledgement by the hospital."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HospitalNotice(models.Model):
    """A letter from the contractor (the provider) to the hospital whose data it held.

    Draft until sent; a hospital registered in Sonae receives it in-app and by e-mail and acknowledges receipt.
    A hospital that is not registered (free-text name) gets the PDF by post or hand: such a notice is never sent
    in-app.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="hospital_notices"
    )
    hospital = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_notices",
        limit_choices_to={"kind": "hospital"},
        verbose_name=_("宛先の医療機関"),
    )
    recipient_name = models.CharField(_("宛先"), max_length=200)
    subject = models.CharField(_("件名"), max_length=200)
    letter_text = models.TextField(_("本文"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("受領確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("委託元への通知")
        verbose_name_plural = _("委託元への通知")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient_name} / {self.subject}"

    @property
    def state(self) -> str:
        if self.acknowledged_at:
            return "acknowledged"
        if self.sent_at:
            return "sent"
        return "draft"

    @property
    def state_label(self) -> str:
        return {"acknowledged": "受領確認済み", "sent": "送信済み（受領確認待ち）", "draft": "下書き"}[
            self.state
        ]
