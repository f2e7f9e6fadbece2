"""``sonae worker``: run a background task worker (django-tasks-db's ``db_worker``).

On start it queues again the tasks that a killed worker of this machine left running (``sonae.core.workers``):
restarting the worker after a crash resumes the import or letter run it was doing.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sonae.core.workers import requeue_abandoned_tasks, worker_id


class Command(BaseCommand):
    help = "Run a background task worker against the database queue (any number may run on any machine)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="queues to process (default: all)")
        parser.add_argument("--batch", action="store_true", help="process the queue and exit")

    def handle(self, *args, **options):
        requeued = requeue_abandoned_tasks()
        if requeued:
            self.stderr.write(f"queued again {len(requeued)} task(s) left running by a stopped worker")
        args = ["--queue-name", options["queue_name"], "--worker-id", worker_id()]
        if options["batch"]:
            args.append("--batch")
        call_command("db_worker", *args)
