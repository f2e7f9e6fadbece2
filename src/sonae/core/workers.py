"""Task workers: ids that say where a worker runs, and putting back in the queue the tasks a killed worker left.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again. A worker killed in the
middle (kill -9, the OOM killer, a power cut) leaves its task RUNNING for ever: an import stuck in 取り込み中, a
letter run that blocks the next one. Sonae's long tasks are written to be run again — an import continues after
its last committed batch, a letter run re-renders the batches whose files were not recorded — so such a task only
has to go back in the queue.

Which tasks are abandoned? ``sonae worker`` names itself ``sonae:<node>:<boot>:<pid>:<random>``: the node is the
machine (host name and PID namespace, so two containers are two nodes), the boot is the kernel's boot id. When a
worker starts it requeues the RUNNING tasks last claimed by a worker of its own node whose process is gone, or that
ran before the last boot. Tasks of other nodes are left alone: the next worker started there recovers them (the
tasks of a machine that never comes back stay RUNNING until an operator requeues them).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
from dataclasses import dataclass

logger = logging.getLogger(__name__)
PREFIX = "sonae"


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


def abandoned(worker_ids: list[str], *, node: str, boot: str) -> bool:
    """Whether a RUNNING task whose claims are ``worker_ids`` was left by a dead worker of this node."""
    name = parse_worker_id(worker_ids[-1]) if worker_ids else None
    if name is None or name.node != node:
        return False
    return name.boot != boot or not process_alive(name.pid)


def requeue_abandoned_tasks() -> list[str]:
    """Put back in the queue the RUNNING tasks that a dead worker of this node left. Returns their ids."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    node, boot = node_id(), boot_id()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
    ids = [pk for pk, claims in running if abandoned(list(claims or []), node=node, boot=boot)]
    if ids:
        # Still RUNNING: two workers starting at once requeue a task once.
        DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        for pk in ids:
            logger.warning("task %s was left running by a dead worker: queued again", pk)
    return [str(pk) for pk in ids]
