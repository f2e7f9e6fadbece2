"""``sonae programme load FILE…``: load programme year files (idempotent); one JSON line per file on stdout."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sonae.core.errors import DomainError
from sonae.programme.services import programme_year_load_file


class Command(BaseCommand):
    help = "Programme years. load FILE…: load versioned year files (YAML) into ProgrammeYear."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, **options):
        failed = False
        for path in options["files"]:
            try:
                year, status = programme_year_load_file(path=path)
            except DomainError as exc:
                failed = True
                self.stdout.write(json.dumps({"file": path, "error": exc.as_dict()}, ensure_ascii=False))
                continue
            self.stdout.write(
                json.dumps({"file": path, "code": year.code, "version": year.terms_version, "status": status})
            )
        if failed:
            raise SystemExit(2)
