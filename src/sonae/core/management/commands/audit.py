"""``sonae audit verify``: walk the audit chain; exit 0 when it holds, 1 naming the first broken row."""

from django.core.management.base import BaseCommand

from sonae.core.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log operations. verify: check the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"OK: audit chain holds ({result.checked} events)")
            return
        self.stdout.write(
            f"BROKEN: audit event id={result.broken_id}: {result.problem} (checked {result.checked} valid events before it)"
        )
        raise SystemExit(1)
