"""``sonae victims import``: summary JSON as the last stdout line, confirmation, --yes, re-runs, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command

from sonae.victims.models import ImportStatus, Victim
from tests.victims.conftest import GOOD_ROWS

SUMMARY_KEYS = ["rows", "imported", "rejected", "duplicates", "seconds"]
ROWS = 12_000


def _run(*args) -> tuple[int, dict, str]:
    out = StringIO()
    code = 0
    try:
        call_command("victims", "import", *args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        code = exc.code
    lines = out.getvalue().strip().splitlines()
    return code, json.loads(lines[-1]), out.getvalue()


def test_without_yes_and_without_a_terminal_nothing_is_imported(world, incident, write_list):
    code, summary, _out = _run("--incident", incident.reference, str(write_list(GOOD_ROWS)))

    assert code == 3
    assert list(summary) == SUMMARY_KEYS
    assert (summary["rows"], summary["imported"]) == (3, 0)
    assert not Victim.objects.exists()


def test_yes_imports_and_prints_only_the_summary_on_stdout(world, incident, write_list):
    rows = [*GOOD_ROWS, ",ナナシ,1970-01-01,,,,,,氏名", "山田 太郎,ヤマダ タロウ,1975-04-01,,,,,,氏名"]
    code, summary, out = _run("--incident", incident.reference, "--yes", str(write_list(rows)))

    assert code == 0
    assert len(out.strip().splitlines()) == 1
    assert {k: summary[k] for k in SUMMARY_KEYS[:4]} == {
        "rows": 5,
        "imported": 3,
        "rejected": 1,
        "duplicates": 1,
    }
    assert isinstance(summary["seconds"], float)
    assert Victim.objects.count() == 3


def test_a_rerun_of_an_imported_file_imports_nothing_twice(world, incident, write_list):
    path = str(write_list(GOOD_ROWS))
    _run("--incident", incident.reference, "--yes", path)
    code, summary, _out = _run("--incident", incident.reference, "--yes", path)

    assert code == 0 and summary["imported"] == 3
    assert Victim.objects.count() == 3


def test_a_mapping_file_maps_columns_by_header(world, incident, write_list, tmp_path):
    header = "A,B,C"
    path = write_list(["山田 太郎,ヤマダ タロウ,1970-01-01"], header=header)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"A": "name", "B": "kana", "C": "birth_date"}), encoding="utf-8")

    code, summary, _out = _run(
        "--incident", incident.reference, "--yes", "--mapping", str(mapping), str(path)
    )

    assert code == 0 and summary["imported"] == 1
    assert Victim.objects.get().record["birth"] == "1970-01-01"


@pytest.mark.parametrize("problem", ["unknown_case", "missing_name_column"])
def test_problems_exit_2_with_a_summary(world, incident, write_list, problem):
    if problem == "unknown_case":
        args = ("--incident", "INC-2099-999999", "--yes", str(write_list(GOOD_ROWS)))
    else:
        args = ("--incident", incident.reference, "--yes", str(write_list(["x"], header="謎の列")))
    code, summary, _out = _run(*args)

    assert code == 2 and list(summary) == SUMMARY_KEYS


@pytest.mark.django_db(transaction=True)
def test_kill_9_during_a_large_import_then_rerun_leaves_exactly_one_copy(world, incident, tmp_path):
    """A real process killed with SIGKILL while committing, then the same command again (12k rows in batches of
    about 2,500: the kill lands after the first committed batch)."""
    from django.conf import settings
    from django.db import connection

    from sonae.victims.fake import write_csv

    path = tmp_path / "big.csv"
    write_csv(path, ROWS, seed=7)
    database = _database_for_subprocess(connection, tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sonae.settings",
        "SONAE_DATA_KEYS": settings.SONAE_DATA_KEYS,
        "DATABASE_URL": database.url,
    }
    command = [
        sys.executable, "-m", "sonae.cli", "victims", "import", "--incident", incident.reference, "--yes",
        "--chunk-kb", "100", "--workers", "0", str(path),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if database.scalar("SELECT COALESCE(MAX(chunks_committed), 0) FROM victims_importjob") >= 1:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = database.scalar("SELECT COUNT(*) FROM victims_victim")

    rerun = subprocess.run(command, env=env, capture_output=True, timeout=120)

    assert rerun.returncode == 0, rerun.stderr.decode()
    summary = json.loads(rerun.stdout.decode().strip().splitlines()[-1])
    status, imported, duplicates, rejected = database.row(
        "SELECT status, imported, duplicates, rejected FROM victims_importjob"
    )
    count = database.scalar("SELECT COUNT(*) FROM victims_victim")
    assert status == ImportStatus.COMMITTED
    assert count == imported == summary["imported"] == ROWS - duplicates - rejected
    assert database.scalar("SELECT COUNT(DISTINCT line) FROM victims_victim") == count
    assert killed_at < count


class _Database:
    """The database the subprocess uses, and raw queries on it (the test's own connection may not see it)."""

    def __init__(self, url: str, query):
        self.url = url
        self._query = query

    def row(self, sql: str):
        return self._query(sql)

    def scalar(self, sql: str):
        return self._query(sql)[0]


def _database_for_subprocess(connection, tmp_path) -> _Database:
    if connection.vendor == "sqlite":
        # The test database lives in memory: copy it (schema and the fixtures' rows) to a file both can open.
        import sqlite3

        file_path = tmp_path / "sub.sqlite3"
        target = sqlite3.connect(file_path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()

        def query(sql):
            with sqlite3.connect(file_path, timeout=20) as db:
                return db.execute(sql).fetchone()

        return _Database(f"sqlite:///{file_path}", query)
    settings_dict = connection.settings_dict
    user = settings_dict["USER"]
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    url = f"postgres://{auth}{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"

    def query(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    return _Database(url, query)
