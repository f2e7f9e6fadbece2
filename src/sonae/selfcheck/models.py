"""Self-checks, vendor checklists, exposure estimates and the cyber-BCP of a provider organisation.

Scores, bands and summaries are computed by the pure rules (``selfcheck.rules``) when a record is written and stored
with it, so history keeps what the user saw even when question wording changes later.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sonae.core.fields import EncryptedJSONField, EncryptedModel
from sonae.core.models import Organisation, User

from .rules import bcp as bcp_rules
from .rules.scoring import BANDS, MAX_SCORE, MIN_SCORE

BAND_CHOICES = [(band.code, band.label) for band in BANDS]


class SelfCheck(models.Model):
    """One completed security self-check (25 answers) with its score and band."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="self_checks")
    taken_at = models.DateTimeField(_("実施日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    taken_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    questions_version = models.CharField(_("設問の版"), max_length=20)
    answers = models.JSONField(_("回答"), default=dict)
    score = models.SmallIntegerField(_("点数"))
    band = models.CharField(_("評価"), max_length=20, choices=BAND_CHOICES)
    part_scores = models.JSONField(_("分野別の点数"), default=dict)

    class Meta:
        verbose_name = _("セルフチェック")
        verbose_name_plural = _("セルフチェック")
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-taken_at"], name="selfcheck_org_taken")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="selfcheck_score_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.score}点"


class VendorChecklist(models.Model):
    """One filled-in sector checklist (MHLW vendor form structure): はい/いいえ per item, target dates for いいえ."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="vendor_checklists")
    checked_on = models.DateField(_("確認日"))
    answers = models.JSONField(_("回答"), default=dict)
    yes_count = models.PositiveSmallIntegerField(_("はいの数"), default=0)
    no_count = models.PositiveSmallIntegerField(_("いいえの数"), default=0)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("事業者向けチェックリスト")
        verbose_name_plural = _("事業者向けチェックリスト")
        ordering = ["-checked_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-checked_on"], name="selfcheck_vcl_org_checked")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.checked_on}"


class ExposureEstimate(models.Model):
    """A saved exposure estimate: inputs, the JO-model damages, response costs and the plan comparison."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="exposure_estimates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    programme_year = models.ForeignKey(
        "programme.ProgrammeYear", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    persons = models.PositiveIntegerField(_("人数"))
    damages = models.BigIntegerField(_("想定損害賠償額"))
    costs_high = models.BigIntegerField(_("対応費用（上限）"))
    result = models.JSONField(_("試算結果"), default=dict)
    comparisons = models.JSONField(_("プランとの比較"), default=list)

    class Meta:
        verbose_name = _("リスク試算")
        verbose_name_plural = _("リスク試算")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="selfcheck_exp_org_created")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.persons}人"


class BcpPlan(EncryptedModel):
    """The organisation's cyber-BCP. The contact chart holds people's names and phone numbers: encrypted."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="bcp_plan")
    status = models.CharField(
        _("状態"), max_length=10, choices=list(bcp_rules.STATUS_LABELS.items()), default=bcp_rules.DRAFT
    )
    contacts = EncryptedJSONField(_("連絡体制"), default=list)
    systems = models.JSONField(_("システムとデータ"), default=list, blank=True)
    paper_operations = models.JSONField(_("紙運用"), default=list, blank=True)
    backups = models.JSONField(_("バックアップ"), default=list, blank=True)
    drills = models.JSONField(_("訓練の記録"), default=list, blank=True)
    step_notes = models.JSONField(_("各段階の手順"), default=dict, blank=True)
    adopted_at = models.DateTimeField(_("策定日時"), null=True, blank=True)
    reviewed_on = models.DateField(_("最終見直し日"), null=True, blank=True)
    review_reminded_for = models.DateField(_("見直し通知済みの期限"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("サイバーBCP")
        verbose_name_plural = _("サイバーBCP")

    def __str__(self) -> str:
        return f"{self.organisation} サイバーBCP"

    @property
    def next_review_due(self):
        return bcp_rules.next_review_due(self.reviewed_on)
