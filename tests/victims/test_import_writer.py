"""The commit pass's writer (importing.pipeline._Writer): batches of chunks, streamed to a writing thread.

The writing itself (``_write_batch``: one transaction a batch) is replaced here by a recorder that consumes each
batch as the real one does, so these tests see what the thread is handed and when, on any database.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from sonae.victims.importing import pipeline

WAIT = 10  # seconds: a generous bound, so a broken hand-over fails the test instead of hanging it


class Recorder:
    """Stands in for ``_write_batch``: records each batch's first chunk and chunks as they arrive."""

    def __init__(self, fail_on_batch: int | None = None):
        self.batches: list[tuple[int, list]] = []
        self.received = threading.Event()  # set whenever a chunk arrives
        self.rolled_back: list[BaseException] = []
        self.fail_on_batch = fail_on_batch

    def __call__(self, job, batch, first_chunk: int, vendor: str) -> int:
        chunks: list = []
        self.batches.append((first_chunk, chunks))
        try:
            for result, _drop in batch:
                chunks.append(result)
                self.received.set()
                if len(self.batches) == self.fail_on_batch:
                    raise RuntimeError("disk full")
        except BaseException as exc:  # the real one rolls its transaction back here
            self.rolled_back.append(exc)
            raise
        return len(chunks)


def _writer(monkeypatch, recorder: Recorder, *, per_batch: int = 3, first: int = 10, threaded: bool = True):
    monkeypatch.setattr(pipeline, "_write_batch", recorder)
    job = SimpleNamespace(chunks_per_batch=per_batch)
    return pipeline._Writer(job, "postgresql", threaded=threaded, first_chunk=first)


@pytest.mark.parametrize("threaded", [True, False])
def test_chunks_are_written_in_batches_in_file_order_from_the_watermark(monkeypatch, threaded):
    recorder = Recorder()
    writer = _writer(monkeypatch, recorder, threaded=threaded)
    with writer.aborting():
        for name in "abcdefg":
            writer.add(name, [])
        writer.end_batch()

    assert writer.close() == 7
    assert recorder.batches == [(10, ["a", "b", "c"]), (13, ["d", "e", "f"]), (16, ["g"])]
    assert writer.thread is None or not writer.thread.is_alive()


def test_a_batch_is_written_as_its_chunks_arrive_not_when_it_is_complete(monkeypatch):
    recorder = Recorder()
    writer = _writer(monkeypatch, recorder, per_batch=4)
    with writer.aborting():
        for name in "abc":
            recorder.received.clear()
            writer.add(name, [])
            # The thread has this chunk in hand while the batch is still open (the COPY streams).
            assert recorder.received.wait(WAIT)
            assert recorder.batches[-1][1][-1] == name
        writer.end_batch()
    assert writer.close() == 3
    assert recorder.batches == [(10, ["a", "b", "c"])]


def test_a_pass_that_fails_mid_batch_rolls_that_batch_back_and_stops_the_thread(monkeypatch):
    recorder = Recorder()
    writer = _writer(monkeypatch, recorder)
    with pytest.raises(ValueError, match="quote"):
        with writer.aborting():
            for name in "abcde":  # one whole batch, then two chunks of the next
                recorder.received.clear()
                writer.add(name, [])
                assert recorder.received.wait(WAIT)
            raise ValueError("unclosed quote")  # as the reader raises on a broken file

    writer.thread.join(WAIT)
    assert not writer.thread.is_alive()
    assert recorder.batches == [(10, ["a", "b", "c"]), (13, ["d", "e"])]
    assert len(recorder.rolled_back) == 1 and isinstance(recorder.rolled_back[0], pipeline._Aborted)
    assert writer.written == 3  # the first batch only


def test_a_failed_write_reaches_the_main_thread_and_nothing_after_it_is_written(monkeypatch):
    recorder = Recorder(fail_on_batch=2)
    writer = _writer(monkeypatch, recorder, per_batch=2)
    with pytest.raises(RuntimeError, match="disk full"):
        with writer.aborting():
            for name in "abcdefgh":
                writer.add(name, [])
            writer.end_batch()
        writer.close()

    assert not writer.thread.is_alive()
    assert recorder.batches[0] == (10, ["a", "b"])
    assert recorder.batches[1] == (12, ["c"])  # failed on its first chunk, rolled back
    assert len(recorder.batches) == 2 and writer.written == 2


def test_a_pass_with_nothing_to_write_starts_no_thread(monkeypatch):
    recorder = Recorder()
    writer = _writer(monkeypatch, recorder)
    with writer.aborting():
        writer.end_batch()
    assert writer.close() == 0
    assert writer.thread is None and recorder.batches == []
