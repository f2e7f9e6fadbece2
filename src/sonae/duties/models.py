"""Assessments of a case's legal duties (versioned, never edited) and the duties they give rise to.

- ``DutyAssessment``: one run of the engine on the facts known at one moment. ``facts`` is the contract's input
  (complete and normalised: every field, defaults filled in) and ``result`` its output (duties-contract.md). Each
  change of facts makes a new version; an old version is never changed except for its ``status``.
- ``DutyItem``: one duty of the case (e.g. the PPC preliminary report), one row per kind and case. Every new
  version updates its due date and basis; the done-mark (when it was done, by whom, the PPC reception number)
  stays with the case across versions. A duty that a later version no longer requires keeps its record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AssessmentStatus(models.TextChoices):
    CURRENT = "current", _("最新")
    CONFIRMED = "confirmed", _("最新（確認済み）")
    SUPERSEDED = "superseded", _("以前の版")


# A new version supersedes the latest one; the latest may be confirmed by a person (desk or provider) once read.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    AssessmentStatus.CURRENT: frozenset({AssessmentStatus.CONFIRMED, AssessmentStatus.SUPERSEDED}),
    AssessmentStatus.CONFIRMED: frozenset({AssessmentStatus.SUPERSEDED}),
    AssessmentStatus.SUPERSEDED: frozenset(),
}
LATEST_STATUSES = frozenset({AssessmentStatus.CURRENT, AssessmentStatus.CONFIRMED})


class DutyAssessment(models.Model):
    """One version of the legal assessment of a case (facts in, duties out)."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="duty_assessments"
    )
    version = models.PositiveIntegerField(_("版"))
    status = models.CharField(
        _("状態"), max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.CURRENT
    )
    facts = models.JSONField(_("事実（判定の入力）"))
    result = models.JSONField(_("判定結果"))
    # Who the entrusting party is does not change the duties, but the drafts and the checklist name it.
    entrusting_hospital = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "hospital"},
        verbose_name=_("委託元の医療機関"),
    )
    entrusting_party_name = models.CharField(_("委託元の名称"), max_length=200, blank=True)
    note = models.CharField(_("変更の理由・メモ"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(_("判定者"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("判定日時"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("法的対応の判定")
        verbose_name_plural = _("法的対応の判定")
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="duty_assessment_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} 第{self.version}版"

    @property
    def is_latest(self) -> bool:
        return self.status in LATEST_STATUSES

    @property
    def entrusting_party_display(self) -> str:
        if self.entrusting_hospital_id:
            return self.entrusting_hospital.name
        return self.entrusting_party_name


class DutyKind(models.TextChoices):
    PPC_PRELIMINARY = "ppc_preliminary", _("個人情報保護委員会への速報")
    PPC_FINAL = "ppc_final", _("個人情報保護委員会への確報")
    ENTRUSTING_PARTY_NOTICE = "entrusting_party_notice", _("委託元への通知")
    INDIVIDUAL_NOTICE = "individual_notice", _("本人への通知")
    MY_NUMBER_PRELIMINARY = "my_number_preliminary", _("マイナンバー法の速報")
    MY_NUMBER_FINAL = "my_number_final", _("マイナンバー法の確報")
    MY_NUMBER_INDIVIDUAL_NOTICE = "my_number_individual_notice", _("マイナンバー法による本人への通知")
    # The entrusting party's own duties (R7): shown for information, no task, no done-mark.
    ENTRUSTING_PARTY_PRELIMINARY = "entrusting_party_preliminary", _("（参考）委託元の速報")
    ENTRUSTING_PARTY_FINAL = "entrusting_party_final", _("（参考）委託元の確報")
    ENTRUSTING_PARTY_INDIVIDUAL_NOTICE = (
        "entrusting_party_individual_notice",
        _("（参考）委託元による本人への通知"),
    )


INFORMATIONAL_KINDS = frozenset(
    {
        DutyKind.ENTRUSTING_PARTY_PRELIMINARY,
        DutyKind.ENTRUSTING_PARTY_FINAL,
        DutyKind.ENTRUSTING_PARTY_INDIVIDUAL_NOTICE,
    }
)


class DueType(models.TextChoices):
    TARGET = "target", _("目安")  # a soft target (R3, R5): never rolled
    DEADLINE = "deadline", _("期限")  # a due date (R1, R2)
    PROMPTLY = "promptly", _("速やかに")  # no day count (Enforcement Rules art. 10)


class DutyItem(models.Model):
    """One duty of a case, kept up to date by each assessment version; its done-mark survives new versions."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="duty_items")
    kind = models.CharField(_("義務"), max_length=40, choices=DutyKind.choices)
    assessment = models.ForeignKey(
        DutyAssessment, on_delete=models.PROTECT, related_name="items", verbose_name=_("判定の版")
    )
    required = models.BooleanField(_("最新の判定で必要"), default=True)
    due_date = models.DateField(_("期限・目安"), null=True, blank=True)
    due_type = models.CharField(_("期限の種類"), max_length=10, choices=DueType.choices)
    basis = models.JSONField(_("根拠"), default=list)
    done_at = models.DateTimeField(_("実施日時"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by_label = models.CharField(_("記録者"), max_length=254, blank=True)
    reference_number = models.CharField(_("受付番号等"), max_length=100, blank=True)
    task = models.ForeignKey(
        "incidents.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The due date the on-the-day reminder was sent for (the day-before reminder is claimed on the task).
    reminded_on_day_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("法的対応の義務")
        verbose_name_plural = _("法的対応の義務")
        ordering = ["incident", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind"], name="duty_item_kind_unique")]
        indexes = [models.Index(fields=["required", "due_date"], name="duty_item_required_due")]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.get_kind_display()}"

    @property
    def informational(self) -> bool:
        return self.kind in INFORMATIONAL_KINDS

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
