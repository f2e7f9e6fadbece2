"""Posting a webhook: URL checks against SSRF and one HTTP(S) request to a pinned address (pure: no Django).

SSRF care: only ``http``/``https`` URLs without credentials; the host name is resolved once and, unless private
addresses are allowed (development, tests, or ``SONAE_WEBHOOKS_ALLOW_PRIVATE=1``), every address it resolves to
must be public — not loopback, private, link-local (cloud metadata at 169.254.169.254), shared, reserved or
multicast. The connection then goes to the address that was checked (the TLS name and ``Host`` header stay the
host name), so a DNS answer that changes between the check and the connection (rebinding) cannot redirect the
request. Redirects are not followed: a 3xx answer counts as a failed delivery.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500
RESPONSE_EXCERPT_CHARS = 200
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Sonae-Webhooks/1"


class UnsafeURL(ValueError):
    """The URL may not be used as a webhook target; the message is Japanese, for users."""


class NameNotResolved(UnsafeURL):
    """The host name did not resolve (possibly a passing DNS failure: worth a retry)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    duration_ms: int
    error: str = ""
    response_excerpt: str = ""
    refused: bool = False  # not sent at all (unsafe or unresolvable URL): retrying would not help

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def parse_url(url: str) -> Target:
    """Check a webhook URL's form (scheme, host, no credentials, length) and split it; raises UnsafeURL."""
    url = (url or "").strip()
    if not url:
        raise UnsafeURL("URLを入力してください。")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"URLは{MAX_URL_LENGTH}文字以内で入力してください。")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeURL("URLの形式が正しくありません。") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL("URLは http:// または https:// で始まるものを指定してください。")
    if not parts.hostname:
        raise UnsafeURL("URLにホスト名がありません。")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("URLにユーザー名やパスワードを含めないでください。")
    if any(ch in url for ch in "\r\n\t "):
        raise UnsafeURL("URLに空白や改行を含めないでください。")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped and 6to4 IPv6 are judged by their IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def check_literal_host(url: str, *, allow_private: bool) -> Target:
    """``parse_url`` plus, when the host is an IP literal, the public-address rule (names are checked when
    sending, because DNS answers change)."""
    target = parse_url(url)
    try:
        ipaddress.ip_address(target.host)
    except ValueError:
        if not allow_private and target.host.lower().rstrip(".") in ("localhost", "localhost.localdomain"):
            raise UnsafeURL("内部ネットワーク（localhost）のURLは指定できません。") from None
        return target
    if not allow_private and not is_public_address(target.host):
        raise UnsafeURL("内部ネットワークのIPアドレスは指定できません。")
    return target


def resolve(target: Target, *, allow_private: bool) -> list[str]:
    """The addresses to connect to; raises UnsafeURL when the name does not resolve or, unless private addresses
    are allowed, when any address it resolves to is not public (a name must not mix public and internal)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NameNotResolved(f"ホスト名を解決できません（{exc}）。") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise NameNotResolved("ホスト名を解決できません。")
    if not allow_private:
        internal = [a for a in addresses if not is_public_address(a)]
        if internal:
            raise UnsafeURL(f"宛先が内部ネットワークのアドレス（{internal[0]}）のため送信しません。")
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float = 10.0
) -> PostResult:
    """POST ``body`` to ``url`` once; never raises for network or HTTP errors (they are in the result)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = check_literal_host(url, allow_private=allow_private)
        addresses = resolve(target, allow_private=allow_private)
    except UnsafeURL as exc:
        refused = not isinstance(exc, NameNotResolved)
        return PostResult(None, elapsed(), f"送信しませんでした: {exc}", refused=refused)
    all_headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        **headers,
        "Content-Length": str(len(body)),
    }
    last_error = ""
    for address in addresses:
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(
                target.host, target.port, address, timeout, ssl.create_default_context()
            )
        else:
            connection = _PinnedHTTPConnection(target.host, target.port, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as exc:
                last_error = f"接続できません（{address}）: {exc}"
                continue  # another address of the name may answer
            connection.request("POST", target.path, body=body, headers=all_headers)
            response = connection.getresponse()
            raw = response.read(MAX_RESPONSE_BYTES)
            excerpt = raw.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
            error = "" if 200 <= response.status < 300 else f"HTTP {response.status} {response.reason}"[:200]
            return PostResult(response.status, elapsed(), error, excerpt)
        except (OSError, http.client.HTTPException) as exc:
            return PostResult(None, elapsed(), f"通信エラー: {type(exc).__name__}: {exc}"[:500])
        finally:
            connection.close()
    return PostResult(None, elapsed(), last_error[:500] or "接続できません。")
