"""Load test (issue 9 point 5): 50 concurrent users against gunicorn on PostgreSQL, loopback only, bounded.

    .venv/bin/python bench/load/run.py [--users 50] [--duration 600] [--workers N] [--incidents 10000]

Set-up (not timed, kept in the benchmark database between runs; see ``bench/victims/common.py``): the case with
1,000,000 victims of the look-up benchmark, 10,000 incidents spread over 100 providers (made through the real
intake service, so SLA times, playbook tasks and timelines exist), signed-in browser sessions of a desk operator
(TOTP enrolled) and of provider users, and API tokens.

Load: ``--users`` users in this process (asyncio, one connection per request, as gunicorn's sync workers
close them). A user sends a request, reads the answer for a think time (uniform between 0 and twice ``--think``
seconds, default mean 2 s, as an operator reading a page; ``--think 0`` gives a closed loop of clients that
never pause) and sends the next, picking at random, until ``--duration`` seconds have passed:

- 20 % desk queue page (``GET /incidents/queue/``, desk session),
- 25 % case page of one of the provider's incidents (``GET /incidents/<ref>/``, provider session),
- 25 % call-centre look-up on the million-person case (``POST /api/v1/victims/<ref>/lookup``, API token),
- 30 % API reads: the incident list and one incident (``GET /api/v1/incidents``, ``GET /api/v1/incidents/<ref>``).

Prints one JSON object: per scenario and overall requests/s, p50/p95/p99 (ms) and errors (any status other than
200, or a failed connection). Targets (issue 9): 0 errors and p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from victims.common import REPO, environment, prepare_database, setup_django  # noqa: E402

PROVIDERS = 100
TARGET_P95_MS = 200.0
WEIGHTS = {"desk_queue": 20, "case_page": 25, "lookup": 25, "api_reads": 30}


def _seed_incidents(total: int) -> None:
    """``total`` incidents over ``PROVIDERS`` providers (created once; later runs top up only what is missing)."""
    from sonae.core.actors import Actor
    from sonae.core.models import Membership, Organisation, User
    from sonae.incidents.models import Incident
    from sonae.incidents.services import incident_report
    from sonae.incidents.services.notify import emails_suppressed

    existing = Incident.objects.filter(provider__code__startswith="load-provider-").count()
    if existing >= total:
        return
    symptoms = [["ransom_message", "data_encrypted"], ["lost_or_stolen"], ["spoofed_email"], ["data_leaking"]]
    rng = random.Random(9)
    per_provider = total // PROVIDERS
    with emails_suppressed():
        for p in range(PROVIDERS):
            org, _ = Organisation.objects.get_or_create(
                code=f"load-provider-{p:03d}",
                defaults={"kind": "provider", "name": f"負荷試験サービス{p:03d}株式会社"},
            )
            email = f"staff@load-provider-{p:03d}.example.jp"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=None
            )
            membership, _ = Membership.objects.get_or_create(
                user=user, organisation=org, defaults={"role": "staff"}
            )
            actor = Actor.from_membership(membership)
            have = Incident.objects.filter(provider=org).count()
            for n in range(have, per_provider):
                incident_report(
                    actor=actor,
                    channel="web",
                    provider=org,
                    symptoms=rng.choice(symptoms),
                    title=f"負荷試験の事案 {p:03d}-{n:03d}",
                    data_items=["name", "test_results"],
                    persons_estimate=rng.randint(1, 5000),
                    data_owner="own",
                )
            print(f"seeded provider {p + 1}/{PROVIDERS}", file=sys.stderr, flush=True)


def _vacuum() -> None:
    """VACUUM ANALYZE after seeding, as autovacuum would have done on a server in service (fresh statistics and
    visibility maps: counts of open cases read the queue's partial indexes only)."""
    import psycopg
    from victims.common import DATABASE_URL

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _sessions() -> dict:
    """Session cookies of a desk operator (TOTP enrolled) and of the first provider's staff, plus its references."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from sonae.core.models import Membership, Organisation, User
    from sonae.incidents.models import Incident

    desk, _ = Organisation.objects.get_or_create(
        code="load-desk", defaults={"kind": "desk", "name": "負荷試験デスク"}
    )
    email = "operator@load-desk.example.jp"
    operator = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None
    )
    Membership.objects.get_or_create(user=operator, organisation=desk, defaults={"role": "staff"})
    if not Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists():
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(operator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    provider_user = User.objects.get(email="staff@load-provider-000.example.jp")
    cookies = {}
    for name, user in (("desk", operator), ("provider", provider_user)):
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    references = list(
        Incident.objects.filter(provider__code="load-provider-000").values_list("reference", flat=True)
    )
    return {"cookies": cookies, "references": references}


def _api_token(organisation_code: str) -> str:
    from sonae.core.models import ApiToken, Organisation
    from sonae.core.services import TOKEN_PREFIX, hash_token

    secret = f"{TOKEN_PREFIX}load-{organisation_code}"
    ApiToken.objects.get_or_create(
        token_hash=hash_token(secret),
        defaults={
            "organisation": Organisation.objects.get(code=organisation_code),
            "name": "load test",
            "prefix": secret[6:14],
            "role": "staff",
        },
    )
    return secret


def _request(method: str, path: str, *, token: str = "", cookie: str = "", body: dict | None = None) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if cookie:
        head += f"Cookie: sessionid={cookie}\r\n"
    if body is not None:
        head += "Content-Type: application/json\r\n"
    head += f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    return head.encode() + data


def _scenarios(world: dict, lookup_case: str, lookup_token: str, api_token: str, queries: list[dict]) -> dict:
    """Each scenario: a function returning the next request's bytes."""
    rng = random.Random(3)
    refs = world["references"]
    desk, provider = world["cookies"]["desk"], world["cookies"]["provider"]
    return {
        "desk_queue": lambda: _request("GET", "/incidents/queue/", cookie=desk),
        "case_page": lambda: _request("GET", f"/incidents/{rng.choice(refs)}/", cookie=provider),
        "lookup": lambda: _request(
            "POST", f"/api/v1/victims/{lookup_case}/lookup", token=lookup_token, body=rng.choice(queries)
        ),
        "api_reads": lambda: (
            _request("GET", "/api/v1/incidents?limit=50", token=api_token)
            if rng.random() < 0.5
            else _request("GET", f"/api/v1/incidents/{rng.choice(refs)}", token=api_token)
        ),
    }


async def _one(port: int, request: bytes) -> int:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 30)
        writer.close()
        return int(data[9:12]) if data.startswith(b"HTTP/") else 0
    except (TimeoutError, OSError, ValueError):
        return 0


