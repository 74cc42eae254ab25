"""MANARA_TRUSTED_PROXIES: forwarded client addresses are believed from the listed proxies only."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from manara import serve
from manara.settings import Settings, get_settings

Scope = dict[str, Any]


@pytest.fixture
def proxies(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Serve an app that echoes the client address and scheme it was given, with uvicorn's own wrapping."""

    async def echo(scope: Scope, receive: Any, send: Any) -> None:
        body = f"{scope['client'][0]} {scope['scheme']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})

    monkeypatch.setattr(serve, "APP", lambda: echo)  # _config passes factory=True
    yield monkeypatch
    get_settings.cache_clear()


def _seen(peer: str, forwarded_for: str | None, proto: str | None = "https") -> str:
    """Send one request from ``peer`` through the server's configured app; return what the app saw."""
    config = serve._config("127.0.0.1", 0)
    config.load()  # as uvicorn does at start: wraps the app in ProxyHeadersMiddleware with the trusted hosts
    headers = [(b"host", b"manara.example")]
    if forwarded_for is not None:
        headers.append((b"x-forwarded-for", forwarded_for.encode()))
    if proto is not None:
        headers.append((b"x-forwarded-proto", proto.encode()))
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
        "client": (peer, 50123),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(config.loaded_app(scope, receive, send))
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()


def test_by_default_only_a_proxy_on_this_host_is_believed(proxies: pytest.MonkeyPatch) -> None:
    proxies.delenv("MANARA_TRUSTED_PROXIES", raising=False)
    get_settings.cache_clear()
    assert _seen("127.0.0.1", "203.0.113.7") == "203.0.113.7 https"
    assert _seen("198.51.100.9", "203.0.113.7") == "198.51.100.9 http"  # anyone else cannot claim an address
    assert _seen("127.0.0.1", None, None) == "127.0.0.1 http"


def test_listed_proxy_networks_are_believed_and_a_spoofed_chain_is_not(proxies: pytest.MonkeyPatch) -> None:
    proxies.setenv("MANARA_TRUSTED_PROXIES", " 10.89.42.0/24 , 192.0.2.10")
    get_settings.cache_clear()
    assert get_settings().trusted_proxies == "10.89.42.0/24,192.0.2.10"
    assert _seen("10.89.42.10", "203.0.113.7") == "203.0.113.7 https"
    assert _seen("192.0.2.10", "203.0.113.7") == "203.0.113.7 https"
    # The client put a made-up address in front; the proxy appended the real one: the last untrusted wins.
    assert _seen("10.89.42.10", "1.2.3.4, 203.0.113.7") == "203.0.113.7 https"
    assert _seen("10.89.42.10", "203.0.113.7, 192.0.2.10") == "203.0.113.7 https"  # through both proxies
    assert _seen("127.0.0.1", "203.0.113.7") == "127.0.0.1 http"  # no longer listed
    assert _seen("10.89.43.5", "203.0.113.7") == "10.89.43.5 http"


def test_trusting_every_peer_is_explicit(proxies: pytest.MonkeyPatch) -> None:
    proxies.setenv("MANARA_TRUSTED_PROXIES", "*")
    get_settings.cache_clear()
    assert _seen("198.51.100.9", "203.0.113.7") == "203.0.113.7 https"


@pytest.mark.parametrize("value", ["proxy.example", "10.0.0.0/33", "127.0.0.1;rm", "*,10.0.0.1"])
def test_a_malformed_proxy_list_is_refused_at_start(value: str) -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies=value)
