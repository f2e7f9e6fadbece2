"""Running an import: validation pass and commit pass over a victim list, in parallel, resumable.

The file is cut into record-aligned chunks (``reader``) processed by worker processes (``worker``) on every core;
the parent keeps the chunks in file order, finds duplicates (inside the file, and against the case's earlier
imports, by look-up key) and writes.

Commit (issue 6 point 1; DESIGN §5 "a crash mid-way loses nothing and re-running does not duplicate"): resumable
by batch. A batch is ``chunks_per_batch`` consecutive chunks; it is written in ONE transaction with the job's
watermark (``chunks_committed``), on PostgreSQL by one binary COPY, on SQLite by executemany. A process killed at
any point leaves whole batches only; a re-run of the same file continues after the watermark (the chunks before it
are re-read for duplicate detection but not written). The look-up keys of the whole job are written once, after
the last batch, as buckets (``keys.BucketBuilder``, ``_write_buckets``): a re-run rewrites them, and no look-up
sees the job's persons before it is marked committed. Victim ids are ``job << 24 | line``, so even a second
process racing the first cannot insert a line twice. Rows of a job become part of the statistics when the job is
marked committed, in the last transaction. Why not one all-or-nothing COPY: a million rows in one transaction
gives no progress to show and a kill at 95 % would redo everything; batches cost nothing extra (one COPY per 100k
rows).
"""

from __future__ import annotations

import gc
import importlib.util
import multiprocessing
import os
import queue
import sys
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from sonae.core.keyring import get_keyring
from sonae.jp.calendar import tokyo_date
from sonae.victims.items import ITEM_BITS, mask_of
from sonae.victims.keys import LINE_BITS, BucketBuilder, FirstSeen

from . import worker as worker_module
from .columns import column_name
from .native import loops
from .reader import (
    SAMPLE_BYTES,
    UnreadableFile,
    check_framing,
    csv_chunks,
    detect_encoding,
    is_xlsx,
    split_header,
    xlsx_chunks,
    xlsx_rows,
)

ProgressCallback = Callable[[str, int, int, int], None]  # (phase, bytes done, bytes total, rows so far)
MAX_STORED_ISSUES = 1_000_000


class ImportConflict(RuntimeError):
    """Another process is committing the same job."""


@dataclass
class PassResult:
    rows: int = 0
    rejected: int = 0
    duplicates: int = 0
    to_import: int = 0
    written: int = 0
    corporations: int = 0
    item_counts: dict = field(default_factory=dict)
    issues: list = field(default_factory=list)  # (kind, line, column, message, dup_line, dup_victim, basis)


class _Prefixed:
    """A stream with bytes put back in front (the sample read to detect the file type)."""

    def __init__(self, prefix: bytes, raw):
        self.prefix = prefix
        self.raw = raw

    def read(self, size: int = -1) -> bytes:
        if not self.prefix:
            return self.raw.read(size)
        if size is None or size < 0:
            data, self.prefix = self.prefix + self.raw.read(), b""
            return data
        data, self.prefix = self.prefix[:size], self.prefix[size:]
        if len(data) < size:
            data += self.raw.read(size - len(data))
        return data


@dataclass
class Source:
    """What the pipeline reads: a function opening the plaintext as a binary stream, and its size."""

    open: Callable
    size: int


def inspect_source(source: Source, chunk_bytes: int) -> tuple[str, str, list[str]]:
    """(kind, encoding, headers) of a file: "csv"/"xlsx", the text encoding (CSV), the header row."""
    stream = source.open()
    try:
        sample = stream.read(SAMPLE_BYTES)
        if not sample:
            raise UnreadableFile("ファイルが空です。")
        if is_xlsx(sample):
            import io

            headers, _rows = xlsx_rows(io.BytesIO(sample + stream.read()))
            return "xlsx", "", headers
        encoding = detect_encoding(sample)
        check_framing(encoding)
        headers, _rest, _consumed, _lines = split_header(_Prefixed(sample, stream), encoding)
        return "csv", encoding, headers
    finally:
        stream.close()


