"""One HTML error page for the console (404, 403, 400, 409, 500); the JSON API keeps its own shape."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from manara.errors import Forbidden, ManaraError, Unauthenticated
from manara.web.render import page
from manara.web.session import SESSION_COOKIE

log = logging.getLogger("manara.web")
CONSOLE_PREFIX = "/console"
Handler = Callable[[Request, Any], Awaitable[Response] | Response]


class SignInRequired(Unauthenticated):
    """The console page needs a signed-in user: redirect to the sign-in page."""


class CsrfRejected(Forbidden):
    """A console form arrived without the token of the session that showed it."""


def _is_console(request: Request) -> bool:
    return request.url.path == CONSOLE_PREFIX or request.url.path.startswith(CONSOLE_PREFIX + "/")


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    """Render the console's error page."""
    return page(request, "error.html", status=status, status_code=status, message=message)


def _html_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"{CONSOLE_PREFIX}/login?next={quote(target, safe='')}", status_code=303)
        if request.cookies.get(SESSION_COOKIE):  # ended or revoked on the server: forget it (no redirect loop)
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        return response
    if isinstance(exc, ManaraError):
        return error_page(request, exc.http_status)
    if isinstance(exc, StarletteHTTPException):
        return error_page(request, exc.status_code)
    if isinstance(exc, RequestValidationError):
        return error_page(request, 400)
    log.exception("unhandled console error")
    return error_page(request, 500)


def install_html_errors(app: FastAPI) -> None:
    """Render errors of console paths as the HTML page; leave every other path to the JSON handlers."""
    for exc_class in (ManaraError, StarletteHTTPException, RequestValidationError, Exception):
        json_handler: Handler | None = app.exception_handlers.get(exc_class)

        async def handler(request: Request, exc: Exception, json_handler: Handler | None = json_handler) -> Any:
            if _is_console(request) or json_handler is None:
                return _html_error(request, exc)
            result = json_handler(request, exc)
            return await result if inspect.isawaitable(result) else result

        app.add_exception_handler(exc_class, handler)
