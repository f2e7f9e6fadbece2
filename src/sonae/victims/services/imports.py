"""Importing a victim list: upload, column mapping, validation, the user's decision, commit (issue 6 point 1)."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from sonae.core.actors import Actor
from sonae.core.audit import audit_record
from sonae.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from sonae.victims.importing import columns
from sonae.victims.importing.pipeline import PassResult, Source, inspect_source, run_pass
from sonae.victims.importing.reader import DEFAULT_CHUNK_BYTES, UnreadableFile
from sonae.victims.items import BIT_OF
from sonae.victims.models import (
    IMPORT_TRANSITIONS,
    ColumnMapping,
    DuplicatePolicy,
    ImportIssue,
    ImportJob,
    ImportStatus,
    IssueKind,
    VictimCase,
    VictimKeyBucket,
)
from sonae.victims.sealed import open_sealed, save_sealed

from .common import audit_actor, require_provider_of, victim_case_for

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 2 << 30


@dataclass(frozen=True)
class Summary:
    """The CLI's JSON summary."""

    rows: int
    imported: int
    rejected: int
    duplicates: int
    seconds: float

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "seconds": round(self.seconds, 3),
        }


def import_transition(job: ImportJob, to_status: str) -> None:
    """Move ``job`` to ``to_status`` (saved), or IllegalTransition."""
    if to_status not in IMPORT_TRANSITIONS.get(job.status, frozenset()):
        raise IllegalTransition(
            f"取り込みの状態「{ImportStatus(job.status).label}」からは「{ImportStatus(to_status).label}」にできません。"
        )
    job.status = to_status
    job.save(update_fields=["status", "updated_at"])


def staged_context(job: ImportJob) -> str:
    """The sealed copy of an upload is bound to its job (it cannot be swapped for another job's file)."""
    return f"import:{job.pk}"


def job_source(job: ImportJob, path: str | None = None) -> Source:
    """Where the job's file is read from: the path given (CLI), or its sealed copy in storage (web)."""
    if path is not None:
        return Source(open=lambda: open(path, "rb"), size=os.path.getsize(path))
    if not job.staged_file:
        raise InvalidInput("取り込むファイルが保存されていません。もう一度アップロードしてください。")
    context = staged_context(job)
    return Source(open=lambda: open_sealed(job.staged_file, context), size=job.source_size)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(4 << 20):
            digest.update(block)
    return digest.hexdigest()


def _remembered(organisation_id: int, headers: list[str]) -> dict[str, str]:
    """The provider's remembered targets by header key: the mapping saved for this exact layout first, then the
    most recent choices for any header of the same name."""
    remembered: dict[str, str] = {}
    for saved in ColumnMapping.objects.filter(organisation_id=organisation_id).order_by("updated_at"):
        for header, target in zip(saved.headers, saved.mapping, strict=False):
            remembered[columns.header_key(header)] = target
    exact = ColumnMapping.objects.filter(
        organisation_id=organisation_id, signature=columns.header_signature(headers)
    ).first()
    if exact is not None:
        for header, target in zip(exact.headers, exact.mapping, strict=False):
            remembered[columns.header_key(header)] = target
    return remembered


def _prepare(job: ImportJob, source: Source) -> None:
    try:
        kind, encoding, headers = inspect_source(source, job.chunk_bytes)
    except UnreadableFile as exc:
        raise InvalidInput(str(exc), field="file") from None
    job.file_kind, job.encoding, job.headers = kind, encoding, headers
    job.mapping = columns.auto_mapping(headers, _remembered(job.organisation_id, headers))
    if not job.default_items:
        job.default_items = [c for c in (job.incident.data_items or []) if c in BIT_OF]


