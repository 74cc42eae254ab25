"""Security headers on every response (finding 10).

- ``Content-Security-Policy``: scripts only from the server's own files (no inline script, no ``eval``; the
  console's JavaScript is in ``web/static``), styles from our files plus ``style`` attributes (Bootstrap
  and htmx set some), images also as ``data:``/``blob:`` (QR codes, charts), no plug-ins, no ``<base>``
  elsewhere, forms posted only here, and ``frame-ancestors 'none'`` (no clickjacking). The API's JSON
  gets ``default-src 'none'``. The OpenAPI pages (Swagger UI, ReDoc) keep one inline start-up script.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` (console URLs carry record ids and
  search terms), ``X-Frame-Options: DENY`` for old browsers, ``Cross-Origin-Opener-Policy: same-origin``.
- ``Cache-Control: no-store`` on console pages and API answers (personal data must not stay in a shared or
  browser cache), unless the handler chose its own; static files keep their caching.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
STATIC_PREFIXES = ("/console/static/", "/static")
NO_STORE_PREFIXES = ("/console", "/api/")

COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def headers_for(path: str) -> tuple[bytes, bool]:
    """Return the policy of a path and whether its responses must not be stored."""
    if path.startswith(DOCS_PATHS):
        return DOCS_CSP.encode(), False
    if path.startswith("/api/"):
        return API_CSP.encode(), True
    static = path.startswith(STATIC_PREFIXES)
    return CONSOLE_CSP.encode(), path.startswith(NO_STORE_PREFIXES) and not static


class SecurityHeaders:
    """Add the security headers to every HTTP response (those a handler set itself are kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy, no_store = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                added = [(b"content-security-policy", policy), *COMMON]
                if no_store:
                    added.append((b"cache-control", b"no-store"))
                message["headers"] = headers + [(name, value) for name, value in added if name not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
