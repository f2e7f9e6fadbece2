"""``sonae victims import --incident REF [--mapping FILE] [--yes] FILE``: validate and import a victim list.

Columns are mapped from the recognised Japanese headers (氏名, フリガナ, 生年月日 …) or by ``--mapping FILE``
(JSON: a list with one target per column, or an object {header: target}; targets are name, kana, birth_date,
postal_code, address, phone, patient_id, insurance_card, items, kind, item:<code>, or "" to skip a column).

Confirmation: without ``--yes`` the list is validated and a report is written to stderr; on a terminal the
command then asks whether to import (y/N); without a terminal it stops there, commits nothing and exits with
status 3. ``--yes`` validates and imports in one pass. Rows with errors are never imported; duplicates (inside the
file or already on the case) are skipped unless ``--duplicates import``.

Re-running after a crash or ``kill -9`` with the same file continues where the last committed batch ended; running
it again after a completed import reports that import (nothing is imported twice).

Output: progress and messages on stderr; the last line on stdout is the JSON summary
``{"rows", "imported", "rejected", "duplicates", "seconds"}``. Exit status: 0 imported (or already imported),
2 could not run (unknown case, unreadable file, unusable mapping), 3 validated but not imported.
"""

from __future__ import annotations

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from sonae.core.errors import DomainError
from sonae.victims.importing import columns
from sonae.victims.models import ImportStatus

NOT_RUN = 2
NOT_CONFIRMED = 3
SHOWN_ISSUES = 30


