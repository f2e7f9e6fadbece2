"""Enrolment records: the roster of certified businesses, quotes, applications, deposits and policies.

Lifecycles (quote, application, policy) each have one ``STATUS_TRANSITIONS`` map, checked by one
``<entity>_transition`` service in ``services``. Money is int yen; instants are aware; deadlines are Tokyo dates.
Business data only: the representative named on an application is an officer of a company (a registered,
public fact of the 商業登記), so no field here holds a private individual's personal data.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.core.models import Organisation
from sonae.programme.businesses import CHOICES as BUSINESS_CHOICES
from sonae.programme.businesses import UNITS, business_label
from sonae.programme.joining import JOINING_LABELS
from sonae.programme.models import ProgrammeYear

UNIT_CHOICES = list(UNITS.items())
JOINING_CHOICES = list(JOINING_LABELS.items())


class NumberSequence(models.Model):
    """Counters for human-readable numbers (Q-2025-00001 …), incremented under a row lock."""

    key = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class RosterEntry(models.Model):
    """A certified business on the Foundation's roster, keyed by its corporate number (法人番号)."""

    corporate_number = models.CharField(_("法人番号"), max_length=13, unique=True)
    name = models.CharField(_("事業者名"), max_length=200)
    name_kana = models.CharField(_("事業者名（カナ）"), max_length=200, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    prefecture = models.CharField(_("都道府県"), max_length=10, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="roster_entries"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定事業者（名簿）")
        verbose_name_plural = _("認定事業者名簿")
        ordering = ["name_kana", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.corporate_number}）"


class Certification(models.Model):
    """One certified 業務 of a roster business (per facility or per business) with its validity."""

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="certifications")
    business = models.CharField(_("認定業務"), max_length=40, choices=BUSINESS_CHOICES, db_index=True)
    unit = models.CharField(_("認定単位"), max_length=10, choices=UNIT_CHOICES)
    facility_name = models.CharField(_("施設名"), max_length=200, blank=True)
    certified_from = models.DateField(_("認定日"))
    valid_until = models.DateField(_("有効期限"))
    certificate_number = models.CharField(_("認定番号"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("認定")
        verbose_name_plural = _("認定")
        ordering = ["entry", "business", "facility_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("certified_from")), name="cert_order"
            )
        ]

    def __str__(self) -> str:
        return f"{business_label(self.business)}（{self.valid_until}まで）"

    def valid_on(self, day: date) -> bool:
        return self.certified_from <= day <= self.valid_until


class RosterImport(models.Model):
    """An uploaded roster file, validated and waiting to be committed (nothing touches the roster before)."""

    class Status(models.TextChoices):
        VALIDATED = "validated", _("検証済（未反映）")
        COMMITTED = "committed", _("反映済")
        DISCARDED = "discarded", _("破棄")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(_("ファイル名"), max_length=200)
    encoding = models.CharField(_("文字コード"), max_length=20)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.VALIDATED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    rows = models.JSONField(default=list, blank=True)
    accepted_valid_only = models.BooleanField(default=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("名簿取込")
        verbose_name_plural = _("名簿取込")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


class Quote(models.Model):
    """お見積りシート: the inputs, the premium of each chosen plan with its breakdown, valid until the deadline."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("発行済")
        ACCEPTED = "accepted", _("申込へ進んだ")
        DECLINED = "declined", _("見送り")

    STATUS_TRANSITIONS = {
        Status.ISSUED: {Status.ACCEPTED, Status.DECLINED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
    }

    class ScoreSource(models.TextChoices):
        SELFCHECK = "selfcheck", _("セルフチェック")
        ENTERED = "entered", _("申告")
        NONE = "none", _("未回答")

    number = models.CharField(_("見積番号"), max_length=30, unique=True)
    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="quotes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="quotes")
    roster_entry = models.ForeignKey(RosterEntry, on_delete=models.PROTECT, related_name="quotes")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    joining = models.CharField(_("加入区分"), max_length=10, choices=JOINING_CHOICES)
    cover_start = models.DateTimeField(_("保険始期"))
    cover_end = models.DateTimeField(_("保険終期"))
    quote_deadline = models.DateField(_("見積依頼締切"))
    application_deadline = models.DateField(_("加入依頼書・払込締切"))
    months = models.PositiveSmallIntegerField(_("月数（中途加入）"), null=True, blank=True)
    company_name = models.CharField(_("事業者名"), max_length=200)
    company_kana = models.CharField(_("事業者名（カナ）"), max_length=200, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    corporate_number = models.CharField(_("法人番号"), max_length=13)
    business_codes = models.JSONField(_("認定業務"), default=list)
    annual_sales = models.BigIntegerField(_("直近会計年度の売上高（税込）"))
    records_held = models.PositiveIntegerField(_("保有する個人データの人数"))
    employees = models.PositiveIntegerField(_("従業員数"))
    security_score = models.SmallIntegerField(_("セキュリティ自己診断の点数"), null=True, blank=True)
    security_score_source = models.CharField(
        max_length=10, choices=ScoreSource.choices, default=ScoreSource.NONE
    )
    incidents_5y = models.PositiveSmallIntegerField(_("過去5年の事故件数"), default=0)
    plans = models.JSONField(_("見積プラン"), default=list)
    premiums = models.JSONField(_("保険料（プラン別内訳）"), default=dict)
    terms_version = models.CharField(max_length=40)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("発行日時"))
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("見積")
        verbose_name_plural = _("見積")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def valid_until(self) -> date:
        return self.application_deadline

    def premium_for(self, plan: str) -> int:
        return int(self.premiums[plan]["premium"])

    @property
    def business_labels(self) -> list[str]:
        return [business_label(c) for c in self.business_codes]


class Application(models.Model):
    """加入依頼書: declarations, consent and representative, reviewed by the agency."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("作成中")
        SUBMITTED = "submitted", _("提出済")
        RETURNED = "returned", _("差戻し")
        ACCEPTED = "accepted", _("受理")
        WITHDRAWN = "withdrawn", _("取下げ")

    STATUS_TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.ACCEPTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.RETURNED, Status.ACCEPTED, Status.WITHDRAWN},
        Status.RETURNED: {Status.SUBMITTED, Status.ACCEPTED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.WITHDRAWN: set(),
    }

    number = models.CharField(_("加入依頼番号"), max_length=30, unique=True)
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="application")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="applications")
    plan = models.CharField(_("プラン"), max_length=10)
    premium = models.PositiveIntegerField(_("保険料"))
    past_incidents = models.BooleanField(_("過去5年以内の情報漏えい等の事故"), default=False)
    past_incidents_detail = models.TextField(_("事故の内容"), blank=True)
    known_circumstances = models.BooleanField(_("保険金請求につながるおそれのある事実の認識"), default=False)
    known_circumstances_detail = models.TextField(_("事実の内容"), blank=True)
    consent = models.BooleanField(_("重要事項・約款への同意"), default=False)
    consented_at = models.DateTimeField(null=True, blank=True)
    representative_name = models.CharField(_("代表者氏名"), max_length=100, blank=True)
    representative_title = models.CharField(_("代表者役職"), max_length=100, blank=True)
    payer_kana = models.CharField(_("振込依頼人名（カナ）"), max_length=200, blank=True)
    payer_key = models.CharField(max_length=200, blank=True, db_index=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("差戻し理由"), blank=True)
    accepted_at = models.DateTimeField(_("受理日時"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    late_reason = models.TextField(_("期限後受理の理由"), blank=True)
    overpayment_note = models.TextField(_("過入金の処理"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("加入依頼")
        verbose_name_plural = _("加入依頼")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def deadline(self) -> date:
        return self.quote.application_deadline

    @property
    def paid_total(self) -> int:
        return sum(d.amount for d in self.deposits.all() if d.status == Deposit.Status.MATCHED)

    @property
    def outstanding(self) -> int:
        return self.premium - self.paid_total

    @property
    def payment_status(self) -> str:
        """unpaid / partial / paid / overpaid — partial and over-payment are states to resolve, never 'paid'."""
        paid = self.paid_total
        if paid == 0:
            return "unpaid"
        if paid < self.premium:
            return "partial"
        if paid > self.premium:
            return "overpaid"
        return "paid"

    @property
    def payment_status_label(self) -> str:
        return PAYMENT_STATUS_LABELS[self.payment_status]


PAYMENT_STATUS_LABELS = {
    "unpaid": "未入金",
    "partial": "一部入金（不足）",
    "paid": "入金済",
    "overpaid": "過入金",
}


class DepositImport(models.Model):
    """A bank deposit list uploaded by the agency."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(_("ファイル名"), max_length=200)
    encoding = models.CharField(_("文字コード"), max_length=20)
    rows_total = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_matched = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("入金明細取込")
        verbose_name_plural = _("入金明細取込")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class Deposit(models.Model):
    """One line of a bank deposit list and what it was matched to."""

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("未消込")
        MATCHED = "matched", _("消込済")
        IGNORED = "ignored", _("対象外")

    class Match(models.TextChoices):
        EXACT = "exact", _("一致")
        PARTIAL = "partial", _("不足")
        OVER = "over", _("過大")

    deposit_import = models.ForeignKey(
        DepositImport, null=True, on_delete=models.SET_NULL, related_name="deposits"
    )
    line = models.PositiveIntegerField(default=0)
    deposited_on = models.DateField(_("入金日"))
    payer_name = models.CharField(_("振込依頼人名"), max_length=200)
    payer_key = models.CharField(max_length=200, db_index=True)
    amount = models.PositiveIntegerField(_("金額"))
    fingerprint = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="deposits"
    )
    match_kind = models.CharField(_("照合結果"), max_length=10, choices=Match.choices, blank=True)
    matched_automatically = models.BooleanField(default=False)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("メモ"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("入金")
        verbose_name_plural = _("入金")
        ordering = ["-deposited_on", "line"]
        # The payments page: the unmatched deposits by date, and the last ones matched (every deposit of every
        # year stays in the table).
        indexes = [
            models.Index(fields=["status", "deposited_on"], name="deposit_status_deposited"),
            models.Index(fields=["-matched_at", "-id"], name="deposit_matched"),
        ]

    def __str__(self) -> str:
        return f"{self.deposited_on} {self.payer_name} {self.amount:,}円"


class Policy(models.Model):
    """The insurance in force for one insured, issued when its application is accepted and paid."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("有効")
        CANCELLED = "cancelled", _("解約")

    STATUS_TRANSITIONS = {Status.IN_FORCE: {Status.CANCELLED}, Status.CANCELLED: set()}

    number = models.CharField(_("証券番号"), max_length=30, unique=True)
    number_key = models.CharField(max_length=30, db_index=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="policy")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="policies")
    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.PROTECT, related_name="policies")
    plan = models.CharField(_("プラン"), max_length=10)
    premium = models.PositiveIntegerField(_("保険料"))
    joining = models.CharField(_("加入区分"), max_length=10, choices=JOINING_CHOICES)
    cover_start = models.DateTimeField(_("保険始期"))
    cover_end = models.DateTimeField(_("保険終期"))
    insured_name = models.CharField(_("被保険者"), max_length=200)
    corporate_number = models.CharField(_("法人番号"), max_length=13)
    business_codes = models.JSONField(_("認定業務"), default=list)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    issued_at = models.DateTimeField(_("発行日時"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    cancel_effective_at = models.DateTimeField(_("解約日時"), null=True, blank=True)
    cancel_reason = models.TextField(_("解約理由"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("契約（加入者）")
        verbose_name_plural = _("契約（加入者）")
        ordering = ["-cover_start", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cover_end__gt=models.F("cover_start")), name="policy_cover_order"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def is_active_at(self, instant: datetime) -> bool:
        """Cover runs from ``cover_start`` (inclusive) to ``cover_end`` or the cancellation (exclusive)."""
        end = min(self.cover_end, self.cancel_effective_at) if self.cancel_effective_at else self.cover_end
        return self.cover_start <= instant < end

    @property
    def business_labels(self) -> list[str]:
        return [business_label(c) for c in self.business_codes]

    def coverage_terms(self) -> dict:
        """This policy's coverage terms in the claims contract's ``terms`` shape."""
        from sonae.programme.selectors import coverage_terms_for

        return coverage_terms_for(self.programme_year, self.plan)

    @property
    def response_period_days(self) -> int:
        from sonae.programme.selectors import terms_for

        return terms_for(self.programme_year).response_period_days


class ReminderLog(models.Model):
    """One reminder sent (so that a re-run the same day sends nothing twice)."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20)
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme_year", "organisation", "step", "deadline", "days_before"],
                name="uniq_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.deadline} −{self.days_before}"
