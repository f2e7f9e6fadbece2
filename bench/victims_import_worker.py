"""Benchmark (a, web path): the import as the case page runs it, with the fast path (polars) and without it.

    .venv/bin/python bench/victims_import_worker.py [--rows 300000]

For each engine (``SONAE_IMPORT_FAST=1`` then ``0``) on a new case: the generated CP932 list is uploaded as the
page uploads it (``import_job_create(upload=...)``: sealed into storage, read back decrypted), mapped from its
headers, validated by a task worker (``sonae worker --batch``), confirmed, and committed by a task worker. The
times are the job's own (``ImportJob.seconds``: the validation and the commit pass) and the two worker runs' wall
time (with the worker's start-up and its queue polling); the upload is not timed.
A task worker has a heartbeat thread: this is the path on which the fast path was switched off until the pool's
shutdown was made safe (see ``importing.pipeline.fast_engine``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from victims.common import REPO, environment, list_file, new_case, prepare_database, setup_django


def _worker(fast: bool) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sonae.cli", "worker", "--batch"],
        env={**environment(), "SONAE_IMPORT_FAST": "1" if fast else "0"},
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _run(rows: int, fast: bool) -> dict:
    from django.core.files import File

    from sonae.victims.models import ImportStatus
    from sonae.victims.services import imports

    path = list_file(rows)
    actor, incident = new_case(f"ベンチマーク取り込み（タスク） {time.strftime('%H:%M:%S')}")
    with open(path, "rb") as handle:
        job = imports.import_job_create(
            actor=actor, incident=incident, name=path.name, upload=File(handle, path.name)
        )
    job = imports.import_job_map(actor=actor, job=job, mapping=job.mapping, duplicate_policy="skip")
    imports.import_validation_start(actor=actor, job=job)
    validate = _worker(fast)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED, (job.status, job.error_message)
    validate_pass = job.seconds
    imports.import_commit_start(actor=actor, job=job)
    commit = _worker(fast)
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED, (job.status, job.error_message)
    return {
        "imported": job.imported,
        "validate_pass_seconds": round(validate_pass, 2),
        "commit_pass_seconds": round(job.seconds - validate_pass, 2),
        "passes_seconds": round(job.seconds, 2),
        "worker_runs_wall_seconds": round(validate + commit, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()

    prepare_database()
    setup_django()
    fast = _run(args.rows, fast=True)
    python = _run(args.rows, fast=False)
    print(
        json.dumps(
            {
                "benchmark": "victims import through a task worker (upload, validate, commit)",
                "rows": args.rows,
                "fast_path": fast,
                "python_path": python,
                "speed_up_of_the_passes": round(python["passes_seconds"] / fast["passes_seconds"], 2),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
