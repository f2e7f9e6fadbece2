"""``sonae worker`` queues again the tasks a killed worker of its machine left RUNNING (sonae.core.workers), and
only those: a task whose worker is alive, or runs on another machine, is not taken from it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from sonae.core.workers import boot_id, node_id, process_alive, requeue_abandoned_tasks, worker_id
from sonae.victims.tasks import run_letters

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _running_task(claimed_by: str) -> DBTaskResult:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        result = run_letters.enqueue(1)
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(claimed_by)
    return task


def test_a_task_left_by_a_dead_worker_of_this_machine_is_queued_again():
    task = _running_task(f"sonae:{node_id()}:{boot_id()}:{_dead_pid()}:abc123")

    assert requeue_abandoned_tasks() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_task_from_before_the_last_boot_is_queued_again_even_if_its_pid_is_in_use_now():
    task = _running_task(f"sonae:{node_id()}:00000000:{os.getpid()}:abc123")

    assert requeue_abandoned_tasks() == [str(task.pk)]


@pytest.mark.parametrize(
    "claimed_by",
    [
        "alive",  # this very process
        "other_node",  # a worker on another machine: its own machine recovers it
        "foreign",  # a worker started without sonae worker (plain db_worker): nothing known about it
    ],
)
def test_a_task_of_a_live_worker_or_of_another_machine_is_left_running(claimed_by):
    worker = {
        "alive": worker_id(),
        "other_node": f"sonae:000000000000:{boot_id()}:{_dead_pid()}:abc123",
        "foreign": "Nq0ZP2kXv4WcY8Rs1aT6bU3dE7fG9hJ5",
    }[claimed_by]
    task = _running_task(worker)

    assert requeue_abandoned_tasks() == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_killed_process_not_yet_reaped_counts_as_dead():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert process_alive(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, still a zombie
        assert not process_alive(child.pid)
    finally:
        child.wait()


# -- heartbeats: workers of other machines ------------------------------------------------------------------------

OTHER_MACHINE = f"sonae:000000000000:{boot_id()}:4242:abc123"


def _heartbeat(worker: str, seconds_ago: int) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sonae.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker, defaults={"beat_at": timezone.now() - timedelta(seconds=seconds_ago)}
    )


@override_settings(SONAE_WORKER_STALE_SECONDS=300)
def test_a_task_of_another_machine_whose_worker_stopped_beating_is_queued_again():
    from sonae.core.models import WorkerHeartbeat

    task = _running_task(OTHER_MACHINE)
    _heartbeat(OTHER_MACHINE, seconds_ago=301)

    assert requeue_abandoned_tasks() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == "READY"
    assert not WorkerHeartbeat.objects.filter(worker_id=OTHER_MACHINE).exists()


@override_settings(SONAE_WORKER_STALE_SECONDS=300)
def test_a_task_of_another_machine_whose_worker_still_beats_is_left_running():
    task = _running_task(OTHER_MACHINE)
    _heartbeat(OTHER_MACHINE, seconds_ago=200)

    assert requeue_abandoned_tasks() == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db(transaction=True)
@override_settings(SONAE_WORKER_STALE_SECONDS=300)
def test_the_heartbeat_thread_beats_reaps_stopped_workers_and_leaves_no_trace_on_a_clean_stop():
    import time

    from sonae.core.models import WorkerHeartbeat
    from sonae.core.workers import Heartbeat

    task = _running_task(OTHER_MACHINE)
    _heartbeat(OTHER_MACHINE, seconds_ago=3600)
    me = worker_id()
    heartbeat = Heartbeat(me, interval=0.05, reap_every=2).start()
    try:
        # This thread keeps off the database while the heartbeat runs (SQLite's shared in-memory test database
        # refuses a read of a table another connection is writing instead of waiting).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (heartbeat.beats < 3 or heartbeat.checks < 1):
            time.sleep(0.05)
    finally:
        heartbeat.stop()
    assert heartbeat.beats >= 3 and heartbeat.checks >= 1  # it kept beating and looked for dead workers
    task.refresh_from_db()
    assert task.status == "READY"  # and found the dead worker's task
    assert not WorkerHeartbeat.objects.filter(worker_id=me).exists()  # a clean stop leaves no heartbeat


@override_settings(SONAE_WORKER_STALE_SECONDS=300)
def test_stale_heartbeats_of_workers_without_a_task_are_removed_and_fresh_ones_kept():
    from sonae.core.models import WorkerHeartbeat

    _heartbeat("sonae:000000000000:00000000:1:dead01", seconds_ago=301)
    _heartbeat("sonae:000000000000:00000000:2:alive2", seconds_ago=10)

    assert requeue_abandoned_tasks() == []
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [
        "sonae:000000000000:00000000:2:alive2"
    ]