@contextmanager
def _chunks(source: Source, kind: str, encoding: str, mapping: list[str], chunk_bytes: int):
    stream = source.open()
    try:
        if kind == "xlsx":
            import io

            _headers, rows = xlsx_rows(io.BytesIO(stream.read()))
            yield xlsx_chunks(rows, mapping)
            return
        _headers, rest, consumed, header_lines = split_header(stream, encoding)
        yield csv_chunks(stream, rest, consumed, first_line=1 + header_lines, chunk_bytes=chunk_bytes)
    finally:
        stream.close()


def _pool(workers: int, config: worker_module.WorkerConfig):
    # fork: workers start in milliseconds with the worker code already imported. They inherit the parent's open
    # database socket but never touch it, and end with os._exit (multiprocessing's fork start does), so no
    # finaliser can close or write to the parent's connection. (forkserver/spawn would re-import the __main__
    # module of whatever started the import — the console script, gunicorn, a task worker.)
    context = multiprocessing.get_context("fork")
    return context.Pool(workers, initializer=worker_module.init_worker, initargs=(config, True))


def worker_count(size: int, chunk_bytes: int, requested: int | None) -> int:
    """Worker processes to use: none for small files (starting them costs more than they save)."""
    if requested is not None:
        return requested
    if size < 2 * chunk_bytes:
        return 0
    return max(1, min(os.cpu_count() or 1, 8))


def fast_engine(workers: int) -> bool:
    """Whether the worker processes parse and normalise plain chunks with polars (``fast``).

    A fork copies one thread only, so the children must not need anything another thread held at that moment:
    - polars' thread pool does not survive a fork (a child's first polars call waits for ever), so the fast path
      is off in a process that has run polars itself (``fast.has_run``), or where something else loaded it;
    - polars is loaded here, before the fork, and not run (it starts no thread until it is run): the children do
      not load a native library themselves, and no other thread of this process (a task worker's heartbeat, the
      import's writer) ever holds a lock of polars' or its allocator's.
    So the CLI and the task workers (imports started from the case page) both take it. (An import in a task
    worker that never finished, in three CI runs, had once been put down to polars; its cause was the pool
    workers keeping the task worker's SIGTERM handler, see ``worker._default_signals``.)

    ``SONAE_IMPORT_FAST=0`` turns the fast path off (the pure-Python path gives the same results)."""
    if workers == 0 or os.environ.get("SONAE_IMPORT_FAST", "1") == "0":
        return False
    loaded = sys.modules.get("sonae.victims.importing.fast")
    if loaded is None:
        if "polars" in sys.modules or importlib.util.find_spec("polars") is None:
            return False  # loaded (and perhaps run) by something else, or not installed
        from . import fast as loaded
    return not loaded.has_run()


def _results(chunks: Iterator, workers: int, config, write_from: int, write: bool) -> Iterator:
    """Chunk results in file order. At most two chunks per worker are in flight (bounded memory)."""
    if workers == 0:
        worker_module.init_worker(config)
        for chunk in chunks:
            yield worker_module.process_chunk(chunk, write and chunk.index >= write_from)
        return
    pool = _pool(workers, config)
    processes = list(pool._pool)  # the pool's worker processes (it has no public accessor)
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(
                pool.apply_async(worker_module.process_chunk, (chunk, write and chunk.index >= write_from))
            )
            if len(pending) >= 2 * workers:
                yield _get(pending.popleft(), processes)
        while pending:
            yield _get(pending.popleft(), processes)
    finally:
        stop_pool(pool, pending, processes)


class WorkerDied(RuntimeError):
    """A worker process ended while the import still needed it (killed, out of memory)."""


