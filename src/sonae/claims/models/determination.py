"""The insurer's coverage decision on an incident (issue 12 point 3): the facts it confirmed, the determination they
gave, and — where the insurer departs from it — an override with a written reason.

Append-only: every decision is a new row and the latest one counts, so the rows themselves are the history (the
audit log holds the same, hash-chained). A claim on an incident whose coverage is not confirmed cannot be approved
(``services.coverage.require_coverage_confirmed``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoverageOutcome(models.TextChoices):
    COVERED = "covered", _("補償対象")
    NEEDS_REVIEW = "needs_review", _("要確認")
    NOT_COVERED = "not_covered", _("補償対象外")


class CoverageOverride(models.TextChoices):
    NONE = "", _("判定どおり")
    COVERED = "covered", _("補償対象と認める")
    NOT_COVERED = "not_covered", _("補償対象外とする")


class CoverageDecision(models.Model):
    """One decision of the insurer on whether an incident is covered."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="coverage_decisions"
    )
    policy = models.ForeignKey(
        "enrolment.Policy", null=True, blank=True, on_delete=models.PROTECT, related_name="coverage_decisions"
    )
    facts = models.JSONField(_("確認した事実（免責事由）"), default=dict, blank=True)
    determined_outcome = models.CharField(_("判定"), max_length=16, choices=CoverageOutcome.choices)
    determination = models.JSONField(_("判定の内容"), default=dict, blank=True)
    override = models.CharField(
        _("判定の変更"), max_length=16, choices=CoverageOverride.choices, blank=True, default=""
    )
    outcome = models.CharField(_("保険会社の判断"), max_length=16, choices=CoverageOutcome.choices)
    reason = models.TextField(_("理由"), blank=True)
    terms_version = models.CharField(_("制度データ版"), max_length=40, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_label = models.CharField(_("判断者"), max_length=254, blank=True)
    decided_by_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("判断日時"), default=timezone.now)

    class Meta:
        verbose_name = _("補償の判断")
        verbose_name_plural = _("補償の判断")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["incident", "-decided_at"], name="claims_coverage_latest")]
        constraints = [
            # An override always carries its written reason (issue 12 point 3).
            models.CheckConstraint(
                condition=models.Q(override="") | ~models.Q(reason=""), name="claims_coverage_override_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.outcome}"

    @property
    def is_override(self) -> bool:
        return bool(self.override)

    @property
    def confirms_cover(self) -> bool:
        return self.outcome == CoverageOutcome.COVERED
