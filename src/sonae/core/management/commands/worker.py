"""``sonae worker``: run a background task worker (django-tasks-db's ``db_worker``).

On start, and then every few minutes, it queues again the tasks that a dead worker left running
(``sonae.core.workers``): a killed worker of this machine at once, a worker of any machine whose heartbeat has
stopped after ``SONAE_WORKER_STALE_SECONDS``. The import or letter run it was doing resumes.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sonae.core.workers import Heartbeat, requeue_abandoned_tasks, worker_id


class Command(BaseCommand):
    help = "Run a background task worker against the database queue (any number may run on any machine)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="queues to process (default: all)")
        parser.add_argument("--batch", action="store_true", help="process the queue and exit")

    def handle(self, *args, **options):
        requeued = requeue_abandoned_tasks()
        if requeued:
            self.stderr.write(f"queued again {len(requeued)} task(s) left running by a stopped worker")
        worker = worker_id()
        args = ["--queue-name", options["queue_name"], "--worker-id", worker]
        if options["batch"]:
            args.append("--batch")
        heartbeat = Heartbeat(worker).start()
        try:
            call_command("db_worker", *args)
        finally:
            heartbeat.stop()
