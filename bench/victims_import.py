"""Benchmark (a): import of a 1,000,000-row CP932 list into PostgreSQL, encrypted and indexed, vs a plain COPY.

    .venv/bin/python bench/victims_import.py [--rows 1000000]

Baseline, in the same run: ``COPY ... FROM STDIN (FORMAT csv, HEADER, ENCODING 'SJIS')`` of the same file into
an unindexed table of text columns. Then ``sonae victims import --incident REF --yes FILE`` as a subprocess on a
new case. Each phase starts after a ``CHECKPOINT`` (not timed). Targets (issue 6): import ≤ 2.5 × the plain COPY; peak memory ≤ 1 GiB. Memory is reported two ways:
``resource.getrusage`` maxima of this process and its children (the CLI and its worker processes; a maximum
per process, summed), and the sampled sum of the resident memory of the whole process tree at its peak.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from victims.common import REPO, TreeMemory, environment, list_file, new_case, prepare_database, setup_django

TARGET_RATIO = 2.5
TARGET_MIB = 1024


def checkpoint() -> None:
    """Write out the dirty pages now (not timed), so neither measured phase pays for the other's checkpoint: the
    baseline and the import each write hundreds of MB of WAL, and a checkpoint landing inside the next phase
    moved the ratio by more than half a point from one run to the next."""
    import psycopg
    from victims.common import DATABASE_URL

    try:
        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            connection.execute("CHECKPOINT")
    except psycopg.Error:  # not a superuser (nor pg_checkpoint): measure without it
        pass


def plain_copy_seconds(path) -> float:
    import psycopg
    from victims.common import DATABASE_URL

    with psycopg.connect(DATABASE_URL) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_plain_copy")
        connection.execute(
            "CREATE TABLE bench_plain_copy (name text, kana text, birth text, postal text, address text, "
            "phone text, patient text, card text, items text)"
        )
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER true, ENCODING 'SJIS')"
            ) as copy:
                with open(path, "rb") as handle:
                    while block := handle.read(1 << 20):
                        copy.write(block)
        connection.commit()
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE bench_plain_copy")
        connection.commit()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    prepare_database()
    setup_django()
    path = list_file(args.rows)
    _actor, incident = new_case(f"ベンチマーク取り込み {time.strftime('%H:%M:%S')}")
    from django.db import connections

    connections.close_all()

    checkpoint()
    baseline = plain_copy_seconds(path)
    checkpoint()
    command = [
        sys.executable,
        "-m",
        "sonae.cli",
        "victims",
        "import",
        "--incident",
        incident.reference,
        "--yes",
    ]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    started = time.perf_counter()
    process = subprocess.Popen([*command, str(path)], env=environment(), cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    with TreeMemory(process.pid) as tree:
        stdout, _ = process.communicate()
    wall = time.perf_counter() - started
    summary = json.loads(stdout.decode().strip().splitlines()[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rusage_mib = (children + own) / 1024  # ru_maxrss is in KiB on Linux
    ratio = summary["seconds"] / baseline
    print(
        json.dumps(
            {
                "benchmark": "victims import (PostgreSQL, encrypted and indexed)",
                "rows": summary["rows"],
                "imported": summary["imported"],
                "rejected": summary["rejected"],
                "duplicates": summary["duplicates"],
                "file_mib": round(path.stat().st_size / 2**20, 1),
                "baseline_plain_copy_seconds": round(baseline, 2),
                "import_seconds": summary["seconds"],
                "import_wall_seconds_with_cli_startup": round(wall, 2),
                "ratio": round(ratio, 2),
                "ratio_with_cli_startup": round(wall / baseline, 2),
                "target_ratio": TARGET_RATIO,
                "peak_memory_mib_getrusage_children_plus_self": round(rusage_mib, 1),
                "peak_memory_mib_process_tree_sampled": round(tree.peak / 2**20, 1),
                "target_memory_mib": TARGET_MIB,
                "meets_targets": ratio <= TARGET_RATIO
                and rusage_mib <= TARGET_MIB
                and tree.peak <= TARGET_MIB * 2**20,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
