"""Affected individuals of an incident: the list, its imports, letters, condolence gifts and inquiries.

Storage of persons (issue 6 point 2): each ``Victim`` holds all personal fields in ONE encrypted record (one
AES-GCM per person, bound to the row), the items that leaked for that person as an unencrypted bit mask, and
unencrypted letter/gift status and flags. Look-ups go through ``VictimKeyBucket`` (kana+birth and patient ID of an
import) and ``VictimKey`` (inquiry codes): blind indexes, see ``keys.py``.

Bulk writes: victims are written by COPY (PostgreSQL) or executemany (SQLite) from ``importing.pipeline``, never
one ``save()`` at a time. Hence: the primary key is computed (``job id << 24 | line``: it is also the unique
(job, line) constraint that makes a resumed import unable to duplicate a row), columns the loader does not write
have database defaults (``db_default``), and the foreign keys of the victim and key tables carry no database
constraint — a per-row referential trigger would double the cost of a million-row COPY; the loader checks the
incident and job itself and takes the job's row lock for every batch.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sonae.core.fields import EncryptedJSONField, EncryptedModel, EncryptedTextField

from .letters.defaults import DEFAULT_TEMPLATE


def _token() -> str:
    return secrets.token_urlsafe(24)


class VictimCase(models.Model):
    """The victims part of one incident: access grant, call centre, self-service page, gift and letter settings,
    and the unencrypted statistics of the imported list."""

    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.CASCADE,
        related_name="victim_case",
        verbose_name=_("インシデント"),
    )
    # DESIGN §1: the desk sees victims' personal data only when the provider grants it.
    desk_access = models.BooleanField(_("デスクに対象者データの閲覧を許可"), default=False)
    desk_access_changed_at = models.DateTimeField(null=True, blank=True)
    desk_access_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_centre_phone = models.CharField(_("お問い合わせ窓口の電話番号"), max_length=30, blank=True)
    call_centre_hours = models.CharField(
        _("受付時間"), max_length=100, blank=True, default="平日 9:00〜17:00"
    )
    self_service = models.BooleanField(_("本人向け照会ページを公開"), default=False)
    self_service_token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    gift_kind = models.CharField(_("見舞品の種類"), max_length=100, blank=True)
    gift_amount = models.PositiveIntegerField(_("見舞品の金額（個人1名あたり・円）"), null=True, blank=True)
    gift_amount_corporation = models.PositiveIntegerField(
        _("見舞品の金額（法人1社あたり・円）"), null=True, blank=True
    )
    letter_template = models.TextField(_("お詫び状の本文"), default=DEFAULT_TEMPLATE)
    letter_sender = models.TextField(_("差出人"), blank=True)
    letter_sequence = models.PositiveBigIntegerField(default=0, editable=False)
    # Unencrypted statistics of the committed list (issue 6 point 2), refreshed after each import.
    persons = models.PositiveIntegerField(_("対象者数（個人）"), default=0)
    corporations = models.PositiveIntegerField(_("対象者数（法人）"), default=0)
    item_counts = models.JSONField(_("項目別の人数"), default=dict, blank=True)
    stats_updated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("対象者リスト（案件）")
        verbose_name_plural = _("対象者リスト（案件）")

    def __str__(self) -> str:
        return f"{self.incident_id}"


class ColumnMapping(models.Model):
    """A provider's column mapping for files of one header layout (remembered for the next import)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "signature"], name="victims_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.signature[:8]}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("アップロード済み")
    VALIDATING = "validating", _("検証中")
    VALIDATED = "validated", _("検証済み（確認待ち）")
    COMMITTING = "committing", _("取り込み中")
    COMMITTED = "committed", _("取り込み完了")
    FAILED = "failed", _("失敗")
    CANCELLED = "cancelled", _("取り消し")


