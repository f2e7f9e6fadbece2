"""``sonae restore ARCHIVE [--force]``: restore a ``sonae backup`` archive into this (empty) instance.

Refuses when the running keyring lacks a key the archive's data is encrypted with (compared by fingerprint), when
the database or file storage is not empty (unless ``--force``), or when the archive is of another database engine.
After restoring it checks every table's row count against the manifest and decrypts a sample of encrypted values.
Prints one JSON line with the report; on failure ``{"error": {"code", "message"}}`` and exit status 2.
Run ``sonae migrate`` afterwards when the report says ``"migrate_needed": true``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sonae.core.backup import BackupError, DatabaseTarget, restore_archive


class Command(BaseCommand):
    help = "sonae backup のアーカイブを空のインスタンスに復元します（鍵の指紋と行数を確認します）。"
    # The target may be an empty database without tables yet: no checks that would query it first.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("archive", help="sonae backup で作成した .tar ファイル")
        parser.add_argument(
            "--force", action="store_true", help="空でないデータベース・保存先に上書きで復元する"
        )
        parser.add_argument("--database", default="default", help="データベースの別名（既定: default）")

    def handle(self, *args, archive: str, force: bool, database: str, **options):
        try:
            report = restore_archive(archive, target=DatabaseTarget.for_alias(database), force=force)
        except BackupError as exc:
            self.stderr.write(exc.message)
            self.stdout.write(
                json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False)
            )
            raise SystemExit(2) from None
        self.stdout.write(json.dumps(report, ensure_ascii=False))
