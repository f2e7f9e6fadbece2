"""Receipts, invoices and quotes: checked, hashed and encrypted at upload (the same approach and file checks as the
incident evidence, ``sonae.incidents.services.evidence``); decrypted, verified and logged at download."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import DomainError, InvalidInput
from sonae.core.keyring import get_keyring
from sonae.incidents.services.evidence import check_evidence_file

from ..models import Attachment, AttachmentKind, Expense, PriorApproval
from .common import actor_label, audit_actor, require, require_own


class AttachmentIntegrityError(DomainError):
    code = "attachment_integrity"
    status = 500
    default_message = "添付資料が登録時のものと一致しません。管理者に連絡してください。"


@dataclass(frozen=True)
class AttachmentFile:
    """A decrypted attachment, ready to send."""

    name: str
    content_type: str
    content: bytes


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/"))).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "attachment"


def store_attachment(
    *,
    actor: Actor,
    name: str,
    data: bytes,
    kind: str,
    expense: Expense | None = None,
    approval: PriorApproval | None = None,
) -> Attachment:
    """Encrypt and store one file for an expense or an approval request (AES-256-GCM bound to the new row).

    Call inside the caller's transaction: the file is written first and removed again if the transaction fails,
    so no row points to a missing file and no orphan is left behind.
    """
    name = _clean_name(name)
    content_type = check_evidence_file(name, data)
    if kind not in AttachmentKind.values:
        raise InvalidInput("添付資料の種類が正しくありません。", field="kind")
    attachment = Attachment(
        expense=expense,
        approval=approval,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.user,
        uploaded_by_label=actor_label(actor),
    )
    ciphertext = get_keyring().encrypt(data, attachment.aad)
    incident = expense.incident if expense is not None else approval.incident
    attachment.storage_name = default_storage.save(
        f"claims/{incident.pk}/{attachment.file_key.hex}.bin", ContentFile(ciphertext)
    )
    try:
        with transaction.atomic():
            attachment.save()
            audit_record(
                action="claims.attachment_uploaded",
                target=attachment,
                data={
                    "incident": incident.reference,
                    "expense": expense.pk if expense is not None else None,
                    "approval": approval.number if approval is not None else None,
                    "kind": kind,
                    "sha256": attachment.sha256,
                    "size": attachment.size,
                },
                **audit_actor(actor),
            )
    except BaseException:
        default_storage.delete(attachment.storage_name)
        raise
    return attachment


def attachment_add(
    *, actor: Actor, expense: Expense, name: str, data: bytes, kind: str = AttachmentKind.RECEIPT
) -> Attachment:
    """Attach a receipt or invoice to an expense. Allowed while the expense is editable, and while its claim waits
    for more information from the provider (documents may be added, amounts may not change)."""
    require(actor, "claims.expense.edit")
    require_own(actor, expense.incident)
    expense = Expense.objects.select_related("claim", "incident").get(pk=expense.pk)
    if not (expense.is_editable or (expense.claim is not None and expense.claim.status == "info_requested")):
        raise InvalidInput(
            "請求済みの費用には資料を追加できません（保険会社から追加資料の依頼があった場合のみ追加できます）。",
            field="file",
        )
    with transaction.atomic():
        return store_attachment(actor=actor, name=name, data=data, kind=kind, expense=expense)


def approval_attachment_add(
    *, actor: Actor, approval: PriorApproval, name: str, data: bytes, kind: str = AttachmentKind.QUOTE
) -> Attachment:
    """Attach a quote or another document to a prior-approval request of the provider's own case while the insurer
    has not decided it (the request page attaches its quote when asking; an API client sends the file after)."""
    require(actor, "claims.approval.request")
    require_own(actor, approval.incident)
    approval = PriorApproval.objects.select_related("incident").get(pk=approval.pk)
    if not approval.is_pending:
        raise InvalidInput("判断済みの事前承認・同意には資料を追加できません。", field="file")
    with transaction.atomic():
        return store_attachment(actor=actor, name=name, data=data, kind=kind, approval=approval)


def attachment_delete(*, actor: Actor, attachment: Attachment) -> None:
    """Remove an attachment of an editable expense or of a pending approval request (the file after commit)."""
    require(actor, "claims.expense.edit")
    incident = attachment.incident
    require_own(actor, incident)
    if attachment.expense_id and not attachment.expense.is_editable:
        raise InvalidInput("請求済みの費用の資料は削除できません。")
    if attachment.approval_id and not attachment.approval.is_pending:
        raise InvalidInput("判断済みの事前承認・同意の資料は削除できません。")
    storage_name = attachment.storage_name
    with transaction.atomic():
        audit_record(
            action="claims.attachment_deleted",
            target=attachment,
            data={"incident": incident.reference, "sha256": attachment.sha256},
            **audit_actor(actor),
        )
        attachment.delete()
        transaction.on_commit(lambda: default_storage.delete(storage_name))


def attachment_open(*, actor: Actor, attachment: Attachment) -> AttachmentFile:
    """Decrypt an attachment for the actor (the selector has already scoped it), verify it against the SHA-256
    taken at upload, and record the download in the audit log (who, when, which file)."""
    require(actor, "claims.attachment.download")
    with default_storage.open(attachment.storage_name, "rb") as handle:
        ciphertext = handle.read()
    plaintext = get_keyring().decrypt(ciphertext, attachment.aad)
    if hashlib.sha256(plaintext).hexdigest() != attachment.sha256:
        raise AttachmentIntegrityError()
    with transaction.atomic():
        audit_record(
            action="claims.attachment_downloaded",
            target=attachment,
            data={"incident": attachment.incident.reference, "sha256": attachment.sha256},
            **audit_actor(actor),
        )
    return AttachmentFile(attachment.original_name, attachment.content_type, plaintext)
