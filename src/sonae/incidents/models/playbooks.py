"""Playbooks as data: a template per category with its steps, edited in the admin, seeded from playbooks.yaml."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.incidents import triage
from sonae.programme.coverage_items import ITEMS


class Phase(models.TextChoices):
    """The flyer's response flow (issue 4 point 4; DESIGN §4), in order."""

    DETECTION = "detection", _("漏えいのおそれの確認（検知）")
    INVESTIGATION = "investigation", _("原因調査")
    INQUIRIES = "inquiries", _("問い合わせ対応・人員増強")
    PUBLIC_APOLOGY = "public_apology", _("謝罪広告・会見")
    VICTIM_APOLOGY = "victim_apology", _("被害者への謝罪文・見舞品")
    PREVENTION = "prevention", _("再発防止策")
    RECOVERY = "recovery", _("データ復旧")
    AUTHORITIES = "authorities", _("公的機関への報告文書")


class StepOwner(models.TextChoices):
    PROVIDER = "provider", _("事業者")
    DESK = "desk", _("デスク")


class StepCondition(models.TextChoices):
    ALWAYS = "always", _("常に")
    PERSONAL_DATA = "personal_data", _("個人データの漏えい等のおそれがある場合")
    ENTRUSTED = "entrusted", _("委託を受けた情報が含まれる場合")


COVERAGE_ITEM_CHOICES = [(code, label) for code, (_part, label) in ITEMS.items()]


class PlaybookTemplate(models.Model):
    """The steps seeded as tasks when a case of ``category`` is opened; a blank category is the fallback."""

    code = models.SlugField(_("コード"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    category = models.CharField(
        _("対象の分類"),
        max_length=30,
        choices=list(triage.CATEGORIES.items()),
        blank=True,
        help_text=_("空欄は、専用の手順がない分類に使う共通の手順です。"),
    )
    description = models.TextField(_("説明"), blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("対応手順（プレイブック）")
        verbose_name_plural = _("対応手順（プレイブック）")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name


class PlaybookStep(models.Model):
    template = models.ForeignKey(PlaybookTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("順序"), default=0)
    phase = models.CharField(_("段階"), max_length=20, choices=Phase.choices)
    title = models.CharField(_("タスク名"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    owner = models.CharField(_("担当"), max_length=10, choices=StepOwner.choices, default=StepOwner.PROVIDER)
    due_business_days = models.PositiveSmallIntegerField(
        _("期限（対応開始から営業日）"), default=1, help_text=_("0 は対応開始日当日。")
    )
    coverage_item = models.CharField(
        _("費用の補償項目"), max_length=30, choices=COVERAGE_ITEM_CHOICES, blank=True
    )
    condition = models.CharField(
        _("作成する条件"), max_length=20, choices=StepCondition.choices, default=StepCondition.ALWAYS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("対応手順のステップ")
        verbose_name_plural = _("対応手順のステップ")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return f"{self.template.code} #{self.order} {self.title}"