def _get(result, processes: list) -> object:
    """The result of a chunk. A pool never hears of a worker that dies: its chunk would be waited for forever.
    The workers end only when told to (no ``maxtasksperchild``), so one that has ended has died."""
    while not result.ready():
        result.wait(1.0)
        dead = _dead(processes)
        if dead and not result.ready():
            raise WorkerDied(f"an import worker process ended (exit code {dead[0]})")
    return result.get()


def _dead(processes: list) -> list[int]:
    """Exit codes of the worker processes that have ended."""
    return [process.exitcode for process in processes if process.exitcode is not None]


STOP_SECONDS = 60.0


def stop_pool(pool, pending: deque, processes: list, timeout: float = STOP_SECONDS) -> bool:
    """Stop the worker processes, never waiting longer than ``timeout``; whether they stopped cleanly.

    Not ``Pool.terminate()``: it can wait for ever. It SIGTERMs workers that may be writing a result (the
    pool's result thread then waits for the rest of a message that never comes: seen in CI, an import stopped
    by an unreadable file while chunks were in flight), and it takes the task queue's lock while a worker may
    still need it to read its end-of-work sentinel. Instead the chunks in flight are waited for (an import that
    stops early loses at most two chunks of work per worker), then ``close()`` lets each worker read its
    sentinel and exit. A worker that does not finish in time is killed and the pool's threads are left to
    end with the process (daemon threads). ``processes``: the workers the pool started with (it replaces a
    dead one behind our back)."""
    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(0.0, deadline - time.monotonic())

    processes = processes + [process for process in pool._pool if process not in processes]
    for result in pending:
        while not result.ready() and left() > 0 and not _dead(processes):
            result.wait(min(left(), 0.5))
    # A dead worker's chunk stays in the pool's books: the pool would never send the end-of-work sentinels.
    if all(result.ready() for result in pending) and not _dead(processes):
        pool.close()
        for process in processes:
            process.join(left())
        if not any(process.is_alive() for process in processes):
            pool.join()  # its threads end once every worker has read its sentinel and exited
            return True
    # terminate() from a daemon thread, waited for briefly: it stops the pool from replacing workers and releases
    # its pipes and threads when it can. It cannot hold up the import, nor the interpreter's exit (once called,
    # it is no longer registered to run then). A killed worker may hold the task queue's lock: then it waits
    # for ever, in that thread only.
    stopper = threading.Thread(target=pool.terminate, name="sonae-import-pool-stop", daemon=True)
    stopper.start()
    for process in processes:
        process.kill()
    stopper.join(2.0)
    for process in pool._pool:  # started by the pool in the meantime
        process.kill()
    return False


def existing_keys(incident_id: int, job_id: int, expected: int = 0) -> FirstSeen:
    """Look-up keys of the case's victims from other imports → -(victim id) (negative: "already on the list").

    An import's keys are there once its commit pass has finished (they are written at its end, see
    ``_write_buckets``); a cancelled import never wrote any rows. ``expected``: about how many keys the file
    will add; the table is made large enough for them at once (growing it rehashes every key)."""
    from sonae.victims.models import ImportStatus, VictimKeyBucket

    rows = (
        VictimKeyBucket.objects.filter(incident_id=incident_id)
        .exclude(job_id=job_id)
        .exclude(job__status=ImportStatus.CANCELLED)
        .values_list("job_id", "keys", "lines")
    )
    keys, ids = [], []
    for other, bucket_keys, bucket_lines in rows.iterator(chunk_size=2000):
        keys.append(np.frombuffer(bytes(bucket_keys), dtype=">i8").astype(np.int64))
        ids.append(-((other << LINE_BITS) | np.frombuffer(bytes(bucket_lines), dtype=">u4").astype(np.int64)))
    known = sum(map(len, keys))
    table = FirstSeen(capacity=2 * (known + expected), native=loops())
    if keys:
        table.setdefault_many(np.concatenate(keys), np.concatenate(ids))
    return table


