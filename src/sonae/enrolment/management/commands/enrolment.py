"""``sonae enrolment remind [--at ISO] [--dry-run] [--enqueue]``: send today's deadline reminders.

Prints one JSON summary on stdout: {"date", "sent", "skipped", "dry_run", "items": [...]}.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Enrolment operations. remind: e-mail reminders before each deadline to those who have not acted."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--at", help="the instant to act as of (ISO 8601 with offset; default now)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")
        parser.add_argument("--enqueue", action="store_true", help="run as a background task instead")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from sonae.enrolment.tasks import send_enrolment_reminders

            result = send_enrolment_reminders.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id)}))
            return
        at = None
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(
                    "--at は ISO 8601 形式（例: 2025-09-09T09:00:00+09:00）で指定してください。"
                ) from None
            if at.tzinfo is None:
                raise CommandError("--at には時差（+09:00）を付けてください。")
        from sonae.enrolment.services import reminders_send

        summary = reminders_send(at=at, dry_run=options["dry_run"])
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
