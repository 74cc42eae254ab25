"""``Idempotency-Key`` on every creating request of the API (POST under /api/): a client that lost the answer
(a timeout, a dropped connection) sends the same request with the same key and gets the first answer back
instead of creating the thing twice.

- The key is scoped to the credential (a digest of the bearer token): two callers never share keys.
- The first request with a key claims it (a row with no answer yet) before it runs; a second one arriving while
  the first is still running gets 409, never a second execution. A claim older than ``STALE_CLAIM`` (a server
  killed mid-request) is given up, so the client can retry.
- A successful answer (2xx, up to ``MAX_KEPT_BYTES``) is kept with a digest of the method, path and body and
  replayed, with ``Idempotent-Replayed: true``, to a retry with the same body; the same key with another request
  is a 409. An answer that is not a success releases the key: the corrected request may use it again.
- The request body is hashed as it streams to the application, never held in memory here.
Answers are kept ``MANARA_IDEMPOTENCY_HOURS`` (the retention job forgets older ones).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import orjson
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manara.api.deps import SessionFactory, get_session_factory
from manara.api.errors import error_body
from manara.db.base import utcnow
from manara.db.session import unit_of_work
from manara.idempotency import IdempotentResponse, claim_key, earlier_answer, settle_key

MAX_KEY = 100
MAX_KEPT_BYTES = 1 << 20
STALE_CLAIM = timedelta(minutes=5)
KEPT_HEADERS = (b"content-type", b"location", b"etag")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _error(send: Send, status: int, code: str, message: str) -> None:
    body = orjson.dumps(error_body(code, message))
    await _answer(send, status, body, [(b"content-type", b"application/json")])


class IdempotentPosts:
    """Replay the first successful answer to a POST retried with the same ``Idempotency-Key``."""

    def __init__(self, app: ASGIApp, *, prefix: str = "/api/") -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        token = _header(scope, b"authorization") if key is not None else None
        if key is None or token is None or scope["method"] != "POST" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if not key.strip() or len(key) > MAX_KEY or not key.isprintable():
            await _error(send, 422, "validation_error", f"Idempotency-Key must be 1 to {MAX_KEY} printable characters")
            return
        claim = (hashlib.sha256(token.encode("utf-8", "replace")).hexdigest(), key)
        route = f"POST {scope['path']}"
        factory = _factory(scope)
        earlier = await run_in_threadpool(_claim, factory, claim, route)
        if earlier is not None:
            await self._replay(earlier, claim, route, receive, send)
            return
        await self._first(factory, claim, route, scope, receive, send)

    async def _replay(
        self, earlier: IdempotentResponse, claim: tuple[str, str], route: str, receive: Receive, send: Send
    ) -> None:
        if earlier.status is None:
            await _error(send, 409, "conflict", "a request with this Idempotency-Key is still being answered")
            return
        digest = hashlib.sha256(route.encode())
        while True:  # hash the retried body without keeping it
            message = await receive()
            digest.update(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if earlier.route != route or earlier.digest != digest.hexdigest():
            await _error(send, 409, "conflict", "Idempotency-Key reused with a different request")
            return
        headers = [(k.encode(), v.encode()) for k, v in (earlier.headers or {}).items()]
        await _answer(send, earlier.status, earlier.body or b"", [*headers, (b"idempotent-replayed", b"true")])

    async def _first(
        self, factory: SessionFactory, claim: tuple[str, str], route: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        digest = hashlib.sha256(route.encode())
        status = 0
        kept: dict[str, str] = {}
        body = bytearray()
        keep = True

        async def hashing_receive() -> Message:
            message = await receive()
            digest.update(message.get("body", b""))
            return message

        async def capturing_send(message: Message) -> None:
            nonlocal status, keep
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    if name.lower() in KEPT_HEADERS:
                        kept[name.lower().decode()] = value.decode("latin-1")
            elif message["type"] == "http.response.body" and keep:
                body.extend(message.get("body", b""))
                keep = len(body) <= MAX_KEPT_BYTES
            await send(message)

        try:
            await self.app(scope, hashing_receive, capturing_send)
        finally:
            success = 200 <= status < 300 and keep
            answer = (status, kept, bytes(body), digest.hexdigest()) if success else None
            await run_in_threadpool(_settle, factory, claim, answer)


def _factory(scope: Scope) -> SessionFactory:
    """The application's unit-of-work factory (the one its handlers get, overrides included)."""
    override = getattr(scope.get("app"), "dependency_overrides", {}).get(get_session_factory)
    return override() if override is not None else unit_of_work


def _claim(factory: SessionFactory, claim: tuple[str, str], route: str) -> IdempotentResponse | None:
    """Claim the key for a first request (None), or return what an earlier request with it left."""
    with factory() as session:
        earlier = earlier_answer(session, claim, utcnow() - STALE_CLAIM)
        if earlier is not None:
            session.expunge(earlier)
            return earlier
    try:
        with factory() as session:
            claim_key(session, claim, route)
    except IntegrityError:  # claimed at the same moment by a concurrent request: that one runs, this one waits
        return IdempotentResponse(scope=claim[0], key=claim[1], route=route)
    return None


def _settle(
    factory: SessionFactory, claim: tuple[str, str], answer: tuple[int, dict[str, str], bytes, str] | None
) -> None:
    with factory() as session:
        settle_key(session, claim, answer)
