"""Programme years: the period of cover, the deadlines and the desk's calendar, as data."""

from __future__ import annotations

from datetime import date, time

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def default_closure_days() -> list[str]:
    return ["12-29", "12-30", "12-31", "01-01", "01-02", "01-03"]


class ProgrammeYear(models.Model):
    """One year of the group programme (e.g. 2025年度: 2025-10-01 16:00 JST → 2026-10-01 16:00 JST).

    ``terms`` holds the plans, coverage terms and rating table loaded from the versioned year file.
    """

    code = models.CharField(_("年度コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    period_start = models.DateTimeField(_("保険期間開始"))
    period_end = models.DateTimeField(_("保険期間終了"))
    quote_deadline = models.DateField(_("見積依頼締切"), null=True, blank=True)
    application_deadline = models.DateField(_("加入依頼書・保険料払込締切"), null=True, blank=True)
    closure_days = models.JSONField(_("休業日（毎年・MM-DD）"), default=default_closure_days, blank=True)
    extra_closed_dates = models.JSONField(_("臨時休業日（YYYY-MM-DD）"), default=list, blank=True)
    business_opens_at = models.TimeField(_("受付対応開始時刻"), default=time(9, 0))
    business_closes_at = models.TimeField(_("受付対応終了時刻"), default=time(17, 0))
    desk_response_minutes = models.PositiveIntegerField(_("初動対応目標（営業時間・分）"), default=60)
    terms = models.JSONField(_("制度データ（プラン・補償・料率）"), default=dict, blank=True)
    terms_version = models.CharField(_("制度データ版"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("制度年度")
        verbose_name_plural = _("制度年度")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="period_order"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def closure_pairs(self) -> tuple[tuple[int, int], ...]:
        pairs = []
        for item in self.closure_days or []:
            month, day = str(item).split("-")
            pairs.append((int(month), int(day)))
        return tuple(pairs)

    def extra_closed(self) -> frozenset[date]:
        return frozenset(date.fromisoformat(d) for d in (self.extra_closed_dates or []))
