"""Claims: one lifecycle (``STATUS_TRANSITIONS``), lines that snapshot the expenses with what is eligible and
why, the events of every step (who, when, why) and the payment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.programme.coverage_items import PARTS, item_label

from .expenses import ITEM_CHOICES, PART_CHOICES


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("提出済み")
    UNDER_REVIEW = "under_review", _("審査中")
    INFO_REQUESTED = "info_requested", _("追加資料の依頼中")
    RESUBMITTED = "resubmitted", _("再提出済み")
    APPROVED = "approved", _("認定")
    PARTLY_APPROVED = "partly_approved", _("一部認定")
    REJECTED = "rejected", _("不支払")
    PAID = "paid", _("支払済み")
    WITHDRAWN = "withdrawn", _("取下げ")


# Issue 7 point 5: draft → submitted → under review → (more information requested ↔ resubmitted) → approved /
# partly approved / rejected → paid. A draft the provider gives up is withdrawn (its expenses are free again).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.DRAFT: frozenset({ClaimStatus.SUBMITTED, ClaimStatus.WITHDRAWN}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.UNDER_REVIEW}),
    ClaimStatus.UNDER_REVIEW: frozenset(
        {ClaimStatus.INFO_REQUESTED, ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.REJECTED}
    ),
    ClaimStatus.INFO_REQUESTED: frozenset({ClaimStatus.RESUBMITTED}),
    ClaimStatus.RESUBMITTED: frozenset(
        {
            ClaimStatus.UNDER_REVIEW,
            ClaimStatus.INFO_REQUESTED,
            ClaimStatus.APPROVED,
            ClaimStatus.PARTLY_APPROVED,
            ClaimStatus.REJECTED,
        }
    ),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.PARTLY_APPROVED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.REJECTED: frozenset(),
    ClaimStatus.PAID: frozenset(),
    ClaimStatus.WITHDRAWN: frozenset(),
}
# With the insurer, waiting for someone's action.
OPEN_STATUSES = frozenset(
    {ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW, ClaimStatus.INFO_REQUESTED, ClaimStatus.RESUBMITTED}
)
DECIDED_STATUSES = frozenset(
    {ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.REJECTED, ClaimStatus.PAID}
)
# Claims whose amounts use up the policy period's limits and sublimits (``already_paid`` of later claims).
USING_STATUSES = frozenset({ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID})


class Claim(models.Model):
    """A claim for the expenses of one incident under the policy in force when it was discovered.

    ``calculation`` holds the last stored calculation (``{"input": contract input, "output": contract output}``);
    ``usage`` what this claim took from the policy period's limits once decided (``parts``, ``items``,
    ``deductible`` per part), read by later claims of the same policy as ``already_paid``.
    """

    number = models.CharField(_("請求番号"), max_length=30, unique=True)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="claims")
    policy = models.ForeignKey("enrolment.Policy", on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(
        _("状態"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    amount_expenses = models.PositiveBigIntegerField(_("費用の合計（円）"), default=0)
    amount_calculated = models.PositiveBigIntegerField(_("計算上の支払額（円）"), default=0)
    amount_requested = models.PositiveBigIntegerField(_("請求額（円）"), null=True, blank=True)
    amount_approved = models.PositiveBigIntegerField(_("認定額（円）"), null=True, blank=True)
    amount_paid = models.PositiveBigIntegerField(_("支払額（円）"), null=True, blank=True)
    calculation = models.JSONField(default=dict, blank=True)
    usage = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("保険会社への連絡事項"), blank=True)
    decision_reason = models.TextField(_("認定・不支払の理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("状態の変更日時"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("認定日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    paid_at = models.DateTimeField(_("支払記録日時"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("保険金請求")
        verbose_name_plural = _("保険金請求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["policy", "status"], name="claims_claim_policy_status")]

    def __str__(self) -> str:
        return self.number

    def allowed_transitions(self) -> list[str]:
        return sorted(STATUS_TRANSITIONS.get(self.status, ()), key=list(ClaimStatus.values).index)

    @property
    def is_draft(self) -> bool:
        return self.status == ClaimStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES


class ClaimLine(models.Model):
    """One expense as claimed: a snapshot of the expense, the amount put into the calculation and what it made
    eligible, with the reasons (contract codes, plus ``approval_cap`` and ``adjusted`` of Sonae's own)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    expense = models.ForeignKey("claims.Expense", on_delete=models.PROTECT, related_name="claim_lines")
    position = models.PositiveIntegerField(default=0)
    spent_on = models.DateField(_("支払日・発生日"))
    payee = models.CharField(_("支払先"), max_length=200)
    description = models.CharField(_("内容"), max_length=1000, blank=True)
    part = models.CharField(_("補償区分"), max_length=30, choices=PART_CHOICES)
    item = models.CharField(_("費用項目"), max_length=30, choices=ITEM_CHOICES)
    amount = models.PositiveBigIntegerField(_("金額（円）"))
    individuals = models.PositiveIntegerField(null=True, blank=True)
    corporations = models.PositiveIntegerField(null=True, blank=True)
    consent = models.BooleanField(default=False)
    prior_approval = models.BooleanField(default=False)
    approval_number = models.CharField(max_length=30, blank=True)
    accepted_amount = models.PositiveBigIntegerField(_("保険会社の査定額（円）"), null=True, blank=True)
    adjustment_reason = models.CharField(_("査定の理由"), max_length=500, blank=True)
    claimed_amount = models.PositiveBigIntegerField(_("計算に用いた額（円）"), default=0)
    eligible = models.PositiveBigIntegerField(_("支払対象額（円）"), default=0)
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("請求明細")
        verbose_name_plural = _("請求明細")
        ordering = ["claim", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "expense"], name="claims_line_once_per_claim")
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} #{self.position}"

    @property
    def item_label(self) -> str:
        return item_label(self.item)

    @property
    def part_label(self) -> str:
        return PARTS.get(self.part, self.part)


class ClaimEvent(models.Model):
    """One step of a claim's life, shown on the claim screen (the audit log holds the same, hash-chained)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("日時"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作者"), max_length=254, blank=True)
    actor_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ClaimStatus.choices)
    reason = models.TextField(_("理由・連絡事項"), blank=True)
    amount = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("請求の経過")
        verbose_name_plural = _("請求の経過")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.claim.number} {self.from_status}→{self.to_status}"


class Payment(models.Model):
    """The insurer's payment of an approved claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveBigIntegerField(_("支払額（円）"))
    paid_on = models.DateField(_("支払日"))
    reference = models.CharField(_("振込の管理番号など"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=254, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("保険金の支払")
        verbose_name_plural = _("保険金の支払")
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.claim.number} {self.amount:,}円"


class NumberCounter(models.Model):
    """Last number drawn per key (``CLM-2025``, ``APR-2025``), locked (SELECT … FOR UPDATE) while drawing."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("採番")
        verbose_name_plural = _("採番")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"
