"""``sonae backup [--output DIR]``: write the database, the uploaded files and a manifest to one tar archive.

Prints one JSON line ``{"archive", "engine", "tables", "rows", "media_files", "bytes", "keys_in_use"}``; on
failure the JSON is ``{"error": {"code", "message"}}`` and the exit status 2. The archive holds no keys: keep the
keyring (SONAE_DATA_KEYS) in a separate secret store (docs/operations.md).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sonae.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "データベース・アップロードファイル・目録（鍵の指紋つき）を1つの tar に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=".", help="書き出すディレクトリ（既定: カレントディレクトリ）"
        )
        parser.add_argument("--database", default="default", help="データベースの別名（既定: default）")

    def handle(self, *args, output: str, database: str, **options):
        try:
            path, manifest = backup_create(output, alias=database)
        except BackupError as exc:
            self.stderr.write(exc.message)
            self.stdout.write(
                json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False)
            )
            raise SystemExit(2) from None
        self.stdout.write(
            json.dumps(
                {
                    "archive": str(path),
                    "engine": manifest["engine"],
                    "tables": len(manifest["tables"]),
                    "rows": manifest["rows"],
                    "media_files": manifest["media"]["files"],
                    "bytes": path.stat().st_size,
                    "keys_in_use": manifest["keys"]["in_use"],
                },
                ensure_ascii=False,
            )
        )
