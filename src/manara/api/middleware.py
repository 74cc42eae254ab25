"""ASGI middleware: request ids and request body size limits."""

from __future__ import annotations

import logging
import re
import uuid

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manara.api.errors import error_body, error_response
from manara.context import request_id_var
from manara.errors import ErrorCode

log = logging.getLogger("manara.api")
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContext:
    """Give every request an id (from ``X-Request-ID`` when safe) and echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(rid)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Render the 500 here, while the request id is known, rather than in Starlette's outer
            # ServerErrorMiddleware, which runs after this context is gone and would not echo the id.
            log.exception("unhandled error (request %s)", rid)
            if started:
                raise
            await error_response(500, str(ErrorCode.INTERNAL), "internal error")(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class BodyLimit:
    """Refuse bodies over the limit with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, *, default: int, overrides: dict[str, int]) -> None:
        self.app, self.default, self.overrides = app, default, overrides

    def _limit(self, path: str) -> int:
        return next((v for p, v in self.overrides.items() if path.startswith(p)), self.default)

    async def _reject(self, send: Send, limit: int) -> None:
        body = orjson.dumps(error_body("payload_too_large", f"request body exceeds {limit} bytes"))
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._reject(send, limit)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, f"request body exceeds {limit} bytes")
            return message

        await self.app(scope, limited_receive, send)