def run_pass(job, source: Source, **options) -> PassResult:
    """Validate (``commit=False``) or validate-and-write (``commit=True``) the whole file of ``job``.

    Duplicates are decided the same way in both passes (deterministic, in file order): a row is a duplicate when
    its kana+birth or patient-ID key was seen on an earlier line or is on the case's list already. Duplicates are
    written only when the job's policy says so or the user ticked that line (``ImportIssue.import_anyway``).
    """
    # Millions of short-lived containers and no reference cycles: the cyclic collector would only cost time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_pass(job, source, **options)
    finally:
        if enabled:
            gc.enable()


def _run_pass(
    job,
    source: Source,
    *,
    commit: bool,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    today: date | None = None,
) -> PassResult:
    from sonae.victims.models import ImportIssue, IssueKind, Victim

    if today is None:
        today = tokyo_date(timezone.now())
    keyring = get_keyring()
    vendor = connection.vendor
    mode = worker_module.VALIDATE
    if commit:
        mode = worker_module.COPY if vendor == "postgresql" else worker_module.ROWS
    record_field = Victim._meta.get_field("record")
    config = worker_module.WorkerConfig(
        encoding="utf-8" if job.encoding == "utf-8-sig" else job.encoding,
        mapping=list(job.mapping),
        incident_id=job.incident_id,
        job_id=job.pk,
        keyring=keyring,
        today=today,
        default_items=mask_of(job.default_items or []),
        aad_prefix=record_field.aad_for(uuid.UUID(int=0))[:-16],
        mode=mode,
    )
    seen = None  # read once the worker processes have started: they need not inherit the table
    import_anyway: set[int] = set()
    if commit:
        import_anyway = set(
            ImportIssue.objects.filter(job=job, kind=IssueKind.DUPLICATE, import_anyway=True).values_list(
                "line", flat=True
            )
        )
    take_duplicates = job.duplicate_policy == "import"
    write_from = job.chunks_committed if commit else 0
    count = worker_count(source.size, job.chunk_bytes, workers)
    config.fast = fast_engine(count)
    result = PassResult()
    masks: Counter = Counter()
    headers = list(job.headers)
    buckets = BucketBuilder()
    threaded = commit and vendor == "postgresql" and not connection.in_atomic_block
    writer = _Writer(job, vendor, threaded=threaded, first_chunk=write_from)
    chunks = _chunks(source, job.file_kind, config.encoding, config.mapping, job.chunk_bytes)
    with writer.aborting(), chunks as chunk_iterator:
        for chunk_result in _results(chunk_iterator, count, config, write_from, commit):
            result.rows += chunk_result.rows
            for line, column, message in chunk_result.errors:
                result.issues.append(
                    (
                        IssueKind.ERROR,
                        line,
                        column_name(headers, column) if column >= 0 else "",
                        message,
                        None,
                        None,
                        "",
                    )
                )
            rejected_lines = {line for line, _c, _m in chunk_result.errors}
            result.rejected += len(rejected_lines)
            lines, kana_keys, patient_keys = (
                chunk_result.lines,
                chunk_result.kana_keys,
                chunk_result.patient_keys,
            )
            items, corporate = chunk_result.items, chunk_result.corporate
            lines_array = np.asarray(lines, dtype=np.int64)
            if seen is None:
                # Two keys a row; rows estimated from the first chunk's bytes per row.
                rows_ahead = chunk_result.rows * source.size // max(chunk_result.end_offset, 1)
                seen = existing_keys(job.incident_id, job.pk, expected=2 * rows_ahead)
            # First occurrence of every key, a whole chunk at a time (rows without a key carry -1 and are their
            # own first occurrence).
            first_a = seen.setdefault_many(kana_keys, lines_array)
            first_b = seen.setdefault_many(patient_keys, lines_array)
            drop: list[int] = []
            candidates = np.flatnonzero((first_a != lines_array) | (first_b != lines_array)).tolist()
            first_a, first_b = first_a[candidates].tolist(), first_b[candidates].tolist()
            for i, first_kana, first_patient in zip(candidates, first_a, first_b, strict=True):
                line = lines[i]
                if first_kana != line:
                    first, basis = first_kana, "kana_birth"
                else:
                    first, basis = first_patient, "patient_id"
                result.duplicates += 1
                if first < 0:
                    message = "この案件に登録済みの対象者と重複しています"
                    dup_line, dup_victim = None, -first
                else:
                    message = f"{first}行目と重複しています"
                    dup_line, dup_victim = first, None
                message += "（フリガナ＋生年月日）。" if basis == "kana_birth" else "（患者ID）。"
                result.issues.append((IssueKind.DUPLICATE, line, "", message, dup_line, dup_victim, basis))
                if not (take_duplicates or line in import_anyway):
                    drop.append(i)
            kept = len(lines) - len(drop)
            result.to_import += kept
            # Item masks counted with numpy: a chunk holds few distinct ones (Counter.update went row by row).
            kept_masks = np.frombuffer(items, dtype=np.int64)
            kept_corporate = np.frombuffer(corporate, dtype=np.int8)
            if drop:
                kept_masks, kept_corporate = np.delete(kept_masks, drop), np.delete(kept_corporate, drop)
            result.corporations += int(np.count_nonzero(kept_corporate))
            distinct, counts = np.unique(kept_masks, return_counts=True)
            masks.update(dict(zip(distinct.tolist(), counts.tolist(), strict=True)))
            if commit:
                buckets.add(kana_keys, lines, drop)
                buckets.add(patient_keys, lines, drop)
                if chunk_result.index >= write_from:
                    writer.add(chunk_result, drop)
            elif progress is None or chunk_result.index % 4 == 0:
                _save_progress(job, "validating", chunk_result.end_offset)
            if progress is not None:
                progress(
                    "commit" if commit else "validate", chunk_result.end_offset, source.size, result.rows
                )
        writer.end_batch()
    if commit:
        # Laid out and written while the writer thread sends the last chunks (another connection, another
        # transaction: the job's persons are found by no look-up before it is marked committed anyway).
        try:
            _write_buckets(job, vendor, _bucket_rows(job, vendor, buckets))
        finally:
            result.written = writer.close()

    counts: Counter = Counter()
    for mask, n in masks.items():
        for bit, code in enumerate(ITEM_BITS):
            if mask >> bit & 1:
                counts[code] += n
    result.item_counts = dict(counts)
    return result


