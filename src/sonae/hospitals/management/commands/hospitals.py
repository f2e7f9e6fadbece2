"""``sonae hospitals remind [--at ISO] [--dry-run] [--enqueue]``: remind contractors that have not answered a
hospital's checklist request.

Prints one JSON summary on stdout: {"date", "sent", "completed", "dry_run", "items": [...]}.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Hospital portal operations. remind: weekly reminders of unanswered checklist requests."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"])
        parser.add_argument("--at", help="the instant to act as of (ISO 8601 with offset; default now)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent, send nothing")
        parser.add_argument("--enqueue", action="store_true", help="run as a background task instead")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from sonae.hospitals.tasks import send_checklist_reminders

            result = send_checklist_reminders.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id)}))
            return
        at = None
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(
                    "--at は ISO 8601 形式（例: 2026-09-09T09:00:00+09:00）で指定してください。"
                ) from None
            if at.tzinfo is None:
                raise CommandError("--at には時差（+09:00）を付けてください。")
        from sonae.hospitals.services import checklist_reminders_send

        summary = checklist_reminders_send(now=at, dry_run=options["dry_run"])
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
