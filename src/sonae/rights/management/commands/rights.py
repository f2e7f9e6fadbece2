"""`sonae rights purge` (ID documents past retention) and `sonae rights remind` (answer targets)."""

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "開示等の請求: purge（本人確認書類の削除） / remind（回答目標日のリマインド）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge", "remind"])

    def handle(self, *args, action, **options):
        from sonae.rights.services import attachments_purge, rights_remind

        if action == "purge":
            self.stdout.write(json.dumps({"purged": attachments_purge()}))
        else:
            self.stdout.write(json.dumps({"reminded": rights_remind()}))