class _Writer:
    """Writes the chunks of a commit pass, ``job.chunks_per_batch`` chunks to a batch (``_write_batch``: one
    transaction each, the watermark moved with the rows).

    On PostgreSQL outside a transaction (the CLI, a task worker) a thread with its own database connection does
    the writing, and streams: a batch's COPY opens when its first chunk arrives and takes each chunk as it comes.
    So the worker processes keep computing, the main thread takes the next chunks in and PostgreSQL keeps
    writing, instead of taking turns; and when the last chunk arrives only that chunk is left to send, not a
    whole batch. The thread starts with the first chunk (after the worker processes are forked: a fork copies one
    thread only). If the pass fails, the batch being streamed is rolled back (``aborting``). Inside a transaction
    (tests) and on SQLite a batch is collected and written inline when complete.
    """

    def __init__(self, job, vendor: str, *, threaded: bool, first_chunk: int):
        self.job = job
        self.vendor = vendor
        self.threaded = threaded
        self.per_batch = max(1, job.chunks_per_batch)
        self.first = first_chunk  # the first chunk of the batch being handed over
        self.handed = 0  # how many of its chunks were handed over
        self.pending: list = []  # those chunks (inline writing)
        self.written = 0
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        # Bounded memory: at most one batch's worth of chunks waiting for the thread.
        self.queue: queue.Queue = queue.Queue(maxsize=self.per_batch)

    def add(self, result, drop: list) -> None:
        """The next chunk to write (file order), and the positions of its rows not to import."""
        if not self.threaded:
            self.pending.append((result, drop))
        else:
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, args=(self.first,), name="victims-import-writer", daemon=True
                )
                self.thread.start()
            self._put((result, drop))
        self.handed += 1
        if self.handed == self.per_batch:
            self.end_batch()

    def end_batch(self) -> None:
        """Close the batch being handed over (nothing to do when it is empty)."""
        if not self.handed:
            return
        if not self.threaded:
            self.written += _write_batch(self.job, self.pending, self.first, self.vendor)
            self.pending = []
        else:
            self._put(_END)
        self.first += self.handed
        self.handed = 0

    def close(self) -> int:
        """Wait for the writes; raise the writer's error if it had one. Returns the rows written."""
        self._finish(_STOP)
        if self.error is not None:
            raise self.error
        return self.written

    @contextmanager
    def aborting(self):
        """Roll back the batch being streamed when the block fails (no transaction is left open)."""
        try:
            yield self
        except BaseException:
            self._finish(_ABORT)
            raise

    def _finish(self, mark) -> None:
        if self.thread is not None and self.thread.is_alive():
            self.queue.put(mark)
            self.thread.join()

    def _put(self, item) -> None:
        if self.error is not None:
            self.close()  # raises it
        self.queue.put(item)

    def _run(self, first: int) -> None:
        from django.db import connection as thread_connection

        try:
            # A batch starts with a chunk (``end_batch`` marks only a batch that has one).
            while (item := self.queue.get()) is not _STOP and item is not _ABORT:
                chunks = _Stream(self.queue, item)
                if self.error is None:
                    try:
                        self.written += _write_batch(self.job, chunks, first, self.vendor)
                    except BaseException as exc:  # handed to the main thread
                        self.error = exc
                first += chunks.drain()
                if chunks.mark is not _END:
                    return
        finally:
            thread_connection.close()


