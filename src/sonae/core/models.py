"""Organisations, memberships, users, the audit log and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in, identified by e-mail. Organisations and roles come from memberships."""

    username = None
    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.display_name or self.email


class OrganisationKind(models.TextChoices):
    PROVIDER = "provider", _("医療関連サービス事業者")
    AGENCY = "agency", _("取扱代理店")
    INSURER = "insurer", _("保険会社")
    DESK = "desk", _("インシデント窓口")
    FOUNDATION = "foundation", _("振興会")
    HOSPITAL = "hospital", _("医療機関（委託元）")


class Organisation(models.Model):
    """A company or body using Sonae. Everything a user sees is scoped through its organisations."""

    kind = models.CharField(_("種別"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True)
    code = models.SlugField(_("組織コード"), max_length=50, unique=True)
    corporate_number = models.CharField(_("法人番号"), max_length=13, blank=True, db_index=True)
    email = models.EmailField(_("代表メールアドレス"), blank=True)
    phone = models.CharField(_("代表電話番号"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("管理者")
    STAFF = "staff", _("担当者")
    VIEWER = "viewer", _("閲覧者")


class Membership(models.Model):
    """A user's place in an organisation, with one role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("権限"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")]
        ordering = ["organisation__kind", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class AuditEvent(models.Model):
    """One append-only, hash-chained audit record.

    ``hash`` = SHA-256 over ``prev_hash`` and a canonical JSON of the row (see ``sonae.core.audit``). Rows are
    never updated or deleted by the application; ``sonae audit verify`` walks the chain.

    Lean on purpose: an event is appended for every access to personal data (each call-centre look-up), so each
    index and constraint is paid on the hottest write path. Indexes serve the chain walk (chain, id), the
    target's history, and listing by organisation, actor, action or time; ``hash`` has none (nothing looks rows up
    by hash, and a tampered row is found by the chain walk, not by a constraint). ``actor`` and ``organisation``
    carry no database foreign key (``db_constraint=False``): each would run a locking look-up of the user's and
    the organisation's row on every append — the same two rows for every look-up of one call centre. Deleting
    a user or an organisation that has events is still refused (``PROTECT``, enforced by Django).
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which of the parallel chains the event extends (see ``sonae.core.audit``); 0 for every event before stripes.
    chain = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["chain", "id"], name="core_audit_chain_id"),
            # Equality look-ups by action (no LIKE: a plain index, not the pattern-ops pair of db_index=True).
            models.Index(fields=["action"], name="core_audit_action"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditChainHead(models.Model):
    """The head of one audit chain (``id`` = chain + 1), locked while appending, so that the writers of a chain
    extend it one at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head #{self.last_event_id}"


class ApiToken(models.Model):
    """A per-organisation API token. Only a SHA-256 hash of the secret is stored; the secret is shown once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名前"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(_("権限"), max_length=10, choices=Role.choices, default=Role.STAFF)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Notification(models.Model):
    """An in-app notification for one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # A user's notifications newest first (the notifications page; the unread count on every page).
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self) -> str:
        return self.title


class WorkerHeartbeat(models.Model):
    """The last sign of life of a running ``sonae worker`` (``sonae.core.workers``): a worker whose heartbeat has
    stopped for several minutes is dead, on whatever machine it ran, and its RUNNING tasks go back in the queue."""

    worker_id = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField(db_index=True)  # the database's clock: machines' clocks need not agree

    class Meta:
        verbose_name = _("ワーカーの稼働確認")
        verbose_name_plural = _("ワーカーの稼働確認")

    def __str__(self) -> str:
        return self.worker_id
