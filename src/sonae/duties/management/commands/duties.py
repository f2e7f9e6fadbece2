"""``sonae duties assess FILE|-``: the legal duties of one incident (or an array of them) as JSON.

Contract: ``domain/duties-contract.md``. stdout carries only the JSON answer. Exit status 0 when every element was
valid, 2 with the ``{"error": {...}}`` envelope (in place, for arrays) otherwise — also for an unreadable file or a
document that is not JSON. The command never touches the database, so it works before ``migrate``.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from sonae.core.errors import InvalidInput
from sonae.duties.rules import assess_json_payload, decode_json_document, dumps, error_envelope

EXIT_INVALID_INPUT = 2


class Command(BaseCommand):
    help = "法的対応（個人情報保護法・マイナンバー法）の要否と期限をJSONで出力します: duties assess FILE|-"
    # Pure computation: no system checks (they could touch other apps' state), no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # Tests may pass ``stdin=`` (a binary or text stream) to call_command instead of the process's stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["assess", "remind"],
            help="assess: 事案の事実（JSON）から法的対応を判定する / remind: 期限の前営業日・当日の通知を送る",
        )
        parser.add_argument("file", nargs="?", help="事案の事実のJSONファイル（- で標準入力）")

    def _read(self, path: str, stdin) -> bytes | str:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            return stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise InvalidInput(
                f"ファイル「{path}」を読み込めません（{exc.strerror or exc}）。", field="file"
            ) from None

    def handle(self, *args, action: str, file: str | None, **options):
        if action == "remind":
            # Run from cron (docs/operations.md); the only sub-action that uses the database.
            import json

            from django.utils import timezone

            from sonae.duties.reminders import duty_reminders_send

            self.stdout.write(json.dumps({"reminded": duty_reminders_send(now=timezone.now())}))
            return
        if file is None:
            error = InvalidInput("入力ファイルを指定してください（- で標準入力）。", field="file")
            self.stdout.write(dumps(error_envelope(error)))
            raise SystemExit(EXIT_INVALID_INPUT)
        try:
            payload = decode_json_document(self._read(file, options.get("stdin")))
        except InvalidInput as error:
            output, ok = error_envelope(error), False
        else:
            output, ok = assess_json_payload(payload)
        self.stdout.write(dumps(output))
        if not ok:
            raise SystemExit(EXIT_INVALID_INPUT)