# The marks on the writer's queue: the end of a batch; no more chunks; the pass failed.
_END, _STOP, _ABORT = object(), object(), object()


class _Aborted(Exception):
    """The pass failed while a batch was being streamed: its transaction must not commit."""


class _Stream:
    """The chunks of one batch as they arrive on the writer's queue, from ``first`` up to a mark (``mark``)."""

    def __init__(self, source: queue.Queue, first):
        self.source = source
        self.first = first
        self.mark = None
        self.count = 0

    def __iter__(self):
        while self.mark is None:
            if self.first is not None:
                item, self.first = self.first, None
            else:
                item = self.source.get()
            if item is _END or item is _STOP or item is _ABORT:
                self.mark = item
                break
            self.count += 1
            yield item
        if self.mark is _ABORT:
            raise _Aborted()

    def drain(self) -> int:
        """Consume what is left of the batch (after an error): the number of chunks it had."""
        try:
            for _item in self:
                pass
        except _Aborted:
            pass
        return self.count


def _save_progress(job, phase: str, done: int) -> None:
    from sonae.victims.models import ImportJob

    ImportJob.objects.filter(pk=job.pk).update(phase=phase, progress_bytes=done, updated_at=timezone.now())


def _write_batch(job, batch, first_chunk: int, vendor: str) -> int:
    """Write the kept rows of ``batch`` (an iterable of (chunk result, positions to drop), consumed as it comes)
    and move the watermark, in one transaction. Returns rows written."""
    from sonae.victims.models import ImportJob

    chunks: list = []  # the chunk results written, for the watermark
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.chunks_committed != first_chunk:
            raise ImportConflict(
                f"import job {job.pk}: expected watermark {first_chunk}, found {locked.chunks_committed}"
            )
        if vendor == "postgresql":
            written = _copy_batch(_noting(batch, chunks))
        else:
            written = _insert_batch(_noting(batch, chunks))
        ImportJob.objects.filter(pk=job.pk).update(
            chunks_committed=first_chunk + len(chunks),
            imported=locked.imported + written,
            progress_bytes=chunks[-1].end_offset,
            phase="committing",
            updated_at=timezone.now(),
        )
    job.chunks_committed = first_chunk + len(chunks)
    job.imported += written
    return written