class Progress:
    """A progress bar on stderr (redrawn in place on a terminal, a line every 10 % otherwise)."""

    LABELS = {"validate": "検証中", "commit": "取り込み中"}

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.last = -1

    def __call__(self, phase: str, done: int, total: int, rows: int) -> None:
        percent = min(100, int(done * 100 / total)) if total else 100
        if not self.tty and percent // 10 == self.last // 10 and percent != 100:
            return
        if percent == self.last:
            return
        self.last = percent
        filled = percent // 4
        bar = "#" * filled + "." * (25 - filled)
        text = f"{self.LABELS.get(phase, phase)} [{bar}] {percent:3d}% {rows:,}行"
        if self.tty:
            self.stream.write("\r" + text + ("\n" if percent == 100 else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def reset(self) -> None:
        self.last = -1


class Command(BaseCommand):
    help = "対象者リスト（CSV/XLSX）を検証し、取り込みます。最後の行にJSONの集計を出力します。"
    # Django's system checks load every URL and API route first: 0.9 s of CPU before each import, for nothing
    # the import uses (``sonae check`` runs them; so do the web server and CI).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="対象者リストを取り込む")
        imp.add_argument("file", help="CSV（UTF-8 / UTF-8 BOM / CP932）または XLSX")
        imp.add_argument("--incident", required=True, help="インシデントの受付番号（例: INC-2025-000001）")
        imp.add_argument("--mapping", help="列の割り当て（JSON）")
        imp.add_argument("--yes", action="store_true", help="確認せずに取り込む")
        imp.add_argument("--duplicates", choices=["skip", "import"], default=None, help="重複行の扱い")
        imp.add_argument("--workers", type=int, default=None, help="並列処理のプロセス数（既定: CPU数）")
        imp.add_argument(
            "--chunk-kb",
            type=int,
            default=None,
            help="1ブロックの大きさ（KB、既定4096）。4ブロックごとに確定します",
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        self.err = sys.stderr
        try:
            code, summary = self._import(options, started)
        except (DomainError, CommandError, OSError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.err.write(f"エラー: {message}\n")
            code, summary = NOT_RUN, _empty(started)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
        if code:
            raise SystemExit(code)

    # -- the import -----------------------------------------------------------------------------------------------

    def _import(self, options, started: float) -> tuple[int, dict]:
        from sonae.incidents.models import Incident
        from sonae.victims.services import imports

        incident = Incident.objects.select_related("provider").filter(reference=options["incident"]).first()
        if incident is None:
            raise CommandError(f"インシデント {options['incident']} が見つかりません。")
        path = options["file"]
        sha256 = imports.file_sha256(path)
        job = imports.resumable_job(incident, sha256)
        if job is not None and job.status == ImportStatus.COMMITTED:
            self.err.write(f"このファイルは取り込み済みです（取り込み #{job.pk}、{job.imported:,}件）。\n")
            return 0, imports.summary_of(job, time.perf_counter() - started).as_dict()
        progress = Progress(self.err)
        if job is not None and job.status == ImportStatus.COMMITTING:
            self.err.write(
                f"中断した取り込み #{job.pk} を再開します（{job.chunks_committed}ブロック取り込み済み）。\n"
            )
            job = imports.import_commit(
                actor=None,
                job=job,
                source=imports.job_source(job, path),
                progress=progress,
                workers=options["workers"],
            )
            self._report(job)
            return 0, imports.summary_of(job, time.perf_counter() - started).as_dict()
        if job is None:
            chunk = {"chunk_bytes": options["chunk_kb"] * 1024} if options.get("chunk_kb") else {}
            job = imports.import_job_create(
                actor=None, incident=incident, name=path, path=path, sha256=sha256, **chunk
            )
        mapping = (
            self._mapping(options.get("mapping"), job.headers) if options.get("mapping") else job.mapping
        )
        job = imports.import_job_map(
            actor=None, job=job, mapping=mapping, duplicate_policy=options["duplicates"]
        )
        self.err.write(_mapping_text(job.headers, job.mapping))
        source = imports.job_source(job, path)
        if options["yes"]:
            imports.import_transition(job, ImportStatus.VALIDATING)
            job = imports.import_commit(
                actor=None, job=job, source=source, progress=progress, workers=options["workers"]
            )
            self._report(job)
            return 0, imports.summary_of(job, time.perf_counter() - started).as_dict()
        job = imports.import_validate(job=job, source=source, progress=progress, workers=options["workers"])
        self._report(job)
        if not (sys.stdin.isatty() and self.err.isatty()):
            self.err.write(
                "確認が必要です。取り込むには --yes を付けて再実行してください（何も取り込んでいません）。\n"
            )
            return NOT_CONFIRMED, imports.summary_of(job, time.perf_counter() - started).as_dict()
        self.err.write(f"{job.to_import:,}件を取り込みますか？ [y/N] ")
        self.err.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes", "はい"):
            self.err.write("取り込みを中止しました（何も取り込んでいません）。\n")
            return NOT_CONFIRMED, imports.summary_of(job, time.perf_counter() - started).as_dict()
        progress.reset()
        job = imports.import_commit(
            actor=None, job=job, source=source, progress=progress, workers=options["workers"]
        )
        return 0, imports.summary_of(job, time.perf_counter() - started).as_dict()

    def _mapping(self, path: str, headers: list[str]) -> list[str]:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"列の割り当てファイルを読み取れません: {exc}") from None
        if isinstance(data, list):
            return [str(t or "") for t in data]
        if isinstance(data, dict):
            by_key = {columns.header_key(k): str(v or "") for k, v in data.items()}
            return [by_key.get(columns.header_key(h), "") for h in headers]
        raise CommandError(
            "列の割り当ては、列ごとの割り当て先のリストか {見出し: 割り当て先} で指定してください。"
        )

    def _report(self, job) -> None:
        err = self.err
        err.write(
            f"行数 {job.rows:,} / エラー {job.rejected:,} / 重複 {job.duplicates:,} / "
            f"取り込み{'済み' if job.status == ImportStatus.COMMITTED else '予定'} "
            f"{job.imported if job.status == ImportStatus.COMMITTED else job.to_import:,}\n"
        )
        shown = list(job.issues.order_by("line", "id")[:SHOWN_ISSUES])
        for issue in shown:
            column = f" {issue.column}" if issue.column else ""
            err.write(f"  {issue.line}行目{column}: {issue.message}\n")
        hidden = job.rejected + job.duplicates - len(shown)
        if hidden > 0:
            err.write("  …ほか（画面の取り込み結果ですべて確認できます）\n")


def _mapping_text(headers: list[str], mapping: list[str]) -> str:
    pairs = [f"{h or '（空）'}→{columns.target_label(t)}" for h, t in zip(headers, mapping, strict=False)]
    return "列の割り当て: " + "、".join(pairs) + "\n"


def _empty(started: float) -> dict:
    return {
        "rows": 0,
        "imported": 0,
        "rejected": 0,
        "duplicates": 0,
        "seconds": round(time.perf_counter() - started, 3),
    }
