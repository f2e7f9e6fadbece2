"""Individuals' rights requests (APPI art. 33-35) received after an incident, their decision and reply.

The victim is referenced by id only (``victim_id``): the victims app keeps its own foreign keys without database
constraints for bulk loads, and this app stays usable when a request comes from a person not on the list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sonae.core.fields import EncryptedModel, EncryptedTextField

from . import rules


class Kind(models.TextChoices):
    DISCLOSURE = rules.DISCLOSURE, _("開示")
    CORRECTION = rules.CORRECTION, _("訂正・追加・削除")
    SUSPENSION = rules.SUSPENSION, _("利用停止・消去")
    THIRD_PARTY = rules.THIRD_PARTY, _("第三者提供の停止")


class Channel(models.TextChoices):
    CALL = "call", _("コールセンター（電話）")
    WEB = "web", _("本人向け照会ページ")
    LETTER = "letter", _("書面（郵送）")


class Status(models.TextChoices):
    RECEIVED = "received", _("受付")
    FORWARDED = "forwarded", _("委託元へ転送済み")
    VERIFIED = "verified", _("本人確認済み")
    DECIDED = "decided", _("決定済み")
    REPLIED = "replied", _("回答送付済み")
    CLOSED = "closed", _("完了")
    WITHDRAWN = "withdrawn", _("取り下げ")


# One lifecycle map (STYLE: django-oscar); rights_request_transition is the only way to move along it.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.FORWARDED, Status.VERIFIED, Status.WITHDRAWN}),
    Status.VERIFIED: frozenset({Status.DECIDED, Status.WITHDRAWN}),
    Status.DECIDED: frozenset({Status.REPLIED}),
    Status.REPLIED: frozenset({Status.CLOSED}),
    # The entrusting hospital may decide a forwarded request in its portal (then reply, as the contractor would).
    Status.FORWARDED: frozenset({Status.DECIDED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
CLOSED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.FORWARDED})


class Decision(models.TextChoices):
    COMPLY = rules.COMPLY, _("請求に応じる")
    PARTLY = rules.PARTLY, _("一部応じる")
    REFUSE = rules.REFUSE, _("応じない")
    ALTERNATIVE = rules.ALTERNATIVE, _("代替措置")


class ReplyMethod(models.TextChoices):
    POST = "post", _("郵送")
    EMAIL = "email", _("電子メール")
    HAND = "hand", _("手渡し")
    PHONE = "phone", _("電話（書面は別途）")


class RightsRequest(EncryptedModel):
    """One request of a person about their data held for an incident's case."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="rights_requests"
    )
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    victim_id = models.BigIntegerField(_("対象者"), null=True, blank=True, db_index=True)
    kind = models.CharField(_("請求の種類"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("受付経路"), max_length=8, choices=Channel.choices)
    received_on = models.DateField(_("請求の到達日"))
    requester_name = EncryptedTextField(_("請求者氏名"), null=True, blank=True)
    asked = EncryptedTextField(_("請求の内容"), null=True, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    target_on = models.DateField(_("回答目標日"))
    # Who answers (contractor forwards to the entrusting hospital).
    responder = models.CharField(max_length=8, default="self")  # self | forward
    responder_rule = models.TextField(blank=True)
    forwarded_to = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="forwarded_rights"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    # Identity and grounds.
    identity_method = models.CharField(_("本人確認の方法"), max_length=200, blank=True)
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grounds_hold = models.BooleanField(null=True)
    grounds_note = models.TextField(blank=True)
    grounds_assessment_version = models.PositiveIntegerField(null=True, blank=True)
    # Decision.
    decision = models.CharField(_("決定"), max_length=12, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("理由"), blank=True)
    alternative_measure = models.TextField(_("代替措置"), blank=True)
    fee_yen = models.PositiveIntegerField(_("手数料（円）"), default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reply.
    replied_on = models.DateField(_("回答日"), null=True, blank=True)
    reply_method = models.CharField(_("回答方法"), max_length=8, choices=ReplyMethod.choices, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("開示等の請求")
        verbose_name_plural = _("開示等の請求")
        constraints = [
            # APPI art. 38: a fee only for disclosure (the service checks it too, with a message).
            models.CheckConstraint(
                condition=models.Q(fee_yen=0) | models.Q(kind=rules.DISCLOSURE),
                name="rights_fee_disclosure_only",
            )
        ]

    def __str__(self) -> str:
        return f"請求 #{self.pk} {self.get_kind_display()}"

    @property
    def may_sue_from(self):
        return rules.may_sue_from(self.received_on)

    @property
    def article(self) -> str:
        return rules.KIND_ARTICLES[self.kind]

    def is_late(self, today) -> bool:
        if self.status == Status.FORWARDED or self.status == Status.WITHDRAWN:
            return False
        return rules.is_late(target=self.target_on, answered_on=self.replied_on, today=today)


class Attachment(EncryptedModel):
    """An ID document sent with a request: encrypted in storage, deleted after closure + retention."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="attachments")
    name = EncryptedTextField(null=True, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"添付 #{self.pk}"

    @property
    def aad(self) -> bytes:
        return f"rights.attachment:{self.pk}".encode()


class Restriction(models.Model):
    """The tombstone of a granted suspension/erasure or stop of provision: no personal data, kept for good."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="+")
    victim_id = models.BigIntegerField(db_index=True)
    request = models.OneToOneField(RightsRequest, on_delete=models.PROTECT, related_name="restriction")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    erased = models.BooleanField(default=False)
    decided_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["incident", "kind"], name="rights_restriction_case")]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.victim_id} {self.kind}"
