"""The hospital portal's data.

- ``HospitalSite``: a site (本院, 分院 …) of a hospital organisation; a link may name one.
- ``ContractorLink``: a provider's declaration that it works for a hospital (which 業務, which data items, since
  when), accepted or declined by the hospital, with the provider's sharing consents for that hospital.
- ``HospitalInvitation``: an e-mail invitation to a hospital not yet on Sonae; its token link attaches the link
  when a hospital admin opens it while signed in.
- ``ChecklistRequest`` / ``ChecklistRequestRecipient``: the hospital's yearly request to its contractors to update
  the MHLW vendor checklist, and who has answered or been reminded.
- ``CaseMessage``: questions and answers between a hospital and the contractor on a notified case (encrypted: a
  question may name a patient).
- ``JointReport``: the joint-report (連名) flag of one case and one hospital, seen by both sides (R8).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sonae.core.fields import EncryptedModel, EncryptedTextField

from .rules import business_labels, data_item_labels


class HospitalSite(models.Model):
    """One site of a hospital organisation (the organisation is the legal entity that entrusts the data)."""

    hospital = models.ForeignKey(
        "core.Organisation",
        on_delete=models.CASCADE,
        related_name="hospital_sites",
        limit_choices_to={"kind": "hospital"},
        verbose_name=_("医療機関"),
    )
    name = models.CharField(_("施設名"), max_length=200)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("医療機関の施設")
        verbose_name_plural = _("医療機関の施設")
        ordering = ["hospital", "name"]
        constraints = [models.UniqueConstraint(fields=["hospital", "name"], name="hospital_site_name_unique")]

    def __str__(self) -> str:
        return f"{self.hospital.name} {self.name}"


class LinkStatus(models.TextChoices):
    PENDING = "pending", _("承認待ち")
    ACCEPTED = "accepted", _("承認済み")
    DECLINED = "declined", _("承認されなかった")
    ENDED = "ended", _("終了")


# The provider declares (pending); the hospital accepts or declines; either side ends a live link. Declined and
# ended are final: a provider that wants to try again declares a new link.
LINK_TRANSITIONS: dict[str, frozenset[str]] = {
    LinkStatus.PENDING: frozenset({LinkStatus.ACCEPTED, LinkStatus.DECLINED, LinkStatus.ENDED}),
    LinkStatus.ACCEPTED: frozenset({LinkStatus.ENDED}),
    LinkStatus.DECLINED: frozenset(),
    LinkStatus.ENDED: frozenset(),
}
LIVE_LINK_STATUSES = (LinkStatus.PENDING, LinkStatus.ACCEPTED)


class ContractorLink(models.Model):
    """A provider (委託先) working for a hospital (委託元), and what the provider lets that hospital see."""

    provider = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="hospital_links",
        limit_choices_to={"kind": "provider"},
        verbose_name=_("委託先の事業者"),
    )
    hospital = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        related_name="contractor_links",
        limit_choices_to={"kind": "hospital"},
        verbose_name=_("委託元の医療機関"),
    )
    site = models.ForeignKey(
        HospitalSite,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links",
        verbose_name=_("施設"),
    )
    business_codes = models.JSONField(_("受託している業務"), default=list)
    data_items = models.JSONField(_("取り扱う個人データの項目"), default=list)
    since = models.DateField(_("委託の開始日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.PENDING, db_index=True
    )
    # Consents, per hospital (issue 11 point 2). Off until the provider turns them on.
    share_insurance = models.BooleanField(_("保険の加入状況を共有"), default=False)
    share_selfcheck = models.BooleanField(_("セルフチェックの結果を共有"), default=False)
    share_checklist = models.BooleanField(_("チェックリストの回答を共有"), default=False)
    share_bcp = models.BooleanField(_("サイバーBCPの状況を共有"), default=False)
    sharing_changed_at = models.DateTimeField(_("共有設定の変更日時"), null=True, blank=True)

    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("承認・非承認の日時"), null=True, blank=True)
    response_note = models.CharField(_("医療機関からのコメント"), max_length=500, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    history = HistoricalRecords()
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("委託関係")
        verbose_name_plural = _("委託関係")
        ordering = ["hospital__name", "provider__name", "-declared_at"]
        constraints = [
            # One live link per provider and hospital; ended and declined links stay as history.
            models.UniqueConstraint(
                fields=["provider", "hospital"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="hospital_link_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.hospital} ({self.get_status_display()})"

    @property
    def business_labels(self) -> list[str]:
        return business_labels(self.business_codes)

    @property
    def data_item_labels(self) -> list[str]:
        return data_item_labels(self.data_items)

    def shares(self, section: str) -> bool:
        return bool(getattr(self, f"share_{section}"))


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("未承諾")
    ACCEPTED = "accepted", _("承諾済み")
    CANCELLED = "cancelled", _("取消")


class HospitalInvitation(models.Model):
    """An invitation by e-mail to a hospital not yet on Sonae. Only a hash of the link's token is stored."""

    provider = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="hospital_invitations"
    )
    hospital_name = models.CharField(_("医療機関名"), max_length=200)
    email = models.EmailField(_("送付先メールアドレス"))
    token_hash = models.CharField(max_length=64, unique=True)
    business_codes = models.JSONField(_("受託している業務"), default=list)
    data_items = models.JSONField(_("取り扱う個人データの項目"), default=list)
    since = models.DateField(_("委託の開始日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("有効期限"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("承諾日時"), null=True, blank=True)
    link = models.ForeignKey(
        ContractorLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )

    class Meta:
        verbose_name = _("医療機関への招待")
        verbose_name_plural = _("医療機関への招待")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider} → {self.hospital_name} ({self.get_status_display()})"

    @property
    def business_labels(self) -> list[str]:
        return business_labels(self.business_codes)

    @property
    def data_item_labels(self) -> list[str]:
        return data_item_labels(self.data_items)

    def is_usable(self, now) -> bool:
        return self.status == InvitationStatus.OPEN and now < self.expires_at


class ChecklistRequest(models.Model):
    """A hospital's yearly request to all its contractors to update the MHLW vendor checklist (事業者確認用)."""

    hospital = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="checklist_requests"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    due_date = models.DateField(_("回答期限"))
    message = models.TextField(_("依頼文"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("依頼日時"), default=timezone.now)

    class Meta:
        verbose_name = _("チェックリストの更新依頼")
        verbose_name_plural = _("チェックリストの更新依頼")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "fiscal_year"], name="checklist_request_yearly")
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.fiscal_year}年度"