def import_job_create(
    *,
    actor: Actor | None,
    incident,
    name: str,
    path: str | None = None,
    upload=None,
    sha256: str | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> ImportJob:
    """Start an import of a list: from a path (CLI: read in place) or an uploaded file (web: sealed into
    storage). Detects CSV/XLSX and the encoding, reads the header and proposes a column mapping."""
    if actor is not None:
        require_provider_of(actor, incident, "victims.import")
    victim_case_for(incident)
    job = ImportJob(
        incident=incident,
        organisation=incident.provider,
        created_by=actor.user if actor is not None else None,
        source_name=(name or "list.csv")[-255:],
        chunk_bytes=chunk_bytes,
    )
    if path is not None:
        job.source_sha256 = sha256 or file_sha256(path)
        job.source_size = os.path.getsize(path)
        source = Source(open=lambda: open(path, "rb"), size=job.source_size)
    else:
        if upload.size > MAX_UPLOAD_BYTES:
            raise InvalidInput("ファイルが大きすぎます（2GBまで）。", field="file")
        job.source_size = upload.size
        job.save()  # the job's id binds the sealed copy
        hashing = _HashingReader(upload)
        job.staged_file = save_sealed(f"victims/imports/{job.pk}.sealed", hashing, staged_context(job))
        job.source_sha256 = hashing.hexdigest()
        source = job_source(job)
    try:
        _prepare(job, source)
    except InvalidInput:
        if job.pk is not None:  # an unreadable upload leaves nothing behind
            from django.core.files.storage import default_storage

            if job.staged_file:
                default_storage.delete(job.staged_file)
            job.delete()
        raise
    with transaction.atomic():
        job.save()
        audit_record(
            action="victims.import_uploaded",
            target=job,
            data={"incident": incident.reference, "size": job.source_size, "kind": job.file_kind},
            **audit_actor(actor, incident),
        )
    return job


class _HashingReader:
    def __init__(self, upload):
        self.chunks = upload.chunks()
        self.buffer = b""
        self.digest = hashlib.sha256()
        self.done = False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            try:
                block = next(self.chunks)
            except StopIteration:
                self.done = True
                break
            self.digest.update(block)
            self.buffer += block
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def import_job_map(
    *,
    actor: Actor | None,
    job: ImportJob,
    mapping: list[str],
    default_items: list[str] | None = None,
    duplicate_policy: str | None = None,
) -> ImportJob:
    """Set the column mapping (and the items for rows that name none); remembered for the provider."""
    if actor is not None:
        require_provider_of(actor, job.incident, "victims.import")
    if job.status not in (
        ImportStatus.UPLOADED,
        ImportStatus.VALIDATING,
        ImportStatus.VALIDATED,
        ImportStatus.FAILED,
    ):
        raise IllegalTransition("取り込み中または取り込み済みのため、列の割り当ては変更できません。")
    problems = columns.check_mapping(job.headers, mapping)
    if problems:
        raise InvalidInput(" ".join(problems), field="mapping")
    if default_items is not None:
        unknown = [c for c in default_items if c not in BIT_OF]
        if unknown:
            raise InvalidInput("漏えい項目のコードが正しくありません。", field="default_items")
        job.default_items = list(dict.fromkeys(default_items))
    if duplicate_policy is not None:
        if duplicate_policy not in DuplicatePolicy.values:
            raise InvalidInput("重複の扱いが正しくありません。", field="duplicate_policy")
        job.duplicate_policy = duplicate_policy
    with transaction.atomic():
        job.mapping = list(mapping)
        if job.status != ImportStatus.UPLOADED:
            job.status = ImportStatus.UPLOADED  # a new mapping needs a new validation
        job.save()
        ColumnMapping.objects.update_or_create(
            organisation_id=job.organisation_id,
            signature=columns.header_signature(job.headers),
            defaults={"headers": job.headers, "mapping": list(mapping)},
        )
        audit_record(
            action="victims.import_mapped",
            target=job,
            data={"mapping": job.mapping},
            **audit_actor(actor, job.incident),
        )
    return job


def _store_issues(job: ImportJob, result: PassResult) -> None:
    """Replace the job's issues by those of ``result`` (decisions on duplicates still present are kept)."""
    kept = set(
        ImportIssue.objects.filter(job=job, kind=IssueKind.DUPLICATE, import_anyway=True).values_list(
            "line", flat=True
        )
    )
    ImportIssue.objects.filter(job=job).delete()
    fields = ("job_id", "kind", "line", "column", "message", "duplicate_of_line", "duplicate_of_victim", "basis",
              "import_anyway")  # fmt: skip
    rows = (
        (job.pk, kind, line, column[:100], message[:300], dup_line, dup_victim, basis,
         kind == IssueKind.DUPLICATE and line in kept)
        for kind, line, column, message, dup_line, dup_victim, basis in result.issues
    )  # fmt: skip
    if connection.vendor == "postgresql":
        # One COPY: a large list's thousands of duplicates took half a second through bulk_create.
        columns = ", ".join(f'"{name}"' for name in fields)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {ImportIssue._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch: list[ImportIssue] = []
    for row in rows:
        batch.append(ImportIssue(**dict(zip(fields, row, strict=True))))
        if len(batch) >= 5000:
            ImportIssue.objects.bulk_create(batch)
            batch = []
    if batch:
        ImportIssue.objects.bulk_create(batch)


def _apply_figures(job: ImportJob, result: PassResult) -> None:
    job.rows = result.rows
    job.rejected = result.rejected
    job.duplicates = result.duplicates
    job.to_import = result.to_import
    job.item_counts = result.item_counts
    job.corporations = result.corporations


def import_validate(
    *, job: ImportJob, source: Source | None = None, progress=None, workers=None
) -> ImportJob:
    """Validate every row; store errors and duplicates for the user. Writes no victim."""
    if job.status not in (ImportStatus.VALIDATING,):
        import_transition(job, ImportStatus.VALIDATING)
    problems = columns.check_mapping(job.headers, job.mapping)
    if problems:
        job.status, job.error_message = ImportStatus.FAILED, " ".join(problems)
        job.save(update_fields=["status", "error_message", "updated_at"])
        raise InvalidInput(job.error_message, field="mapping")
    started = time.perf_counter()
    try:
        result = run_pass(job, source or job_source(job), commit=False, progress=progress, workers=workers)
    except UnreadableFile as exc:
        _fail(job, str(exc))
        raise InvalidInput(str(exc), field="file") from None
    with transaction.atomic():
        _store_issues(job, result)
        _apply_figures(job, result)
        job.status = ImportStatus.VALIDATED
        job.phase = ""
        job.progress_bytes = job.source_size
        job.validated_at = timezone.now()
        job.seconds = time.perf_counter() - started
        job.error_message = ""
        job.save()
        audit_record(
            action="victims.import_validated",
            target=job,
            data={"rows": job.rows, "rejected": job.rejected, "duplicates": job.duplicates},
            organisation=job.organisation,
        )
    return job


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED, error_message=message[:2000], phase="", updated_at=timezone.now()
    )
    job.status = ImportStatus.FAILED


def import_decide(
    *, actor: Actor | None, job: ImportJob, import_lines: set[int], policy: str | None = None
) -> int:
    """The user's decision on duplicates: which duplicate lines to import anyway. Returns how many."""
    if actor is not None:
        require_provider_of(actor, job.incident, "victims.import")
    if job.status != ImportStatus.VALIDATED:
        raise IllegalTransition("重複の扱いは検証が終わった取り込みで決めてください。")
    with transaction.atomic():
        issues = ImportIssue.objects.filter(job=job, kind=IssueKind.DUPLICATE)
        issues.update(import_anyway=False)
        chosen = issues.filter(line__in=sorted(import_lines)).update(import_anyway=True)
        if policy is not None and policy in DuplicatePolicy.values:
            job.duplicate_policy = policy
            job.save(update_fields=["duplicate_policy", "updated_at"])
        audit_record(
            action="victims.import_duplicates_decided",
            target=job,
            data={"import_anyway": chosen, "policy": job.duplicate_policy},
            **audit_actor(actor, job.incident),
        )
    return chosen


def import_commit(
    *, actor: Actor | None, job: ImportJob, source: Source | None = None, progress=None, workers=None
) -> ImportJob:
    """Write the validated rows (resumable: a re-run continues after the last committed batch)."""
    if actor is not None:
        require_provider_of(actor, job.incident, "victims.import")
    if job.status == ImportStatus.COMMITTED:
        return job
    if job.status != ImportStatus.COMMITTING:
        import_transition(job, ImportStatus.COMMITTING)
    started = time.perf_counter()
    try:
        result = run_pass(job, source or job_source(job), commit=True, progress=progress, workers=workers)
    except UnreadableFile as exc:
        _fail(job, str(exc))
        raise InvalidInput(str(exc), field="file") from None
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job.issues.exists() and result.issues:
            _store_issues(job, result)
        _apply_figures(job, result)
        job.status = ImportStatus.COMMITTED
        job.phase = ""
        job.progress_bytes = job.source_size
        job.committed_at = timezone.now()
        job.seconds += time.perf_counter() - started
        job.save()
        case = VictimCase.objects.select_for_update().get(incident_id=job.incident_id)
        _add_statistics(case, job)
        audit_record(
            action="victims.import_committed",
            target=job,
            data={"incident": job.incident.reference, "imported": job.imported, "rows": job.rows},
            **audit_actor(actor, job.incident),
        )
    _refresh_planner_statistics(job.imported)
    return job


# Rows after which a committed import refreshes PostgreSQL's statistics itself.
ANALYZE_AFTER_ROWS = 10_000


def _refresh_planner_statistics(rows: int) -> None:
    """After a bulk load, PostgreSQL's planner still believes the old row counts until autovacuum runs. When the
    look-up keys were one row each, it then planned the call-centre look-up (one key → one person) as a parallel
    scan of thousands of rows, 20–30 ms instead of 0.1 ms (measured on a 1M-person case). The look-up now starts
    from the key's bucket: ANALYZE of the bucket table's key columns, sampled at a small statistics target (migration
    ``0004``: 0.01 s for a million buckets instead of 0.11 s). The victims table is reached by
    primary key only, so its statistics are left to autovacuum: sampling it took 1.6 s of the import on an
    8M-person table, growing with the table."""
    if rows < ANALYZE_AFTER_ROWS or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # The columns the look-up's plan depends on: sampling the keys and lines (bytea) took most of the time.
        cursor.execute(f"ANALYZE {VictimKeyBucket._meta.db_table} (incident_id, bucket, job_id)")


def _add_statistics(case: VictimCase, job: ImportJob) -> None:
    case.persons += job.imported - job.corporations
    case.corporations += job.corporations
    counts = dict(case.item_counts or {})
    for code, n in (job.item_counts or {}).items():
        counts[code] = counts.get(code, 0) + n
    case.item_counts = counts
    case.stats_updated_at = timezone.now()
    case.save(update_fields=["persons", "corporations", "item_counts", "stats_updated_at", "updated_at"])


def _enqueue(job: ImportJob, commit: bool) -> None:
    """Hand the job to the task worker once the current transaction commits."""

    def go():
        from sonae.victims.tasks import run_import

        result = run_import.enqueue(job.pk, commit)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(getattr(result, "id", "")))

    transaction.on_commit(go)


