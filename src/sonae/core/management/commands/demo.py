"""``sonae demo``: migrate, load the demo data, print the logins and serve with a task worker alongside.

``sonae demo --no-serve`` stops after loading; running it again changes nothing that exists.
``sonae demo code EMAIL`` prints the current TOTP code of a demo staff user.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo data and serve Sonae on http://127.0.0.1:8000 with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["load", "code"], default="load")
        parser.add_argument("email", nargs="?", help="with 'code': the demo user's e-mail address")
        parser.add_argument("--no-serve", action="store_true", help="stop after loading the demo data")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        if options["action"] == "code":
            return self._code(options["email"])
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        from sonae.core.demo.loader import load_demo

        logins = load_demo()
        self._print_logins(logins)
        if options["no_serve"]:
            return
        self._serve(options["addrport"])

    def _code(self, email: str | None):
        if not email:
            raise CommandError("usage: sonae demo code EMAIL")
        from sonae.core.demo.loader import current_totp_code

        code = current_totp_code(email)
        if code is None:
            raise CommandError(f"{email}: no such user with a TOTP device")
        self.stdout.write(code)

    def _print_logins(self, logins):
        out = self.stdout
        out.write("")
        out.write("Sonae デモデータを読み込みました。ログイン情報（パスワードは共通）:")
        out.write(f"  パスワード: {logins.password}")
        for row in logins.rows:
            totp = "  ※二要素認証: `sonae demo code " + row.email + "` でコードを表示" if row.totp else ""
            out.write(f"  {row.kind_label:<16} {row.role_label:<4} {row.email}{totp}")
        out.write("")

    def _serve(self, addrport: str):
        self.stdout.write(
            f"http://{addrport}/ で起動します（Ctrl+C で終了）。タスクワーカーを同時に起動します。"
        )
        worker = subprocess.Popen([sys.executable, "-m", "sonae.cli", "worker"], env=os.environ.copy())
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
