"""Prior approvals and consents: the provider asks before spending on litigation or condolence gifts; the insurer
approves, approves a lower amount, or refuses, with a reason (issue 7 point 3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.programme.coverage_items import item_label

from .expenses import ITEM_CHOICES, PART_CHOICES


class ApprovalKind(models.TextChoices):
    # insurance-and-sector.md §2.1, §2.4, §7: 争訟費用 need the insurer's prior approval; 見舞金・見舞品 its consent.
    PRIOR_APPROVAL = "prior_approval", _("事前承認")
    CONSENT = "consent", _("同意")


class ApprovalStatus(models.TextChoices):
    REQUESTED = "requested", _("審査待ち")
    APPROVED = "approved", _("承認")
    REDUCED = "reduced", _("減額して承認")
    REFUSED = "refused", _("不承認")
    WITHDRAWN = "withdrawn", _("取下げ")


APPROVAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ApprovalStatus.REQUESTED: frozenset(
        {ApprovalStatus.APPROVED, ApprovalStatus.REDUCED, ApprovalStatus.REFUSED, ApprovalStatus.WITHDRAWN}
    ),
    ApprovalStatus.APPROVED: frozenset(),
    ApprovalStatus.REDUCED: frozenset(),
    ApprovalStatus.REFUSED: frozenset(),
    ApprovalStatus.WITHDRAWN: frozenset(),
}
GRANTED_STATUSES = frozenset({ApprovalStatus.APPROVED, ApprovalStatus.REDUCED})


class PriorApproval(models.Model):
    """A request for the insurer's prior approval (or consent) of one kind of spending on a case."""

    number = models.CharField(_("依頼番号"), max_length=30, unique=True)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="approvals")
    policy = models.ForeignKey("enrolment.Policy", on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(_("種類"), max_length=20, choices=ApprovalKind.choices)
    part = models.CharField(_("補償区分"), max_length=30, choices=PART_CHOICES)
    item = models.CharField(_("費用項目"), max_length=30, choices=ITEM_CHOICES)
    amount_requested = models.PositiveBigIntegerField(_("予定額（円）"))
    reason = models.TextField(_("必要な理由"))
    individuals = models.PositiveIntegerField(_("見舞の対象（個人の人数）"), null=True, blank=True)
    corporations = models.PositiveIntegerField(_("見舞の対象（法人の数）"), null=True, blank=True)
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.REQUESTED,
        db_index=True,
    )
    amount_approved = models.PositiveBigIntegerField(_("承認額（円）"), null=True, blank=True)
    decision_reason = models.TextField(_("判断の理由"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_label = models.CharField(max_length=254, blank=True)
    requested_at = models.DateTimeField(_("依頼日時"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_label = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("事前承認・同意")
        verbose_name_plural = _("事前承認・同意")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_requested__gte=1), name="claims_approval_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item_label}"

    @property
    def item_label(self) -> str:
        return item_label(self.item)

    @property
    def is_granted(self) -> bool:
        return self.status in GRANTED_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.REQUESTED
