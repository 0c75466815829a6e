"""HTTPS_PROXY is honoured for a remote API (tunnelled with CONNECT, so the key never crosses the proxy in the
clear), and never used for loopback or for hosts in NO_PROXY."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator

import pytest

from cftui.api import ApiKey, CloudForgeClient, RetryPolicy, Unreachable
from cftui.api.keys import proxy_for

KEY = "cf_read_" + "p" * 20 + "9x9x"


@pytest.fixture
def fake_proxy() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback socket that records what a client sends it, then refuses the tunnel."""
    received: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                received.append(connection.recv(65536))
                connection.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", received
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


async def test_a_remote_api_goes_through_the_proxy_in_a_tunnel(
    fake_proxy: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy_url, received = fake_proxy
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    policy = RetryPolicy(base_s=0.01, attempts=1)
    async with CloudForgeClient("https://api.cloudforge.novatech.com/v2", ApiKey.parse(KEY), retry_policy=policy) as c:
        with pytest.raises(Unreachable):
            await c.list_projects()
    assert received, "the request went to the proxy"
    first = received[0]
    assert first.startswith(b"CONNECT api.cloudforge.novatech.com:443 ")
    assert KEY.encode() not in first and b"Authorization" not in first


def test_loopback_and_no_proxy_hosts_skip_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example.com")
    assert proxy_for("https://api.cloudforge.novatech.com/v2") == "http://proxy.example.com:3128"
    assert proxy_for("http://127.0.0.1:8765/v2") is None
    assert proxy_for("http://localhost:8765/v2") is None
    assert proxy_for("https://internal.example.com/v2") is None


def test_https_verifies_certificates_and_plain_http_trusts_none() -> None:
    from cftui.api.exchange import tls_for

    assert tls_for("https://api.cloudforge.novatech.com/v2") is True, "httpx's default verification, CA bundle"
    loopback = tls_for("http://127.0.0.1:8080/v2")
    assert not isinstance(loopback, bool)
    assert loopback.verify_mode == ssl.CERT_REQUIRED and loopback.check_hostname
    assert loopback.get_ca_certs() == [], "no CA loaded: should TLS ever be tried there, every certificate fails"