def _noting(batch: Iterable, results: list) -> Iterator:
    """The items of ``batch``, noting each one's chunk result in ``results`` as it passes."""
    for result, drop in batch:
        results.append(result)
        yield result, drop


def _copy_batch(batch: Iterable) -> int:
    from sonae.victims.importing.worker import COPY_HEADER, COPY_TRAILER, VICTIM_COPY_COLUMNS

    written = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY victims_victim ({', '.join(VICTIM_COPY_COLUMNS)}) FROM STDIN (FORMAT binary)"
        ) as copy:
            copy.write(COPY_HEADER)
            for result, drop in batch:
                offsets = result.offsets
                count = len(offsets) - 1 if offsets else 0
                if not drop:
                    copy.write(result.payload)
                    written += count
                    continue
                # The rows between two dropped ones go as one slice (a chunk drops a few of its 25,000 rows).
                dropped = sorted(set(drop))
                view = memoryview(result.payload)
                runs, start = [], 0
                for i in dropped:
                    runs.append(view[offsets[start] : offsets[i]])
                    start = i + 1
                runs.append(view[offsets[start] : offsets[count]])
                copy.write(b"".join(runs))
                written += count - len(dropped)
            copy.write(COPY_TRAILER)
    return written


def _insert_batch(batch: Iterable) -> int:
    from sonae.victims.importing.worker import VICTIM_COPY_COLUMNS

    victims: list = []
    for result, drop in batch:
        if drop:
            dropped_ids = {result.victim_rows[i][0] for i in drop}
            victims.extend(r for r in result.victim_rows if r[0] not in dropped_ids)
        else:
            victims.extend(result.victim_rows)
    placeholders = ", ".join(["%s"] * len(VICTIM_COPY_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO victims_victim ({', '.join(VICTIM_COPY_COLUMNS)}) VALUES ({placeholders})", victims
        )
    return len(victims)


def _bucket_rows(job, vendor: str, buckets: BucketBuilder) -> list:
    """The job's ``VictimKeyBucket`` rows: models (SQLite) or its binary COPY tuples in one block (PostgreSQL)."""
    from sonae.victims.models import VictimKeyBucket

    if vendor != "postgresql":
        return [
            VictimKeyBucket(incident_id=job.incident_id, job_id=job.pk, bucket=b, keys=k, lines=n)
            for b, k, n in buckets.buckets()
        ]
    return [buckets.copy_rows(job.incident_id, job.pk, loops())]


def _write_buckets(job, vendor: str, rows: list) -> None:
    """Write the job's look-up keys (``VictimKeyBucket``, from ``_bucket_rows``), replacing any left by an earlier
    run of the same job, in one transaction. Until the job is marked committed its victims are found by no
    look-up anyway."""
    from sonae.victims.models import VictimKeyBucket

    with transaction.atomic():
        VictimKeyBucket.objects.filter(job_id=job.pk).delete()
        if vendor != "postgresql":
            VictimKeyBucket.objects.bulk_create(rows, batch_size=500)
            return
        from sonae.victims.importing.worker import COPY_HEADER, COPY_TRAILER

        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                "COPY victims_victimkeybucket (incident_id, job_id, bucket, keys, lines) FROM STDIN (FORMAT binary)"
            ) as copy:
                copy.write(COPY_HEADER)
                for block in rows:
                    copy.write(block)
                copy.write(COPY_TRAILER)


def timed(fn):
    """(result, seconds) of calling ``fn``."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start
