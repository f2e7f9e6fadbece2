"""Task workers: ids that say where a worker runs, and putting back in the queue the tasks a killed worker left.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again. A worker killed in the
middle (kill -9, the OOM killer, a power cut) leaves its task RUNNING for ever: an import stuck in 取り込み中, a
letter run that blocks the next one. Sonae's long tasks are written to be run again — an import continues after
its last committed batch, a letter run re-renders the batches whose files were not recorded — so such a task only
has to go back in the queue.

Which tasks are abandoned? ``sonae worker`` names itself ``sonae:<node>:<boot>:<pid>:<random>``: the node is the
machine (host name and PID namespace, so two containers are two nodes), the boot is the kernel's boot id.

- A worker of the same node is dead when its process is gone or ran before the last boot: known at once.
- A worker of another node is dead when its heartbeat has stopped: every ``sonae worker`` writes one
  (``WorkerHeartbeat``, by the database's clock) every ``HEARTBEAT_SECONDS`` from a thread beside the task loop,
  and deletes it when it stops cleanly. A heartbeat older than ``SONAE_WORKER_STALE_SECONDS`` (5 minutes) means
  the machine died, froze or lost the database: its tasks go back in the queue. Workers without a heartbeat (a
  plain ``db_worker``, or a worker of a version before heartbeats) are never judged from afar.

Each worker checks when it starts and then every ``REAP_EVERY`` heartbeats, so the tasks of a machine that never
comes back are picked up by the surviving workers within minutes. Taking a task from a worker that only lost the
database for a while is safe: an import's batches are guarded by its watermark (the slower process stops with
``ImportConflict``) and victim ids are unique, and a letter run's batches are unique per run and number.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass

logger = logging.getLogger(__name__)
PREFIX = "sonae"
HEARTBEAT_SECONDS = 30.0
REAP_EVERY = 4  # heartbeats between two checks for abandoned tasks


@dataclass(frozen=True)
class WorkerName:
    node: str
    boot: str
    pid: int


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def node_id() -> str:
    """This machine, as workers name it: host name and PID namespace (PIDs are only comparable inside one)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return hashlib.sha256(f"{socket.gethostname()}\x1f{namespace}".encode()).hexdigest()[:12]


def boot_id() -> str:
    return _read("/proc/sys/kernel/random/boot_id").replace("-", "")[:8]


def worker_id() -> str:
    """A unique id for this worker process (django-tasks-db records it on every task the worker claims)."""
    return f"{PREFIX}:{node_id()}:{boot_id()}:{os.getpid()}:{secrets.token_hex(3)}"


def parse_worker_id(text: str) -> WorkerName | None:
    parts = text.split(":")
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    return WorkerName(node=parts[1], boot=parts[2], pid=int(parts[3]))


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie — killed, not yet reaped by its parent — is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    stat = _read(f"/proc/{pid}/stat")
    return not (stat and stat.rpartition(")")[2].split()[:1] == ["Z"])


def abandoned(worker_ids: list[str], *, node: str, boot: str, stopped: set[str] = frozenset()) -> bool:
    """Whether a RUNNING task whose claims are ``worker_ids`` was left by a dead worker: one of this node whose
    process is gone, or any worker in ``stopped`` (its heartbeat is stale)."""
    last = worker_ids[-1] if worker_ids else ""
    if last in stopped:
        return True
    name = parse_worker_id(last)
    if name is None or name.node != node:
        return False
    return name.boot != boot or not process_alive(name.pid)


def _stale_heartbeats():
    """Heartbeats older than ``SONAE_WORKER_STALE_SECONDS`` by the database's clock: their workers are dead."""
    from datetime import timedelta

    from django.conf import settings
    from django.db.models.functions import Now

    from sonae.core.models import WorkerHeartbeat

    stale = timedelta(seconds=getattr(settings, "SONAE_WORKER_STALE_SECONDS", 300))
    return WorkerHeartbeat.objects.filter(beat_at__lt=Now() - stale)


def requeue_abandoned_tasks() -> list[str]:
    """Put back in the queue the RUNNING tasks that a dead worker left. Returns their ids."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    node, boot = node_id(), boot_id()
    running = [
        (pk, list(claims or []))
        for pk, claims in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "pk", "worker_ids"
        )
    ]
    last_claims = {claims[-1] for _pk, claims in running if claims}
    stopped = set(_stale_heartbeats().filter(worker_id__in=last_claims).values_list("worker_id", flat=True))
    ids = [pk for pk, claims in running if abandoned(claims, node=node, boot=boot, stopped=stopped)]
    if ids:
        # Still RUNNING: two workers checking at once requeue a task once.
        DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        for pk in ids:
            logger.warning("task %s was left running by a dead worker: queued again", pk)
    # Dead workers' heartbeats go, whether they left a task or not (a worker that beats again writes a new one).
    _stale_heartbeats().delete()
    return [str(pk) for pk in ids]


def beat(worker: str) -> None:
    """Record that ``worker`` is alive now (the database's clock)."""
    from django.db.models.functions import Now

    from sonae.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(worker_id=worker, defaults={"beat_at": Now()})


class Heartbeat:
    """A thread that beats for ``worker`` every ``interval`` seconds and, every ``reap_every`` beats, queues again
    the tasks of dead workers. ``stop()`` ends it and removes the heartbeat (a clean stop is not a death)."""

    def __init__(self, worker: str, interval: float = HEARTBEAT_SECONDS, reap_every: int = REAP_EVERY):
        self.worker = worker
        self.interval = interval
        self.reap_every = reap_every
        # Heartbeats written by the thread and checks for abandoned tasks made (for tests and logs).
        self.beats = 0
        self.checks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sonae-worker-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        beat(self.worker)  # before the first task is claimed
        self._thread.start()
        return self

    def _run(self) -> None:
        from django.db import connection

        ticks = 0
        try:
            while not self._stop.wait(self.interval):
                ticks += 1
                try:
                    beat(self.worker)
                    self.beats += 1
                    if ticks % self.reap_every == 0:
                        requeue_abandoned_tasks()
                        self.checks += 1
                except Exception:  # the database may be away for a while: keep beating
                    logger.exception("worker heartbeat failed")
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        from sonae.core.models import WorkerHeartbeat

        self._stop.set()
        self._thread.join(timeout=self.interval + 10)
        WorkerHeartbeat.objects.filter(worker_id=self.worker).delete()
