"""``sonae incidents remind``: send the task reminders that are due (for cron or any scheduler).

Prints one JSON line ``{"reminded": N}``. Safe to run as often as wanted and from several machines at once:
each task's due date is reminded once (see ``task_reminders_send``).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from sonae.incidents.services import task_reminders_send


class Command(BaseCommand):
    help = "インシデント対応のタスク期限の前営業日リマインドを送信します。例: sonae incidents remind"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="action", required=True)
        actions.add_parser(
            "remind",
            help="期限の前営業日を迎えたタスクの担当者に通知する",
            description="期限の前営業日を迎えた未完了タスクの担当者に、アプリ内通知とメールを送ります。",
        )

    def handle(self, *args, **options):
        if options["action"] == "remind":
            reminded = task_reminders_send(now=timezone.now())
            self.stdout.write(json.dumps({"reminded": reminded}))
