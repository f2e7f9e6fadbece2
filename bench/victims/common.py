"""Shared set-up of the victims benchmarks: a dedicated PostgreSQL database, Django, a case, generated lists.

Not a test module. The benchmarks use their own database (``SONAE_BENCH_DATABASE``, default
``sonae_bench_victims`` on the PostgreSQL server of ``SONAE_BENCH_PG``, default
``postgres://postgres@127.0.0.1:5432``) so they never touch development or test data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("SONAE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("SONAE_BENCH_DATABASE", "sonae_bench_victims")
DATABASE_URL = f"{PG_SERVER}/{DATABASE}"
WORK_DIR = Path(os.environ.get("SONAE_BENCH_DIR", "/tmp/sonae-bench-victims"))
KEY_FILE = WORK_DIR / "data-keys.json"


def environment() -> dict:
    """The environment of every process of a benchmark (this one, the CLI, gunicorn)."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if not KEY_FILE.exists():
        sys.path.insert(0, str(REPO / "src"))
        from sonae.core.crypto import generate_keyring_json

        KEY_FILE.write_text(generate_keyring_json())
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sonae.settings",
        "DATABASE_URL": DATABASE_URL,
        "SONAE_DATA_KEYS_FILE": str(KEY_FILE),
        "SONAE_VAR_DIR": str(WORK_DIR / "var"),
        "SONAE_DEBUG": "0",
        "SONAE_LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(
            [str(REPO / "src"), str(REPO / "bench"), os.environ.get("PYTHONPATH", "")]
        ),
    }


def prepare_database(fresh: bool = False) -> None:
    """Create (or with ``fresh`` re-create) the benchmark database and migrate it."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    env = environment()
    for command in (["migrate", "-v0"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "-m", "sonae.cli", *command],
            env=env,
            check=True,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
        )


def setup_django() -> None:
    os.environ.update(environment())
    sys.path[:0] = [str(REPO / "src"), str(REPO / "bench")]
    import django

    django.setup()


def new_case(title: str):
    """A new incident of a benchmark provider (the bench organisations are created once)."""
    from sonae.core.actors import Actor
    from sonae.core.models import Membership, Organisation, User
    from sonae.incidents.services import incident_report

    provider, _ = Organisation.objects.get_or_create(
        code="bench-provider", defaults={"kind": "provider", "name": "ベンチマーク医療サービス株式会社"}
    )
    user = User.objects.filter(email="bench@bench-provider.example.jp").first() or User.objects.create_user(
        email="bench@bench-provider.example.jp", password=None
    )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=provider, defaults={"role": "admin"}
    )
    actor = Actor.from_membership(membership)
    incident = incident_report(
        actor=actor,
        channel="web",
        provider=provider,
        symptoms=["ransom_message"],
        title=title,
        data_items=["name", "birth_date", "test_results"],
        data_owner="own",
    )
    return actor, incident


def list_file(rows: int, seed: int = 1) -> Path:
    """A generated CP932 list of ``rows`` made-up persons (made once, kept in the work directory)."""
    from sonae.victims.fake import write_csv

    path = WORK_DIR / f"list-{rows}-{seed}.csv"
    if not path.exists():
        partial = path.with_suffix(".part")
        write_csv(partial, rows, seed=seed)
        partial.rename(path)
    return path


class TreeMemory:
    """Samples the summed resident memory of a process and its descendants (every 50 ms) while running."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(0.05)


def _tree_rss(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total
