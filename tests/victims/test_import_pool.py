"""The import's worker processes always stop, and an import never waits for ever on one (importing.pipeline).

CI saw two hangs: an import in a task worker whose pool workers had inherited the task worker's "shut down
gracefully" SIGTERM handler and ignored the pool's SIGTERM, and ``Pool.terminate()`` waiting on a handler
thread after an import stopped early with chunks in flight. Workers here are forked, so functions patched into
the worker module in this process are what they run.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from datetime import date

import pytest

from sonae.core.crypto import Keyring, generate_keyring_json
from sonae.victims.importing import pipeline, worker
from sonae.victims.importing.reader import Chunk

BIG = 8 << 20  # a chunk result far larger than a pipe's buffer: a worker writes it in many pieces


def _config() -> worker.WorkerConfig:
    return worker.WorkerConfig(
        encoding="utf-8", mapping=["name", "kana", "birth"], incident_id=7, job_id=3,
        keyring=Keyring.from_json(generate_keyring_json()), today=date(2025, 6, 1), default_items=0,
        aad_prefix=b"victims.victim.record:", mode=worker.VALIDATE,
    )  # fmt: skip


def _chunks(count: int, fail_after: int | None = None):
    for index in range(count):
        if index == fail_after:
            raise ValueError("引用符が閉じられていません")  # as the reader does for an open quote
        yield Chunk(index=index, first_line=2 + index, data=b"x\n", end_offset=index)


def _big_result(chunk, write=False):
    time.sleep(0.05 * (chunk.index % 3))
    return (chunk.index, b"r" * BIG)


def _signal_handlers(chunk, write=False):
    return (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))


def _die_on_the_second_chunk(chunk, write=False):
    if chunk.index == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return chunk.index


def _sleep(seconds):
    time.sleep(seconds)
    return seconds


def _children() -> list:
    return [child for child in multiprocessing.active_children() if child.is_alive()]


def test_an_import_that_stops_with_large_chunks_in_flight_ends_its_workers_at_once(monkeypatch):
    monkeypatch.setattr(worker, "process_chunk", _big_result)
    for _attempt in range(5):
        results = pipeline._results(_chunks(40, fail_after=6), 2, _config(), 0, False)
        started = time.monotonic()
        seen = []
        with pytest.raises(ValueError, match="引用符"):
            for index, data in results:
                seen.append(index)
                assert len(data) == BIG
        assert time.monotonic() - started < 30
        assert seen == list(range(len(seen))) and len(seen) <= 6  # in file order, none after the failure
        assert _children() == []


def test_pool_workers_end_on_sigterm_though_the_process_that_forked_them_ignores_it(monkeypatch):
    """A task worker's SIGTERM handler only asks it to stop after its task; a pool worker must not keep it."""
    monkeypatch.setattr(worker, "process_chunk", _signal_handlers)
    graceful = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: graceful.append(signum))
    try:
        handlers = list(pipeline._results(_chunks(4), 2, _config(), 0, False))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert handlers == [(signal.SIG_DFL, signal.SIG_IGN)] * 4  # Ctrl+C is the parent's to handle
    assert graceful == [] and _children() == []


def test_a_worker_that_dies_fails_the_import_instead_of_leaving_it_waiting(monkeypatch):
    monkeypatch.setattr(worker, "process_chunk", _die_on_the_second_chunk)
    started = time.monotonic()
    with pytest.raises(pipeline.WorkerDied, match="exit code -9"):
        list(pipeline._results(_chunks(6), 2, _config(), 0, False))
    assert time.monotonic() - started < 30
    assert _children() == []


def test_a_worker_that_does_not_finish_in_time_is_killed():
    pool = pipeline._pool(2, _config())
    processes = list(pool._pool)
    pending = deque([pool.apply_async(_sleep, (300,)), pool.apply_async(_sleep, (0,))])
    started = time.monotonic()
    assert pipeline.stop_pool(pool, pending, processes, timeout=1.0) is False
    assert time.monotonic() - started < 10
    for process in processes:
        process.join(5)
        assert process.exitcode == -signal.SIGKILL


def test_a_pool_whose_chunks_are_all_done_stops_cleanly():
    pool = pipeline._pool(2, _config())
    processes = list(pool._pool)
    pending = deque([pool.apply_async(_sleep, (0.2,)), pool.apply_async(_sleep, (0,))])
    assert pipeline.stop_pool(pool, pending, processes, timeout=30) is True
    assert [process.exitcode for process in processes] == [0, 0]  # each read its sentinel and exited
