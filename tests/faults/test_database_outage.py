"""The database goes away under load and comes back (issue 9 point 6): pages answer a Japanese 503 page, the API a
503 envelope ``{"code": "service_unavailable", ...}``, both with Retry-After, and once the database is back the
same running Sonae serves again — no restart.

Sonae is the real WSGI application called in-process (so Django's request signals run as under gunicorn: they
close a broken connection, and the next request reconnects), by four client threads at once. The outage is real
without stopping anything shared:
- PostgreSQL: the connections go through a TCP proxy (``proxy.TcpProxy``) that the test takes away — every
  connection dropped, new ones refused, as during a server restart — and brings back on the same port;
- SQLite: the database file's directory is renamed away (the file cannot be opened) and back.
"""

from __future__ import annotations

import json
import threading
import wsgiref.util
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client

from sonae.core.actors import Actor
from sonae.core.services import api_token_create
from tests.faults.proxy import TcpProxy

CLIENTS = 4
REQUESTS = 3  # of each kind, per client and phase
PAGE_HEADING = "ただいま一時的にご利用いただけません"


def _call(app, path: str, *, cookie: str = "", token: str = "") -> tuple[int, dict, bytes]:
    environ: dict = {}
    wsgiref.util.setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_HOST="testserver", QUERY_STRING="")
    if cookie:
        environ["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished: Django closes a connection that failed
    return answer["status"], answer["headers"], body


@contextmanager
def _database(settings_dict: dict):
    """This thread's default connection, configured by ``settings_dict`` (the test's own is left alone)."""
    original = connections["default"]
    wrapper = original.__class__(settings_dict, "default")
    connections["default"] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections["default"] = original


class _Outage:
    """Take the database away and bring it back; ``settings`` is how Sonae reaches it meanwhile."""

    def __init__(self, tmp_path):
        self.settings = {**connection.settings_dict, "OPTIONS": dict(connection.settings_dict["OPTIONS"])}
        if connection.vendor == "sqlite":
            import sqlite3

            # The test database lives in memory: a file copy (schema and the fixtures' rows) Sonae can lose.
            self.home = tmp_path / "db"
            self.home.mkdir()
            target = sqlite3.connect(self.home / "sonae.sqlite3")
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            self.away = tmp_path / "db-away"
            self.settings["NAME"] = str(self.home / "sonae.sqlite3")
        else:
            self.proxy = TcpProxy(
                connection.settings_dict["HOST"] or "127.0.0.1", int(connection.settings_dict["PORT"] or 5432)
            )
            self.proxy.start()
            self.settings.update(HOST="127.0.0.1", PORT=str(self.proxy.port))

    def down(self) -> None:
        if connection.vendor == "sqlite":
            self.home.rename(self.away)
        else:
            self.proxy.stop()

    def up(self) -> None:
        if connection.vendor == "sqlite":
            self.away.rename(self.home)
        else:
            self.proxy.start()

    def close(self) -> None:
        if connection.vendor != "sqlite":
            self.proxy.stop()


@pytest.mark.django_db(transaction=True)  # the rows must be visible to the other connections
def test_pages_and_api_answer_503_while_the_database_is_away_and_serve_again_when_it_is_back(
    make_member, tmp_path
):
    membership = make_member("provider", "admin")
    _token, secret = api_token_create(actor=Actor.from_membership(membership), name="連携")
    browser = Client()
    browser.force_login(membership.user)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    page = browser.get("/", follow=True).request["PATH_INFO"]  # the provider's dashboard
    outage = _Outage(tmp_path)
    app = WSGIHandler()
    phases = ["up", "down", "back"]
    barrier = threading.Barrier(CLIENTS + 1, timeout=60)
    answers: list[tuple[str, str, int, dict, bytes]] = []
    failures: list[BaseException] = []

    def client() -> None:
        try:
            with _database(dict(outage.settings)):
                for phase in phases:
                    barrier.wait()
                    for _ in range(REQUESTS):
                        answers.append((phase, "page", *_call(app, page, cookie=cookie)))
                        # A route that reads the database (the token itself may be served from the process's
                        # memo for a few seconds: sonae.core.localcache).
                        answers.append((phase, "api", *_call(app, "/api/v1/incidents", token=secret)))
                    barrier.wait()
        except BaseException as exc:  # shown by the main thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        for phase in phases:
            if phase == "down":
                outage.down()
            elif phase == "back":
                outage.up()
            barrier.wait()  # the clients run the phase
            barrier.wait()  # and are done with it
    finally:
        for thread in threads:
            thread.join(timeout=60)
        outage.close()
    assert not failures, failures

    statuses = {(phase, kind): {status for p, k, status, _h, _b in answers if (p, k) == (phase, kind)} for phase in phases for kind in ("page", "api")}  # fmt: skip
    assert statuses == {
        ("up", "page"): {200}, ("up", "api"): {200},
        ("down", "page"): {503}, ("down", "api"): {503},
        ("back", "page"): {200}, ("back", "api"): {200},
    }  # fmt: skip
    assert len(answers) == len(phases) * CLIENTS * REQUESTS * 2
    for _phase, kind, status, headers, body in answers:
        if status != 503:
            continue
        assert headers["Retry-After"] == "30"
        if kind == "page":
            assert headers["Content-Type"].startswith("text/html")
            assert PAGE_HEADING in body.decode()
        else:
            envelope = json.loads(body)
            assert envelope["code"] == "service_unavailable"
            assert envelope["message"].startswith("ただいま一時的にご利用いただけません")
