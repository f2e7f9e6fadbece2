"""``sonae webhooks sweep``: queue the webhook deliveries that are due and emit ``duty.overdue`` events.

Run it from the scheduler every few minutes (docs/operations.md); safe to run as often as wanted and on several
machines at once (each delivery is claimed by one attempt; each overdue event is emitted once). Prints one JSON
line ``{"requeued": N, "overdue_checked": M, "pruned": P}`` (finished deliveries older than the retention period
are deleted).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Webhookの再送待ちの送信を実行キューに入れ、法的対応の期限超過イベントを発行します: webhooks sweep"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sweep"], help="sweep: 再送・期限超過の処理")

    def handle(self, *args, action: str, **options):
        from sonae.webhooks.emitters import duties_overdue_sweep
        from sonae.webhooks.services import deliveries_prune, deliveries_requeue_due

        now = timezone.now()
        overdue = duties_overdue_sweep(now=now)
        requeued = deliveries_requeue_due(now=now)
        pruned = deliveries_prune(now=now)
        self.stdout.write(json.dumps({"requeued": requeued, "overdue_checked": overdue, "pruned": pruned}))