async def _load(port: int, scenarios: dict, users: int, duration: float, think: float = 0.0) -> dict:
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    latencies: dict[str, list[float]] = {n: [] for n in names}
    errors: dict[str, int] = dict.fromkeys(names, 0)
    statuses: dict[str, dict[int, int]] = {n: {} for n in names}
    deadline = time.perf_counter() + duration

    async def user(seed: int):
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            name = rng.choices(names, weights)[0]
            started = time.perf_counter()
            status = await _one(port, scenarios[name]())
            latencies[name].append(time.perf_counter() - started)
            if status != 200:
                errors[name] += 1
                statuses[name][status] = statuses[name].get(status, 0) + 1
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    elapsed = time.perf_counter() - started
    report = {
        name: _figures(latencies[name], errors[name], elapsed) | {"bad_statuses": statuses[name]}
        for name in names
    }
    report["overall"] = _figures([x for n in names for x in latencies[n]], sum(errors.values()), elapsed)
    return report


def _figures(latencies: list[float], errors: int, elapsed: float) -> dict:
    if not latencies:
        return {"requests": 0, "errors": errors}
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000, 1)

    return {
        "requests": len(ordered),
        "requests_per_second": round(len(ordered) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of load (default 10 minutes)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean think time between a user's requests (s)"
    )
    args = parser.parse_args()

    prepare_database()
    # DEBUG off: the pages need the hashed static files' manifest, as in production.
    subprocess.run(
        [sys.executable, "-m", "sonae.cli", "collectstatic", "--noinput", "-v0"],
        env=environment(),
        cwd=REPO,
        check=True,
    )
    setup_django()
    from victims_lookup import REDIS_URL, _case_with_victims, _queries, _redis_available, _token

    lookup_case = _case_with_victims()
    lookup_token = _token(lookup_case)
    queries = _queries(2000)
    _seed_incidents(args.incidents)
    _vacuum()
    world = _sessions()
    api_token = _api_token("load-provider-000")
    from django.db import connections

    from sonae.incidents.models import Incident
    from sonae.victims.models import Victim

    loaded = {
        "incidents": Incident.objects.count(),
        "victims": Victim.objects.count(),
    }
    connections.close_all()
    scenarios = _scenarios(world, lookup_case.reference, lookup_token, api_token, queries)
    port = 18000 + os.getpid() % 1000
    env = environment() | {
        "DJANGO_SETTINGS_MODULE": "load.settings",
        "SONAE_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if _redis_available():  # the shared cache of production (rate limits); else the database cache
        env["SONAE_REDIS_URL"] = REDIS_URL
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "sonae.wsgi:application"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        from victims_lookup import _wait_for

        _wait_for(port)
        asyncio.run(_load(port, scenarios, min(args.users, 8), 10))  # warm-up: imports, connections, caches
        report = asyncio.run(_load(port, scenarios, args.users, args.duration, args.think))
    finally:
        server.terminate()
        server.wait(timeout=30)
    overall = report["overall"]
    print(
        json.dumps(
            {
                "benchmark": "load test: desk queue, case pages, look-ups, API reads (gunicorn, PostgreSQL, 127.0.0.1)",
                "users": args.users,
                "think_s_mean": args.think,
                "duration_s": args.duration,
                "gunicorn_workers": args.workers,
                "cache": "redis" if "SONAE_REDIS_URL" in env else "database",
                "loaded": loaded,
                **report,
                "target_p95_ms": TARGET_P95_MS,
                "meets_targets": overall.get("errors", 1) == 0 and overall.get("p95_ms", 1e9) < TARGET_P95_MS,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
