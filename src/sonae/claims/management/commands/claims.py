"""``sonae claims calculate FILE|-``: the claim calculation as JSON (claims-contract.md v1).

Prints the contract's output object on stdout (exit 0), or ``{"error": {...}}`` and exits 2 on bad input. Reads
no database: the calculation is the pure function in ``sonae.claims.coverage``.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from sonae.claims.coverage import calculate_json_payload, error_payload
from sonae.core.errors import InvalidInput

INVALID_INPUT_EXIT = 2


class Command(BaseCommand):
    help = "保険金の支払額を計算し JSON で出力します（claims-contract.md v1）。FILE に - を指定すると標準入力から読みます。"

    # A pure calculation: no system checks or migration checks, so it runs without a database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # Lets tests hand in a stdin stream through call_command(..., stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["calculate"], help="calculate: 支払額を計算する")
        parser.add_argument("file", help="入力 JSON のファイル（- で標準入力）")

    def handle(self, *args, **options):
        try:
            raw = self._read(options["file"], options.get("stdin"))
        except InvalidInput as error:
            self._emit(error_payload(error))
            raise SystemExit(INVALID_INPUT_EXIT) from error
        output, ok = calculate_json_payload(raw)
        self._emit(output)
        if not ok:
            raise SystemExit(INVALID_INPUT_EXIT)

    def _read(self, path: str, stdin) -> bytes:
        # Bytes, so the payload layer decodes UTF-8 (with or without BOM) and parses decimals exactly.
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            data = stream.read()
            return data.encode("utf-8") if isinstance(data, str) else data
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise InvalidInput(
                f"入力ファイル {path} を読み込めません（{exc.strerror}）。", field="file"
            ) from exc

    def _emit(self, payload: dict) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
