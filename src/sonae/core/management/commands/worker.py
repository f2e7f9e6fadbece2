"""``sonae worker``: run a background task worker (django-tasks-db's ``db_worker``)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background task worker against the database queue (any number may run on any machine)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="queues to process (default: all)")
        parser.add_argument("--batch", action="store_true", help="process the queue and exit")

    def handle(self, *args, **options):
        args = ["--queue-name", options["queue_name"]]
        if options["batch"]:
            args.append("--batch")
        call_command("db_worker", *args)
