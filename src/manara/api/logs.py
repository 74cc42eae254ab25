"""Structured logs: one JSON object per line (structlog over the standard library's logging), carrying the
request id, and one line per HTTP request in place of uvicorn's access log.

What a log line may hold: the request id, method, route *template* (``/api/v1/notices/{notice_id}``), status,
duration, logger, level and the message. It never holds a query string, a body or a raw path, which may carry
passport numbers and names: uvicorn's access log (which prints ``path?query``) is switched off, and a last
processor cuts any query string out of every line that still contains a URL (a library's message, an
exception's text). ``MANARA_LOG_FORMAT=text`` prints the same events as readable lines for development.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import Literal

import structlog
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import EventDict, Processor, WrappedLogger

from manara import metrics
from manara.context import request_id_var

LogFormat = Literal["json", "text"]
request_log = structlog.get_logger("manara.request")

# A query string in any text: "?" then anything up to a space or quote (URLs in messages and exceptions).
_QUERY = re.compile(r"\?[^\s\"'<>]*")
_SILENCED = ("uvicorn.access",)  # replaced by the request line below


def _add_request_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    rid = request_id_var.get()
    if rid is not None:
        event.setdefault("request_id", rid)
    return event


def _scrub(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Cut query strings out of every text value of the event (exceptions and library messages included)."""
    for key, value in event.items():
        if isinstance(value, str) and "?" in value:
            event[key] = _QUERY.sub("?[query removed]", value)
    return event


def configure_logging(level: str = "INFO", fmt: LogFormat = "json") -> None:
    """Send every log record of the process (Manara's, uvicorn's, libraries') through one structlog formatter."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if fmt == "json" else structlog.processors.StackInfoRenderer(),
            _scrub,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.set_name("manara")
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != "manara" and not _is_plain_stream(h)]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):  # uvicorn's own handlers would print a second, unformatted copy
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request, with its full URL
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in _SILENCED:
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = False
        logging.getLogger(name).disabled = True
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _is_plain_stream(handler: logging.Handler) -> bool:
    """The handler ``logging.basicConfig`` installs (plain text to stderr), replaced by ours."""
    return type(handler) is logging.StreamHandler and not isinstance(
        handler.formatter, structlog.stdlib.ProcessorFormatter
    )


def _full_paths(app: object) -> dict[int, str]:
    """Map each route of ``app`` (by identity) to its full path template, prefixes of included routers and all."""
    routes = getattr(app, "routes", [])
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI keeps included routers nested (0.160+)
    except ImportError:  # older FastAPI copies included routes with their full path
        return {id(r): str(getattr(r, "path_format", getattr(r, "path", ""))) for r in routes}
    return {id(rc.original_route): str(rc.path_format) for rc in iter_route_contexts(routes) if rc.path_format}


_PATHS: dict[int, dict[int, str]] = {}  # id(app) -> id(route) -> full template


def route_template(scope: Scope) -> str:
    """Return the route template a request matched (``/console/notices/{notice_id}``), never the raw path."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    if isinstance(route, Mount):
        return f"{route.path}/{{path}}"
    app = scope.get("app")
    paths = _PATHS.get(id(app))
    if paths is None:
        paths = _PATHS[id(app)] = _full_paths(app)
        if len(_PATHS) > 64:  # tests build many apps: keep the newest
            _PATHS.pop(next(iter(_PATHS)))
    return paths.get(id(route), "unmatched")


class RequestLog:
    """Log one line per request (method, route template, status, duration) and count it in the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            duration = time.perf_counter() - started
            method, route = str(scope.get("method", "")), route_template(scope)
            if route != "/metrics":  # Prometheus scrapes every few seconds: neither logged nor counted
                metrics.REQUESTS.labels(method, route, str(status)).inc()
                metrics.LATENCY.labels(method, route).observe(duration)
                request_log.info(
                    "request", method=method, route=route, status=status, duration_ms=round(duration * 1000, 2)
                )
