"""``sonae desk sla --received ISO``: the desk's SLA times of a report as JSON (DESIGN.md §6; issue 4 point 3).

Prints one line ``{"received_at": ..., "handling_starts_at": ..., "first_response_due": ...}``, each ISO 8601 in
Asia/Tokyo with seconds (``2025-12-31T18:00:00+09:00``), and exits 0. Bad input prints
``{"error": {"code": "invalid_input", "field": "received", "message": "<Japanese>"}}`` and exits 2.

The calendar and response target are those of the programme year in force at the received instant; when none is
configured — or the database is not migrated yet — the defaults apply (``DEFAULT_SLA_POLICY``).

Sub-second parts of ``--received`` are dropped (never rounded up) before computing, so the three printed instants
are consistent with each other. Dropping them cannot move an instant across 9:00 or 17:00, since those are whole
seconds.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand
from django.db.utils import OperationalError, ProgrammingError

from sonae.core.errors import InvalidInput
from sonae.incidents.sla import DEFAULT_SLA_POLICY, SlaPolicy, compute_sla

INVALID_INPUT_EXIT = 2
EXAMPLE = "2025-12-31T18:00:00+09:00"


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


def parse_received(text: str | None) -> datetime:
    """The aware instant of ``--received``; InvalidInput (field ``received``) when missing, not ISO 8601 or
    without a UTC offset. Sub-second parts are dropped."""
    if text is None or not text.strip():
        raise InvalidInput(
            f"受付日時（--received）を指定してください。例: --received {EXAMPLE}", field="received"
        )
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"受付日時を ISO 8601 形式で指定してください（例: {EXAMPLE}）。入力: {text}", field="received"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        # Sonae never guesses a time zone (STYLE.md): 18:00 means nothing without its offset.
        raise InvalidInput(
            f"受付日時に時差（例: +09:00）を付けてください（例: {EXAMPLE}）。入力: {text}", field="received"
        )
    return instant.replace(microsecond=0)


def policy_at(instant: datetime) -> SlaPolicy:
    """The SLA policy of the programme year in force at ``instant``, or the defaults.

    The defaults also cover a fresh, unmigrated database (no tables yet) and a build without the programme app.
    """
    try:
        from sonae.programme.selectors import desk_policy_at

        policy = desk_policy_at(instant)
    except (ImportError, OperationalError, ProgrammingError):
        policy = None
    return DEFAULT_SLA_POLICY if policy is None else policy


class Command(BaseCommand):
    help = "窓口（デスク）の対応時刻を計算し JSON で出力します。例: sonae desk sla --received " + EXAMPLE

    # Must answer on a fresh machine: no system checks; the database is optional (see policy_at).
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="action", required=True)
        sla = actions.add_parser(
            "sla",
            help="受付日時から対応開始時刻と初回連絡期限を計算する",
            description="受付日時から対応開始時刻（handling_starts_at）と初回連絡期限（first_response_due）を計算します。",
        )
        # nargs="?": a bare --received reaches handle() and gets the JSON error, not argparse's usage text.
        sla.add_argument(
            "--received",
            nargs="?",
            const="",
            default=None,
            metavar="ISO",
            help=f"受付日時（ISO 8601、例: {EXAMPLE}）",
        )

    def handle(self, *args, **options):
        if options["action"] == "sla":
            self._sla(options.get("received"))

    def _sla(self, received_text: str | None) -> None:
        try:
            received = parse_received(received_text)
            times = compute_sla(received, policy_at(received))
        except InvalidInput as error:
            self._emit({"error": {"code": error.code, "field": error.field, "message": error.message}})
            raise SystemExit(INVALID_INPUT_EXIT) from error
        except OverflowError as error:
            # e.g. 9999-12-31T18:00+09:00: the next business day is past the last representable date.
            message = f"受付日時が計算できる範囲を超えています。入力: {received_text}"
            self._emit({"error": {"code": "invalid_input", "field": "received", "message": message}})
            raise SystemExit(INVALID_INPUT_EXIT) from error
        self._emit(
            {
                "received_at": _iso(times.received_at),
                "handling_starts_at": _iso(times.handling_starts_at),
                "first_response_due": _iso(times.first_response_due),
            }
        )

    def _emit(self, payload: dict) -> None:
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
