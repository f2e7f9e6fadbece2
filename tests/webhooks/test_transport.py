"""URL checks against SSRF and the HTTP post itself (against a local receiver)."""

from __future__ import annotations

import pytest

from sonae.webhooks import transport


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # shared address space
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::1", False),  # 6to4 of 127.0.0.1
        ("not-an-ip", False),
    ],
)
def test_public_addresses(address, public):
    assert transport.is_public_address(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.jp/hook",
        "file:///etc/passwd",
        "gopher://example.jp/",
        "https:///no-host",
        "https://user:pass@example.jp/hook",
        "https://example.jp:99999/hook",
        "https://example.jp/a b",
        "https://example.jp/" + "a" * 500,
    ],
)
def test_malformed_or_non_http_urls_are_refused(url):
    with pytest.raises(transport.UnsafeURL):
        transport.parse_url(url)


def test_https_url_is_split_with_default_port():
    target = transport.parse_url("https://hooks.example.jp/sonae?x=1")
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example.jp",
        443,
        "/sonae?x=1",
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest",
        "http://localhost/hook",
    ],
)
def test_internal_hosts_are_refused_unless_private_addresses_are_allowed(url):
    with pytest.raises(transport.UnsafeURL):
        transport.check_literal_host(url, allow_private=False)
    assert transport.check_literal_host(url, allow_private=True).host


def test_a_name_resolving_to_loopback_is_refused_when_sending(receiver):
    url = receiver.url.replace("127.0.0.1", "localhost.")
    result = transport.post(url, b"{}", {}, allow_private=False, timeout=2)
    assert result.refused and result.status_code is None
    assert "内部ネットワーク" in result.error
    assert receiver.requests == []


def test_post_reaches_a_loopback_receiver_when_allowed(receiver):
    result = transport.post(receiver.url, b'{"a":1}', {"X-Test": "1"}, allow_private=True, timeout=5)
    assert result.ok and result.status_code == 200 and result.response_excerpt == "ok"
    assert receiver.requests[0].body == b'{"a":1}'
    assert receiver.requests[0].headers["X-Test"] == "1"
    assert receiver.requests[0].path == "/hooks/sonae"


def test_an_error_status_is_not_ok_and_says_so(receiver):
    receiver.answer(503)
    result = transport.post(receiver.url, b"{}", {}, allow_private=True, timeout=5)
    assert not result.ok and result.status_code == 503 and not result.refused
    assert result.error.startswith("HTTP 503")


def test_a_closed_port_is_a_connection_error_worth_retrying():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = transport.post(f"http://127.0.0.1:{port}/", b"{}", {}, allow_private=True, timeout=2)
    assert result.status_code is None and not result.refused and result.error
