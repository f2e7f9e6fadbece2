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