def import_validation_start(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Start the validation task of a job whose mapping is set (the page's "validate every row" step, after
    ``import_job_map``). A job being validated is refused (setting its mapping again puts it back to
    ``uploaded``)."""
    require_provider_of(actor, job.incident, "victims.import")
    if job.status == ImportStatus.VALIDATING:
        raise IllegalTransition("検証中です。終わってから実行してください。")
    with transaction.atomic():
        import_transition(job, ImportStatus.VALIDATING)
        job.phase = "validating"
        job.progress_bytes = 0
        job.error_message = ""
        job.save(update_fields=["phase", "progress_bytes", "error_message", "updated_at"])
        _enqueue(job, commit=False)
    return job


def import_commit_start(*, actor: Actor, job: ImportJob, import_lines: set[int] | None = None) -> ImportJob:
    """The user's confirmation: record the decision on duplicates (when ``import_lines`` is given and the job is
    validated) and start the commit task; a commit that failed half-way resumes after its last batch."""
    require_provider_of(actor, job.incident, "victims.import")
    resumable = job.status == ImportStatus.FAILED and job.chunks_committed > 0
    if job.status != ImportStatus.VALIDATED and not resumable:
        # Not while validating or already committing (a second task would race the first), nor before a
        # validation passed.
        raise IllegalTransition(
            f"取り込みの状態「{ImportStatus(job.status).label}」では取り込めません。検証が終わってから確定してください。"
        )
    with transaction.atomic():
        if import_lines is not None and job.status == ImportStatus.VALIDATED:
            import_decide(actor=actor, job=job, import_lines=import_lines)
        import_transition(job, ImportStatus.COMMITTING)
        job.phase = "committing"
        job.save(update_fields=["phase", "updated_at"])
        _enqueue(job, commit=True)
    return job


def import_cancel(*, actor: Actor | None, job: ImportJob) -> ImportJob:
    """Abandon an import before its commit started (nothing was written)."""
    if actor is not None:
        require_provider_of(actor, job.incident, "victims.import")
    if job.chunks_committed:
        raise IllegalTransition(
            "取り込みが始まっているため取り消せません。取り込みを再実行して完了させてください。"
        )
    with transaction.atomic():
        import_transition(job, ImportStatus.CANCELLED)
        audit_record(action="victims.import_cancelled", target=job, **audit_actor(actor, job.incident))
    return job


def resumable_job(incident, sha256: str) -> ImportJob | None:
    """The unfinished (or finished) job of the same file on this case, for a re-run of the CLI."""
    return (
        ImportJob.objects.filter(incident=incident, source_sha256=sha256)
        .exclude(status=ImportStatus.CANCELLED)
        .order_by("-created_at")
        .first()
    )


def summary_of(job: ImportJob, seconds: float) -> Summary:
    return Summary(
        rows=job.rows,
        imported=job.imported if job.status == ImportStatus.COMMITTED else 0,
        rejected=job.rejected,
        duplicates=job.duplicates,
        seconds=seconds,
    )


def ensure_not_foreign(actor: Actor | None, job: ImportJob) -> None:
    if actor is not None and actor.kind == "provider" and job.incident.provider_id != actor.organisation.pk:
        raise PermissionDenied()
