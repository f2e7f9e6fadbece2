"""The desk's directory of specialist vendors and their dispatches to cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class VendorCategory(models.TextChoices):
    FORENSICS = "forensics", _("フォレンジック調査")
    LEGAL = "legal", _("法律相談（弁護士）")
    PR = "pr", _("広報・PR（謝罪広告・会見）")
    CALL_CENTRE = "call_centre", _("コールセンター")
    DATA_RECOVERY = "data_recovery", _("データ復旧")
    LETTER_PRINTING = "letter_printing", _("通知書の印刷・発送")


# Which coverage item a vendor's work is charged to (for claims later); programme coverage vocabulary.
VENDOR_COVERAGE_ITEM: dict[str, str] = {
    VendorCategory.FORENSICS: "investigation",
    VendorCategory.LEGAL: "legal_advice",
    VendorCategory.PR: "apology_ad",
    VendorCategory.CALL_CENTRE: "call_center",
    VendorCategory.DATA_RECOVERY: "data_recovery",
    VendorCategory.LETTER_PRINTING: "apology_letter",
}


class Vendor(models.Model):
    """A specialist company the desk can dispatch. Contact details are business contacts, not personal data."""

    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True)
    categories = models.JSONField(_("対応分野"), default=list)
    contact_name = models.CharField(_("担当窓口"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    notes = models.TextField(_("備考"), blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ベンダー")
        verbose_name_plural = _("ベンダー")
        ordering = ["name_kana", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_labels(self) -> list[str]:
        labels = dict(VendorCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories or []]


class VendorDispatch(models.Model):
    """The desk sending a vendor to a case; the work itself is the linked task (visible to the provider)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="dispatches")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="dispatches")
    category = models.CharField(_("依頼分野"), max_length=20, choices=VendorCategory.choices)
    scope = models.TextField(_("依頼内容"), blank=True)
    task = models.OneToOneField("incidents.Task", on_delete=models.PROTECT, related_name="dispatch")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField(_("手配日時"), default=timezone.now)

    class Meta:
        verbose_name = _("ベンダー手配")
        verbose_name_plural = _("ベンダー手配")
        ordering = ["-dispatched_at", "-id"]

    def __str__(self) -> str:
        return f"{self.vendor} → {self.incident.reference}"
