"""Benchmark (c): call-centre look-ups under load vs a trivial Django JSON view on the same server.

    .venv/bin/python bench/victims_lookup.py [--requests 6000] [--rounds 6] [--workers N]

Set-up (not timed): a case with 1,000,000 victims (imported once with ``sonae victims import`` and kept in the
benchmark database), an API token of its provider. Server: gunicorn (sync workers, cores + 1 unless ``--workers``)
on 127.0.0.1 with the project's settings plus a trivial JSON view (``victims/bench_settings.py``). Cores + 1, not
gunicorn's starting point of 2 × cores + 1: both views are CPU-bound, and on 2 cores 3 workers served both more
than 5 did (each look-up's worker also wakes a PostgreSQL backend; fewer processes switch less). Measured in
session 11, bench/README.md; ``--workers 5`` runs the former setting.
Client: asyncio in this process, one connection per request, a fixed number of requests per client (bounded).
At 16 clients the trivial view and the look-up take turns in ``--rounds`` slices (1,000 requests each by
default), so that a drift in the machine's speed during the run weighs on both alike.
Look-ups are ``POST /api/v1/victims/<ref>/lookup`` by patient ID and by kana + birth date (half each) of persons
on the list, with a reason: each is scoped, rate-limited (high limit for one token), keyed, decrypted, answered
and audit-logged. The trivial view gets the same headers. Targets (issue 6): at 16 clients throughput ≥ 50 % of
the trivial view's and p99 < 25 ms; at 64 clients no errors. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time

from victims.common import REPO, environment, list_file, new_case, prepare_database, setup_django

VICTIMS = 1_000_000
TITLE = "ベンチマーク照会（100万人）"
TARGET_SHARE = 0.5
REDIS_URL = os.environ.get("SONAE_BENCH_REDIS", "redis://127.0.0.1:6379/15")
TARGET_P99_MS = 25.0


def _case_with_victims():
    """The kept case with a million victims, or a new one imported now."""
    from django.db import connections

    from sonae.incidents.models import Incident
    from sonae.victims.models import ImportJob, ImportStatus

    job = (
        ImportJob.objects.filter(incident__title=TITLE, status=ImportStatus.COMMITTED, rows=VICTIMS)
        .select_related("incident")
        .first()
    )
    if job is not None:
        return job.incident
    _actor, incident = new_case(TITLE)
    connections.close_all()
    path = list_file(VICTIMS)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sonae.cli",
            "victims",
            "import",
            "--incident",
            incident.reference,
            "--yes",
            str(path),
        ],
        env=environment(),
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Incident.objects.get(pk=incident.pk)


def _token(incident) -> str:
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    secret = f"{TOKEN_PREFIX}bench-lookup-{incident.pk}"
    ApiToken.objects.get_or_create(
        token_hash=hash_token(secret),
        defaults={
            "organisation": incident.provider,
            "name": "bench",
            "prefix": secret[6:14],
            "role": "staff",
        },
    )
    return secret


def _queries(count: int) -> list[dict]:
    from sonae.jp.wareki import parse_japanese_date
    from sonae.victims.fake import PersonMaker

    maker = PersonMaker(1)
    wanted = set(random.Random(5).sample(range(1, VICTIMS + 1), count))
    queries = []
    for n in range(1, max(wanted) + 1):
        row = maker.row(n)
        if n not in wanted:
            continue
        if n % 2:
            queries.append({"mode": "patient_id", "patient_id": row[6], "reason": "ベンチマーク（電話照会）"})
        else:
            birth = parse_japanese_date(row[2]).isoformat()
            queries.append(
                {"mode": "kana_birth", "kana": row[1], "birth": birth, "reason": "ベンチマーク（電話照会）"}
            )
    random.Random(6).shuffle(queries)
    return queries


def _request(method: str, path: str, token: str, body: dict | None = None) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + data


async def _one(port: int, request: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        status = int(data[9:12]) if data.startswith(b"HTTP/") else 0
    except (TimeoutError, OSError, ValueError):
        status = 0
    return status, time.perf_counter() - started


def _interleaved(port: int, kinds: dict[str, list[bytes]], clients: int, rounds: int) -> dict[str, dict]:
    """Each kind's requests in ``rounds`` slices, the kinds taking turns (trivial, look-up, trivial, …): a machine
    whose speed drifts during the run (other tenants of the host) slows both alike. Figures over all rounds."""
    totals = {kind: {"latencies": [], "seconds": 0.0, "errors": 0} for kind in kinds}
    for index in range(rounds):
        for kind, requests in kinds.items():
            size = -(-len(requests) // rounds)
            part = asyncio.run(_run(port, requests[index * size : (index + 1) * size], clients))
            totals[kind]["latencies"] += part["latencies"]
            totals[kind]["seconds"] += part["seconds"]
            totals[kind]["errors"] += part["errors"]
    return {kind: _figures(clients, **total) for kind, total in totals.items()}


def _figures(clients: int, latencies: list[float], seconds: float, errors: int) -> dict:
    latencies = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "errors": errors,
    }


async def _load(port: int, requests: list[bytes], clients: int) -> dict:
    part = await _run(port, requests, clients)
    return _figures(clients, **part)


async def _run(port: int, requests: list[bytes], clients: int) -> dict:
    queue = list(reversed(requests))
    latencies: list[float] = []
    errors = 0

    async def client():
        nonlocal errors
        while queue:
            status, seconds = await _one(port, queue.pop())
            latencies.append(seconds)
            if status != 200:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {"latencies": latencies, "seconds": time.perf_counter() - started, "errors": errors}


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except Exception:  # the package or the server is missing
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=6,
        help="the 16-client runs of both views in this many alternating slices",
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--cache",
        choices=["redis", "database"],
        default="redis" if _redis_available() else "database",
        help="the shared cache behind the rate limits: Redis (production, SONAE_REDIS_URL) or the database cache",
    )
    args = parser.parse_args()

    prepare_database()
    setup_django()
    incident = _case_with_victims()
    token = _token(incident)
    queries = _queries(2000)
    from django.db import connections

    connections.close_all()
    lookups = [
        _request("POST", f"/api/v1/victims/{incident.reference}/lookup", token, queries[i % len(queries)])
        for i in range(args.requests)
    ]
    trivial = [_request("GET", "/bench/trivial/", token)] * args.requests
    port = _free_port()
    env = environment() | {"DJANGO_SETTINGS_MODULE": "victims.bench_settings"}
    if args.cache == "redis":
        env["SONAE_REDIS_URL"] = REDIS_URL
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--access-logfile", "-", "--access-logformat", "", "sonae.wsgi:application"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(port)
        asyncio.run(_load(port, lookups[:300] + trivial[:300], 16))  # warm-up: imports, connections, caches
        at_16 = _interleaved(port, {"trivial": trivial, "lookup": lookups}, 16, args.rounds)
        results = {
            "trivial_16": at_16["trivial"],
            "lookup_16": at_16["lookup"],
            "lookup_64": asyncio.run(_load(port, lookups, 64)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = _found_share(port=None)
    share = results["lookup_16"]["requests_per_second"] / results["trivial_16"]["requests_per_second"]
    print(
        json.dumps(
            {
                "benchmark": "call-centre look-up under load (gunicorn, 127.0.0.1)",
                "victims_on_case": VICTIMS,
                "gunicorn_workers": args.workers,
                "cache": args.cache,
                **results,
                "lookup_share_of_trivial": round(share, 3),
                "lookups_that_found_a_person": found,
                "target_share": TARGET_SHARE,
                "target_p99_ms_at_16": TARGET_P99_MS,
                "meets_targets": share >= TARGET_SHARE
                and results["lookup_16"]["p99_ms"] < TARGET_P99_MS
                and results["lookup_64"]["errors"] == 0,
            },
            ensure_ascii=False,
        )
    )


def _found_share(port) -> float:
    """Share of look-ups that found someone (from the audit log of this run's look-ups)."""
    from sonae.core.models import AuditEvent

    events = AuditEvent.objects.filter(action="personal_data.lookup").order_by("-id")[:2000]
    found = [e.data.get("found", 0) for e in events]
    return round(sum(1 for f in found if f) / len(found), 3) if found else 0.0


if __name__ == "__main__":
    main()