class ChecklistRequestRecipient(models.Model):
    """One contractor asked by a checklist request: when it was asked, reminded, and when it answered."""

    request = models.ForeignKey(ChecklistRequest, on_delete=models.CASCADE, related_name="recipients")
    link = models.ForeignKey(ContractorLink, on_delete=models.CASCADE, related_name="checklist_requests")
    notified_at = models.DateTimeField(_("依頼日時"))
    reminded_at = models.DateTimeField(_("最終督促日時"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("督促回数"), default=0)
    completed_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("チェックリスト更新依頼の宛先")
        verbose_name_plural = _("チェックリスト更新依頼の宛先")
        ordering = ["request", "link__provider__name"]
        constraints = [models.UniqueConstraint(fields=["request", "link"], name="checklist_recipient_unique")]

    def __str__(self) -> str:
        return f"{self.request} → {self.link.provider}"


class CaseMessage(EncryptedModel):
    """A question (no parent) or an answer (parent = the question) between one hospital and the contractor on a
    case notified to that hospital. The text may name a patient: encrypted at rest."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="hospital_messages"
    )
    hospital = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    subject = models.CharField(_("件名"), max_length=200, blank=True)
    body = EncryptedTextField(_("本文"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(_("投稿者"), max_length=254)
    author_organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("投稿日時"), default=timezone.now)

    class Meta:
        verbose_name = _("委託元とのやりとり")
        verbose_name_plural = _("委託元とのやりとり")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "hospital"], name="case_message_case_hospital")]

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"

    @property
    def is_question(self) -> bool:
        return self.parent_id is None


class JointReport(models.Model):
    """Whether the hospital and the contractor report the case to the PPC jointly (連名, Sonae reading R8)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="joint_reports")
    hospital = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    enabled = models.BooleanField(_("連名で報告する"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by_organisation = models.ForeignKey(
        "core.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連名報告")
        verbose_name_plural = _("連名報告")
        constraints = [
            models.UniqueConstraint(fields=["incident", "hospital"], name="joint_report_case_hospital")
        ]

    def __str__(self) -> str:
        return f"{self.incident} / {self.hospital}: {'連名' if self.enabled else '個別'}"
