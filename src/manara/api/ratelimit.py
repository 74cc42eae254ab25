"""Request rate limits per client address, per API key and per user (finding 11), with the `limits` library.

One in-memory limiter per process (sliding window counters): the middleware counts every request by its
client address and, when it presents one, by its API key (before authentication, so a flood of requests
costs no database read), and sign-in attempts by address; the authentication dependencies count the
request against its user once the user is known (all their keys and console sessions together). Beyond a
limit the answer is 429 with ``Retry-After``. The limits are settings (``MANARA_RATE_LIMIT_*``, `limits`
notation such as ``100/second``; empty: none). With several processes each keeps its own counts, so the
effective limit is the setting times the number of workers.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field

import orjson
from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manara.errors import ErrorCode, ManaraError
from manara.identity import Actor
from manara.settings import Settings

EXEMPT_PREFIXES = ("/health", "/ready", "/console/static/", "/metrics")
SIGN_IN_PATHS = ("/console/login", "/console/login/code", "/console/oidc/callback", "/console/oidc/login")
STATE_KEY = "rate_limits"


class RateLimited(ManaraError):
    """Too many requests for one address, key or user: try again after ``retry_after`` seconds."""

    code, http_status = ErrorCode.RATE_LIMITED, 429


def client_address(request: Request) -> str:
    """Return the client's address as the server sees it (after the trusted-proxy rules of the server)."""
    return request.client.host if request.client else "unknown"


def _scope_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _item(value: str) -> RateLimitItem | None:
    return parse(value) if value.strip() else None


@dataclass
class RateLimits:
    """The limits of one process and their counters."""

    per_address: RateLimitItem | None
    per_api_key: RateLimitItem | None
    per_user: RateLimitItem | None
    sign_in: RateLimitItem | None
    limiter: SlidingWindowCounterRateLimiter = field(
        default_factory=lambda: SlidingWindowCounterRateLimiter(MemoryStorage())
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits | None:
        """Return the configured limits, or None when they are off."""
        enabled = settings.rate_limits_enabled
        if enabled is False or (enabled is None and settings.env == "test"):
            return None
        return cls(
            per_address=_item(settings.rate_limit_per_address),
            per_api_key=_item(settings.rate_limit_per_api_key),
            per_user=_item(settings.rate_limit_per_user),
            sign_in=_item(settings.rate_limit_sign_in),
        )

    def hit(self, kind: str, identity: str) -> int | None:
        """Count one request of ``identity`` under the ``kind`` limit; return the seconds to wait if refused."""
        item: RateLimitItem | None = getattr(self, kind)
        if item is None or self.limiter.hit(item, kind, identity):
            return None
        stats = self.limiter.get_window_stats(item, kind, identity)
        return max(1, math.ceil(stats.reset_time - time.time()))


def _token_of(headers: dict[bytes, bytes]) -> str | None:
    if key := headers.get(b"x-api-key"):
        return key.decode("latin-1")
    scheme, _, credentials = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return credentials if scheme.lower() == "bearer" and credentials else None


async def _refuse(send: Send, retry_after: int, what: str) -> None:
    body = orjson.dumps(RateLimited(f"too many requests for this {what}", retry_after=retry_after).to_dict())
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"retry-after", str(retry_after).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RateLimit:
    """Count each request by address, by API key and (sign-in forms) by sign-in attempts; refuse beyond a limit.

    It also puts the limits in the request's state for ``check_user``, and adds ``Retry-After`` to a 429
    raised later by a dependency.
    """

    def __init__(self, app: ASGIApp, *, limits: RateLimits | None) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits = self.limits
        if scope["type"] != "http" or limits is None or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        address = _scope_address(scope)
        if (wait := limits.hit("per_address", address)) is not None:
            await _refuse(send, wait, "address")
            return
        token = _token_of(dict(scope["headers"]))
        if token and (wait := limits.hit("per_api_key", hashlib.sha256(token.encode()).hexdigest())) is not None:
            await _refuse(send, wait, "API key")
            return
        if scope["path"] in SIGN_IN_PATHS and (scope["method"] == "POST" or "/oidc/" in scope["path"]):
            if (wait := limits.hit("sign_in", address)) is not None:
                await _refuse(send, wait, "address")
                return
        state = scope.setdefault("state", {})
        state[STATE_KEY] = limits

        async def send_retry_after(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 429 and "retry_after" in state:
                message["headers"] = [*message.get("headers", []), (b"retry-after", str(state["retry_after"]).encode())]
            await send(message)

        await self.app(scope, receive, send_retry_after)


def check_user(request: Request, actor: Actor) -> None:
    """Count the request against its user (every key and session of theirs); raise 429 beyond the limit."""
    limits: RateLimits | None = request.scope.get("state", {}).get(STATE_KEY)
    if limits is None:
        return
    if (wait := limits.hit("per_user", actor.user_id)) is not None:
        request.state.retry_after = wait
        raise RateLimited("too many requests for this user", retry_after=wait)
