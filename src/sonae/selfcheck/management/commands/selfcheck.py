"""``sonae selfcheck remind [--date YYYY-MM-DD] [--warn-days N] [--enqueue]``: yearly cyber-BCP review reminders.

Notifies the admins of every organisation whose adopted plan is due for its yearly review within ``--warn-days``
(default 30) or overdue, once per review period, and prints ``{"reminded": [...], "count": n}`` as JSON.
``--enqueue`` hands the work to the task worker instead and prints ``{"enqueued": "<task id>"}``.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand

INVALID_INPUT_EXIT = 2


class Command(BaseCommand):
    help = "サイバーBCPの年1回の見直しを管理者に通知します（remind）。結果を JSON で出力します。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"], help="remind: 見直し時期の通知を送る")
        parser.add_argument("--date", dest="today", help="基準日（YYYY-MM-DD、既定は今日）")
        parser.add_argument("--warn-days", type=int, default=30, help="期限の何日前から通知するか（既定30）")
        parser.add_argument("--enqueue", action="store_true", help="タスクワーカーに実行を任せる")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from sonae.selfcheck.tasks import send_bcp_review_reminders

            result = send_bcp_review_reminders.enqueue()
            self._emit({"enqueued": str(result.id)})
            return
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                self._emit(
                    {
                        "error": {
                            "code": "invalid_input",
                            "field": "date",
                            "message": "日付は YYYY-MM-DD で指定してください。",
                        }
                    }
                )
                raise SystemExit(INVALID_INPUT_EXIT) from None
        if options["warn_days"] < 0:
            self._emit(
                {
                    "error": {
                        "code": "invalid_input",
                        "field": "warn_days",
                        "message": "日数は0以上で指定してください。",
                    }
                }
            )
            raise SystemExit(INVALID_INPUT_EXIT)
        from sonae.selfcheck.services import bcp_review_reminders

        reminded = bcp_review_reminders(today=today, warn_days=options["warn_days"])
        self._emit({"reminded": reminded, "count": len(reminded)})

    def _emit(self, payload: dict) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
