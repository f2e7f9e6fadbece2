"""Fixtures of the webhook tests: a local HTTP receiver on 127.0.0.1 and organisations with admins."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sonae.core.actors import Actor
from sonae.core.models import Membership
from tests.factories import member


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers with the queued status codes, then ``default_status``."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    statuses: deque = field(default_factory=deque)
    default_status: int = 200

    def answer(self, *codes: int) -> None:
        self.statuses.extend(codes)


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, body))
            status = receiver.statuses.popleft() if receiver.statuses else receiver.default_status
            payload = b"ok" if status < 400 else b"boom"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def receiver():
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/sonae"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def actor_of(membership: Membership) -> Actor:
    return Actor.from_membership(membership)


@pytest.fixture
def provider_admin_m(db) -> Membership:
    return member("provider", "admin", code="sakura", name="株式会社さくら臨床検査")


@pytest.fixture
def provider_b_admin_m(db) -> Membership:
    return member("provider", "admin", code="aoba", name="あおば患者搬送株式会社")


@pytest.fixture
def admin(provider_admin_m) -> Actor:
    return actor_of(provider_admin_m)


@pytest.fixture
def make_endpoint(receiver):
    """``make_endpoint(actor, events=[...], url=None) -> (endpoint, secret)``."""
    from sonae.webhooks.events import EVENTS
    from sonae.webhooks.services import endpoint_create

    def make(actor: Actor, events=None, url: str | None = None, name: str = "社内システム"):
        return endpoint_create(
            actor=actor, name=name, url=url or receiver.url, event_types=list(events or EVENTS)
        )

    return make
