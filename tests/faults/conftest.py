"""Fixtures of the fault tests: the victims world, and a database and file storage shared with worker processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.victims.conftest import incident, world  # noqa: F401

REPO = Path(__file__).resolve().parents[2]


class Shared:
    """The test's database and storage, as real worker processes (``python -m tests.faults.worker``) see them.

    PostgreSQL: the test database itself (the tests commit: ``transaction=True``). SQLite: the test database lives
    in memory, so ``publish()`` copies it (schema and rows) to a file the workers open; from then on the test reads
    that file. Uploaded lists and print files go to a temporary MEDIA_ROOT both sides use."""

    def __init__(self, tmp_path: Path, settings):
        from django.db import connection

        self.connection = connection
        self.tmp_path = tmp_path
        self.media = tmp_path / "media"
        settings.MEDIA_ROOT = str(self.media)
        self.sqlite_file = tmp_path / "shared.sqlite3" if connection.vendor == "sqlite" else None
        self.data_keys = settings.SONAE_DATA_KEYS
        self.processes: list[subprocess.Popen] = []

    def publish(self) -> None:
        """Make what the test wrote so far visible to the workers."""
        if self.sqlite_file is not None:
            target = sqlite3.connect(self.sqlite_file)
            self.connection.ensure_connection()
            self.connection.connection.backup(target)
            target.close()

    def url(self) -> str:
        if self.sqlite_file is not None:
            return f"sqlite:///{self.sqlite_file}"
        s = self.connection.settings_dict
        auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
        return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of ``sql`` (``%s`` placeholders) as the workers left them."""
        if self.sqlite_file is not None:
            with sqlite3.connect(self.sqlite_file, timeout=20) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def value(self, sql: str, params: tuple = ()):
        return self.rows(sql, params)[0][0]

    def worker(self, *args: str, fault: str = "") -> tuple[subprocess.Popen, Path]:
        """Start ``sonae worker`` (with ``fault``, see tests/faults/worker.py). Returns it and its fault marker."""
        marker = self.tmp_path / f"fault-{len(self.processes)}"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "SONAE_", "DJANGO_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="sonae.settings",
            DATABASE_URL=self.url(),
            SONAE_DATA_KEYS=self.data_keys,
            SONAE_MEDIA_ROOT=str(self.media),
            SONAE_VAR_DIR=str(self.tmp_path / "var"),
            SONAE_DEBUG="0",  # no autoreloader: the process killed is the worker itself
            SONAE_FAULT=fault,
            SONAE_FAULT_MARKER=str(marker),
        )
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.worker", *args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        process.log = Path(log.name)  # type: ignore[attr-defined]
        self.processes.append(process)
        return process, marker

    @staticmethod
    def output(process: subprocess.Popen) -> str:
        return process.log.read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]

    def kill_when(self, process: subprocess.Popen, marker: Path, timeout: float = 60) -> None:
        """SIGKILL ``process`` as soon as it reaches its fault (fails the test if it never does)."""
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the worker never reached its fault (exit {process.poll()}):\n{self.output(process)}"
                )
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def finish(self, process: subprocess.Popen, timeout: float = 60) -> str:
        """Wait for a ``--batch`` worker to empty the queue; its output."""
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"the worker did not finish:\n{self.output(process)}")
        assert process.returncode == 0, self.output(process)
        return self.output(process)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def shared(tmp_path, settings):
    environment = Shared(tmp_path, settings)
    yield environment
    environment.stop()