# One lifecycle map (STYLE: django-oscar). A failed validation may be retried; a failed commit resumes.
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.UPLOADED: frozenset({ImportStatus.VALIDATING, ImportStatus.CANCELLED}),
    ImportStatus.VALIDATING: frozenset(
        {ImportStatus.VALIDATED, ImportStatus.VALIDATING, ImportStatus.FAILED, ImportStatus.COMMITTING}
    ),
    ImportStatus.VALIDATED: frozenset(
        {ImportStatus.COMMITTING, ImportStatus.VALIDATING, ImportStatus.CANCELLED}
    ),
    ImportStatus.COMMITTING: frozenset(
        {ImportStatus.COMMITTED, ImportStatus.COMMITTING, ImportStatus.FAILED}
    ),
    ImportStatus.FAILED: frozenset(
        {ImportStatus.VALIDATING, ImportStatus.COMMITTING, ImportStatus.CANCELLED}
    ),
    ImportStatus.COMMITTED: frozenset(),
    ImportStatus.CANCELLED: frozenset(),
}


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", _("重複は取り込まない")
    IMPORT = "import", _("重複も取り込む")


class ImportJob(models.Model):
    """One upload of a victim list: validated first, committed after the user confirms.

    Commit is resumable: the file is cut into deterministic chunks; each batch of chunks is written in its own
    transaction together with ``chunks_committed`` (the watermark). A killed run leaves whole batches only; a
    re-run (same file, found by its SHA-256) continues after the watermark, and the victim primary key
    (job, line) makes a second copy of a row impossible. The job becomes ``committed`` in the last transaction.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="victim_imports"
    )
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("状態"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED, db_index=True
    )
    source_name = models.CharField(_("ファイル名"), max_length=255)
    source_sha256 = models.CharField(max_length=64, db_index=True)
    source_size = models.BigIntegerField(default=0)
    staged_file = models.CharField(max_length=255, blank=True)  # sealed copy in storage (web uploads)
    file_kind = models.CharField(max_length=8, default="csv")
    encoding = models.CharField(_("文字コード"), max_length=20, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=list, blank=True)
    default_items = models.JSONField(_("項目の指定がない行の漏えい項目"), default=list, blank=True)
    duplicate_policy = models.CharField(
        max_length=8, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP
    )
    chunk_bytes = models.PositiveIntegerField(default=4 << 20)
    chunks_per_batch = models.PositiveSmallIntegerField(default=4)
    # Figures of the last validation or commit pass.
    rows = models.PositiveIntegerField(_("行数"), default=0)
    rejected = models.PositiveIntegerField(_("エラー行"), default=0)
    duplicates = models.PositiveIntegerField(_("重複"), default=0)
    to_import = models.PositiveIntegerField(_("取り込み予定"), default=0)
    imported = models.PositiveIntegerField(_("取り込み済み"), default=0)
    item_counts = models.JSONField(default=dict, blank=True)
    corporations = models.PositiveIntegerField(default=0)
    # Progress (htmx polling, CLI bar) and the commit watermark.
    phase = models.CharField(max_length=12, blank=True)
    progress_bytes = models.BigIntegerField(default=0)
    chunks_committed = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    validated_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("対象者リストの取り込み")
        verbose_name_plural = _("対象者リストの取り込み")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_name}"

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.VALIDATED, ImportStatus.COMMITTED):
            return 100
        if not self.source_size:
            return 0
        return min(99, int(self.progress_bytes * 100 / self.source_size))

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.COMMITTING) and bool(self.phase)


class IssueKind(models.TextChoices):
    ERROR = "error", _("エラー")
    DUPLICATE = "duplicate", _("重複")


class ImportIssue(models.Model):
    """A bad row (line, column, reason) or a duplicate found by the validation, with the user's decision."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(max_length=10, choices=IssueKind.choices)
    line = models.PositiveIntegerField(_("行"))
    column = models.CharField(_("列"), max_length=100, blank=True)
    message = models.CharField(_("内容"), max_length=300)
    # Duplicates: the earlier line of the same file, or the victim already on the list (its job and line).
    duplicate_of_line = models.PositiveIntegerField(null=True, blank=True)
    duplicate_of_victim = models.BigIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=12, blank=True)  # kana_birth / patient_id
    import_anyway = models.BooleanField(_("取り込む"), default=False)

    class Meta:
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["job", "kind", "line"], name="victims_issue_job_kind")]

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"


