"""Evidence files: checked, hashed and encrypted at upload; decrypted, verified and logged at download.

Chain of custody (issue 4 point 6): who uploaded (row, timeline, audit), the SHA-256 of the plaintext at upload,
and every download with who, when and why (audit log as personal-data access, and the timeline).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from sonae.core.actors import Actor
from sonae.core.audit import audit_personal_data_access, audit_record
from sonae.core.errors import DomainError, InvalidInput
from sonae.core.keyring import get_keyring
from sonae.incidents.models import Evidence, Incident, TimelineKind

from .common import audit_actor, require, require_case_access, timeline_add

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_evidence_bytes() -> int:
    """Upload limit (``SONAE_EVIDENCE_MAX_BYTES``, default 20 MB)."""
    return int(getattr(settings, "SONAE_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


# extension -> (content type, leading bytes any of which the file must start with; None = text)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".log": ("text/plain", None),
    ".csv": ("text/csv", None),
    ".json": ("application/json", None),
    ".eml": ("message/rfc822", None),
}
ALLOWED_LABEL = "PDF、画像（PNG・JPEG・GIF）、テキスト・ログ（.txt .log .csv .json）、メール（.eml）、Office文書（.docx .xlsx .pptx）、ZIP"


class EvidenceIntegrityError(DomainError):
    code = "evidence_integrity"
    status = 500
    default_message = "証拠ファイルが登録時のものと一致しません。管理者に連絡してください。"


@dataclass(frozen=True)
class EvidenceFile:
    """A decrypted evidence file, ready to send."""

    name: str
    content_type: str
    content: bytes


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} バイト"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/"))).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "evidence"


def check_evidence_size(size: int) -> None:
    """InvalidInput (field ``file``) for an empty file or one over the limit; callable before reading an upload."""
    limit = max_evidence_bytes()
    if size <= 0:
        raise InvalidInput("空のファイルはアップロードできません。", field="file")
    if size > limit:
        raise InvalidInput(
            f"ファイルが大きすぎます（上限 {_human_size(limit)}、選択したファイル {_human_size(size)}）。"
            "分割するか、デスクにご相談ください。",
            field="file",
        )


def check_evidence_file(name: str, data: bytes) -> str:
    """The content type of an acceptable file; InvalidInput (field ``file``) with a Japanese reason otherwise."""
    check_evidence_size(len(data))
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_TYPES:
        shown = extension or "拡張子なし"
        raise InvalidInput(
            f"この種類のファイル（{shown}）はアップロードできません。アップロードできるのは {ALLOWED_LABEL} です。",
            field="file",
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    if signatures is None:
        if not _is_text(data):
            raise InvalidInput(
                f"ファイルの中身がテキストではありません（拡張子 {extension}）。", field="file"
            )
    elif not any(data.startswith(sig) for sig in signatures):
        raise InvalidInput(f"ファイルの中身が拡張子（{extension}）と一致しません。", field="file")
    return content_type


def evidence_upload(
    *, actor: Actor, incident: Incident, name: str, data: bytes, description: str = ""
) -> Evidence:
    """Store one evidence file encrypted (AES-256-GCM, bound to this evidence row) in the default storage.

    The file is written before the row; if the transaction fails the file is removed again, so no row points to
    a missing file and no orphan is left behind.
    """
    require(actor, "incident.work")
    require_case_access(actor, incident)
    name = _clean_name(name)
    content_type = check_evidence_file(name, data)
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput("説明は500文字以内で入力してください。", field="description")
    evidence = Evidence(
        incident=incident,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=description,
        uploaded_by=actor.user,
        uploaded_by_label=actor.label,
        uploaded_by_organisation=actor.organisation,
    )
    ciphertext = get_keyring().encrypt(data, evidence.aad)
    evidence.storage_name = default_storage.save(
        f"evidence/{incident.pk}/{evidence.file_key.hex}.bin", ContentFile(ciphertext)
    )
    try:
        with transaction.atomic():
            evidence.save()
            timeline_add(
                incident,
                kind=TimelineKind.EVIDENCE,
                actor=actor,
                text=f"証拠「{evidence.original_name}」を登録しました（{_human_size(evidence.size)}、SHA-256 {evidence.sha256}）。",
                data={"evidence": evidence.pk, "sha256": evidence.sha256},
            )
            audit_record(
                action="incident.evidence_uploaded",
                target=evidence,
                data={"incident": incident.reference, "sha256": evidence.sha256, "size": evidence.size},
                **audit_actor(actor),
            )
    except BaseException:
        default_storage.delete(evidence.storage_name)
        raise
    return evidence


def evidence_download(*, actor: Actor, evidence: Evidence, reason: str) -> EvidenceFile:
    """Decrypt an evidence file for the actor, after recording who, when and why (chain of custody).

    The plaintext is checked against the SHA-256 taken at upload; a mismatch refuses the download.
    """
    require(actor, "incident.evidence_view")
    require_case_access(actor, evidence.incident)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "ダウンロードの理由を入力してください（証拠の取扱い記録に残ります）。", field="reason"
        )
    if len(reason) > 500:
        raise InvalidInput("理由は500文字以内で入力してください。", field="reason")
    with default_storage.open(evidence.storage_name, "rb") as handle:
        ciphertext = handle.read()
    plaintext = get_keyring().decrypt(ciphertext, evidence.aad)
    if hashlib.sha256(plaintext).hexdigest() != evidence.sha256:
        raise EvidenceIntegrityError()
    with transaction.atomic():
        audit_personal_data_access(
            actor=actor.user,
            organisation=actor.organisation,
            target=evidence,
            reason=reason,
            kind="evidence_downloaded",
            data={"incident": evidence.incident.reference, "sha256": evidence.sha256},
        )
        timeline_add(
            evidence.incident,
            kind=TimelineKind.EVIDENCE,
            actor=actor,
            text=f"証拠「{evidence.original_name}」をダウンロードしました。理由: {reason}",
            data={"evidence": evidence.pk},
        )
    return EvidenceFile(name=evidence.original_name, content_type=evidence.content_type, content=plaintext)
