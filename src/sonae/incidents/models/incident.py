"""The incident (one response case) and the per-year counter its reference is drawn from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.core.display import ChoiceLabelsMixin
from sonae.core.fields import EncryptedModel, EncryptedTextField
from sonae.duties.rules import CAUSE_LABELS, DATA_ITEM_LABELS
from sonae.incidents import triage


class Channel(models.TextChoices):
    WEB = "web", _("ウェブ（事業者による報告）")
    PHONE = "phone", _("電話（デスクが受付）")
    API = "api", _("API")


class Status(models.TextChoices):
    REPORTED = "reported", _("受付")
    TRIAGED = "triaged", _("トリアージ済み")
    RESPONDING = "responding", _("対応中")
    RECOVERING = "recovering", _("復旧中")
    CLOSED = "closed", _("完了")
    WITHDRAWN = "withdrawn", _("取り下げ")


# Issue 4 point 4: reported → triaged → responding → recovering → closed, and withdrawn. A case without anything to
# recover (a misdirected fax) may close from responding; a report found to be no incident is withdrawn before it
# reaches recovery. Closed and withdrawn are final.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REPORTED: frozenset({Status.TRIAGED, Status.WITHDRAWN}),
    Status.TRIAGED: frozenset({Status.RESPONDING, Status.WITHDRAWN}),
    Status.RESPONDING: frozenset({Status.RECOVERING, Status.CLOSED, Status.WITHDRAWN}),
    Status.RECOVERING: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset({Status.REPORTED, Status.TRIAGED, Status.RESPONDING, Status.RECOVERING})


class DataOwner(models.TextChoices):
    OWN = "own", _("自社の顧客・利用者等の情報")
    ENTRUSTED = "entrusted", _("医療機関等から委託を受けて預かっている情報")
    UNKNOWN = "unknown", _("不明・確認中")


CATEGORY_CHOICES = list(triage.CATEGORIES.items())
SEVERITY_CHOICES = list(triage.SEVERITIES.items())
SYMPTOM_CHOICES = list(triage.SYMPTOMS.items())
CAUSE_CHOICES = list(CAUSE_LABELS.items())
DATA_ITEM_CHOICES = list(DATA_ITEM_LABELS.items())


class Incident(ChoiceLabelsMixin, EncryptedModel):
    """A reported incident and the response case worked on it, from the first report to closure.

    The SLA instants are computed once at intake (programme year in force at ``received_at``) and stored, so that
    a later change of the calendar does not move the clocks of cases already received.
    """

    reference = models.CharField(_("受付番号"), max_length=30, unique=True)
    programme_year = models.ForeignKey(
        "programme.ProgrammeYear", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("受付経路"), max_length=10, choices=Channel.choices)
    provider = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="incidents",
        limit_choices_to={"kind": "provider"},
        verbose_name=_("事業者"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_by_label = models.CharField(_("受付者・報告者"), max_length=254, blank=True)
    # Phone intake: who called and how to call back (personal data: encrypted, hidden from agency and insurer).
    caller_name = EncryptedTextField(_("通報者氏名"), max_length=100, null=True, blank=True)
    caller_phone = EncryptedTextField(_("折り返し電話番号"), max_length=30, null=True, blank=True)
    called_at = models.DateTimeField(_("着信日時"), null=True, blank=True)

    title = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("状況"), blank=True)
    received_at = models.DateTimeField(_("受付日時"))
    discovered_at = models.DateTimeField(_("発覚日時"), null=True, blank=True)
    handling_starts_at = models.DateTimeField(_("対応開始日時"))
    first_response_due = models.DateTimeField(_("初動連絡期限"), db_index=True)
    first_responded_at = models.DateTimeField(_("初動連絡日時"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    triaged_at = models.DateTimeField(_("トリアージ日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完了・取り下げ日時"), null=True, blank=True)

    symptoms = models.JSONField(_("症状（チェックリスト）"), default=list, blank=True)
    category = models.CharField(_("分類"), max_length=30, choices=CATEGORY_CHOICES)
    severity = models.PositiveSmallIntegerField(_("重大度"), choices=SEVERITY_CHOICES)
    cause = models.CharField(_("原因（法的義務の判定用）"), max_length=30, choices=CAUSE_CHOICES, blank=True)
    data_items = models.JSONField(_("漏えい等のおそれがある個人データの項目"), default=list, blank=True)
    persons_estimate = models.PositiveIntegerField(_("対象人数（概数）"), null=True, blank=True)
    data_owner = models.CharField(
        _("誰の情報か"), max_length=10, choices=DataOwner.choices, default=DataOwner.UNKNOWN
    )
    entrusting_hospital = models.ForeignKey(
        "core.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted_incidents",
        limit_choices_to={"kind": "hospital"},
        verbose_name=_("委託元の医療機関"),
    )
    entrusting_party_name = models.CharField(_("委託元の名称（未登録の場合）"), max_length=200, blank=True)
    playbook = models.ForeignKey(
        "incidents.PlaybookTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Caller details stay out of the history table: one encrypted copy of personal data is enough.
    history = HistoricalRecords(excluded_fields=["caller_name", "caller_phone"])

    class Meta:
        verbose_name = _("インシデント")
        verbose_name_plural = _("インシデント")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["provider", "-received_at"], name="incident_provider_received"),
            # The desk queue's order over open cases (``selectors.desk_queue_cases``): read a page off the index
            # instead of sorting every open case on each refresh.
            models.Index(
                models.Case(
                    models.When(first_responded_at__isnull=True, then=models.Value(0)),
                    default=models.Value(1),
                ),
                "first_response_due",
                "received_at",
                "id",
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="incident_queue_order",
            ),
            # The queue's count of overdue cases (``selectors.desk_queue_overdue_count``).
            models.Index(
                fields=["first_response_due"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES), first_responded_at__isnull=True),
                name="incident_awaiting_response",
            ),
            # The case list of the desk, the agency and the insurer (page and API) spans every provider: it pages
            # in this order, which without an index sorts the whole table for each page.
            models.Index(fields=["-received_at", "-id"], name="incident_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=4), name="incident_severity_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_entrusted(self) -> bool:
        return self.data_owner == DataOwner.ENTRUSTED

    @property
    def entrusting_party_display(self) -> str:
        if self.entrusting_hospital_id:
            return self.entrusting_hospital.name
        return self.entrusting_party_name

    @property
    def caller_phone_display(self) -> str:
        """The call-back number grouped for reading aloud (03-1234-5678); as stored when it cannot be grouped."""
        from sonae.jp.formatting import format_phone

        if not self.caller_phone:
            return ""
        try:
            return format_phone(self.caller_phone)
        except ValueError:
            return self.caller_phone

    @property
    def first_actions(self) -> tuple[str, ...]:
        return triage.first_actions(self.category, entrusted=self.is_entrusted)

    @property
    def symptom_labels(self) -> list[str]:
        return [triage.SYMPTOMS.get(code, code) for code in self.symptoms or []]

    @property
    def data_item_labels(self) -> list[str]:
        return [DATA_ITEM_LABELS.get(code, code) for code in self.data_items or []]

    def allowed_transitions(self) -> list[str]:
        return sorted(STATUS_TRANSITIONS.get(self.status, ()), key=list(Status.values).index)


class IncidentCounter(models.Model):
    """The last reference number used in one year: locked (SELECT … FOR UPDATE) while a number is drawn."""

    year = models.CharField(max_length=10, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受付番号の採番")
        verbose_name_plural = _("受付番号の採番")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"