class LetterStatus(models.TextChoices):
    NONE = "none", _("未作成")
    PRINTED = "printed", _("印刷データ作成済み")
    SENT = "sent", _("発送済み")
    RETURNED = "returned", _("返送")
    NO_ADDRESS = "noaddress", _("住所不明（送付不可）")


class GiftStatus(models.TextChoices):
    NONE = "none", _("対象外・未手配")
    PLANNED = "planned", _("手配予定")
    SHIPPED = "shipped", _("発送済み")
    RETURNED = "returned", _("返送")
    DECLINED = "declined", _("辞退")


class Victim(EncryptedModel):
    """One affected person (or company) on a case's list. ``record`` holds every personal field, encrypted as
    one JSON object: name, kana, birth (ISO), postal (7 digits), address, phone (digits), patient, card."""

    id = models.BigIntegerField(primary_key=True)  # import job id << 24 | line (keys.victim_id)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="victims",
        db_constraint=False,
        db_index=False,
    )
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.PROTECT, related_name="victims", db_constraint=False, db_index=False
    )
    line = models.PositiveIntegerField(_("取り込み時の行"))
    record = EncryptedJSONField(_("個人情報（暗号化）"))
    items = models.BigIntegerField(_("漏えい項目（ビット）"), default=0)
    is_corporation = models.BooleanField(_("法人"), default=False, db_default=False)
    letter_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    letter_batch = models.ForeignKey(
        "LetterBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="victims",
        db_constraint=False,
        db_index=False,  # the partial index below: rows without a letter (all, at import) cost nothing
    )
    letter_status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.NONE, db_default=LetterStatus.NONE
    )
    letter_sent_on = models.DateField(null=True, blank=True)
    gift_status = models.CharField(
        max_length=10, choices=GiftStatus.choices, default=GiftStatus.NONE, db_default=GiftStatus.NONE
    )
    gift_shipped_on = models.DateField(null=True, blank=True)
    gift_returned_on = models.DateField(null=True, blank=True)
    mail_returned = models.BooleanField(_("郵便物の返送あり"), default=False, db_default=False)
    address_corrected = models.BooleanField(_("住所訂正あり"), default=False, db_default=False)
    # Issue 10 (rights requests) sets these: erased or suspended persons get no letter and no gift.
    excluded = models.BooleanField(_("対象外（消去・利用停止等）"), default=False, db_default=False)
    excluded_reason = models.CharField(max_length=30, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        verbose_name = _("対象者")
        verbose_name_plural = _("対象者")
        indexes = [
            models.Index(
                fields=["letter_batch"],
                name="victims_letter_batch",
                condition=models.Q(letter_batch__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"対象者 #{self.pk}"


class VictimKey(models.Model):
    """The inquiry-code look-up key of a victim (63-bit blind index, see ``keys.py``), written by letter runs.
    The kana+birth and patient-ID keys of imported persons are in ``VictimKeyBucket``."""

    pk = models.CompositePrimaryKey("key", "victim")
    key = models.BigIntegerField()
    # No index on victim alone: deleting a victim (erasure, issue 10) scans instead.
    victim = models.ForeignKey(
        Victim, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("検索キー")
        verbose_name_plural = _("検索キー")

    def __str__(self) -> str:
        return f"{self.victim_id}"


class VictimKeyBucket(models.Model):
    """The kana+birth and patient-ID look-up keys of one import whose top 16 bits are ``bucket`` (``keys.py``):
    ``keys`` holds the keys (8 bytes each, big-endian, sorted), ``lines`` the line of each key's person (4 bytes;
    victim id = job << 24 | line). Written once per import at the end of its commit pass."""

    pk = models.CompositePrimaryKey("incident", "bucket", "job")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )  # the primary key's first column
    bucket = models.IntegerField()
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    keys = models.BinaryField()
    lines = models.BinaryField()

    class Meta:
        verbose_name = _("検索キー（取り込み）")
        verbose_name_plural = _("検索キー（取り込み）")

    def __str__(self) -> str:
        return f"{self.job_id}:{self.bucket}"


class LetterRunStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    DONE = "done", _("完了")
    FAILED = "failed", _("失敗")


LETTER_RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    LetterRunStatus.QUEUED: frozenset({LetterRunStatus.RUNNING, LetterRunStatus.FAILED}),
    LetterRunStatus.RUNNING: frozenset(
        {LetterRunStatus.DONE, LetterRunStatus.FAILED, LetterRunStatus.RUNNING}
    ),
    LetterRunStatus.FAILED: frozenset({LetterRunStatus.RUNNING}),
    LetterRunStatus.DONE: frozenset(),
}


class LetterRun(models.Model):
    """One production of letters (お詫びとお知らせ): PDFs of ``batch_size`` letters and the mailing list."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.PROTECT, related_name="letter_runs")
    status = models.CharField(
        max_length=10, choices=LetterRunStatus.choices, default=LetterRunStatus.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    template = models.TextField()  # the text as it was when the run started
    sender = models.TextField(blank=True)
    call_centre_phone = models.CharField(max_length=30, blank=True)
    call_centre_hours = models.CharField(max_length=100, blank=True)
    letter_date = models.DateField()
    batch_size = models.PositiveIntegerField(default=1000)
    planned = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)  # last victim id handled (assignment walks ids upwards)
    task_id = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"LetterRun #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == LetterRunStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.planned)) if self.planned else 0


class LetterBatch(models.Model):
    """One print file: the letters of one batch (assigned in one transaction, rendered after)."""

    run = models.ForeignKey(LetterRun, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)
    rendered = models.BooleanField(default=False)
    pdf_file = models.CharField(max_length=255, blank=True)  # sealed in storage
    csv_file = models.CharField(max_length=255, blank=True)
    pdf_bytes = models.PositiveIntegerField(default=0)
    sent_on = models.DateField(_("発送日"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="victims_batch_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}-{self.number}"


class InquiryCategory(models.TextChoices):
    AM_I_AFFECTED = "affected", _("自分が対象か")
    ITEMS = "items", _("漏えいした項目")
    LETTER = "letter", _("お詫び状・届かない")
    GIFT = "gift", _("見舞品")
    ADDRESS = "address", _("住所変更・訂正")
    COMPLAINT = "complaint", _("苦情・ご意見")
    RIGHTS = "rights", _("開示・訂正・利用停止等の請求")
    OTHER = "other", _("その他")


class InquiryChannel(models.TextChoices):
    PHONE = "phone", _("電話")
    WEB = "web", _("本人向け照会ページ")
    OTHER = "other", _("その他（メール・窓口）")


class Inquiry(EncryptedModel):
    """One call (or web inquiry) about a case: category, answer, follow-up. Notes may hold personal data:
    encrypted."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="victim_inquiries"
    )
    victim = models.ForeignKey(
        Victim, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    channel = models.CharField(_("受付方法"), max_length=10, choices=InquiryChannel.choices)
    category = models.CharField(_("区分"), max_length=12, choices=InquiryCategory.choices)
    answer = EncryptedTextField(_("回答内容"), max_length=2000, blank=True)
    follow_up = models.BooleanField(_("要対応（折り返し等）"), default=False)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    day = models.DateField(_("受付日"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "core.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("問い合わせ")
        verbose_name_plural = _("問い合わせ")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "day"], name="victims_inquiry_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_category_display()}"
