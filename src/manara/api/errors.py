"""One error shape for every error: ``{"error": {"code", "message", "details", "request_id"}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from manara.api.deps import authenticate_request
from manara.context import current_request_id
from manara.errors import ErrorCode, ManaraError

log = logging.getLogger("manara.api")
HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.BAD_REQUEST,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA,
    422: ErrorCode.VALIDATION,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.UNAVAILABLE,
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the canonical error body."""
    return {"error": {"code": code, "message": message, "details": details or {}, "request_id": current_request_id()}}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
    """Return a JSON response in the canonical error shape."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Field errors without echoing the (possibly huge or hostile) input back."""
    return [
        {"field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"), "message": str(err.get("msg"))[:300]}
        for err in exc.errors()[:50]
    ]


def install_error_handlers(app: FastAPI, api_prefix: str) -> None:
    """Render every error, expected or not, in the canonical shape. Every route under ``api_prefix`` needs
    an API key: a request there that fails validation without a valid key gets 401, never the 422 (default
    deny: nothing about the endpoint is answered to an unauthenticated caller)."""

    @app.exception_handler(ManaraError)
    async def _manara(_: Request, exc: ManaraError) -> JSONResponse:
        return error_response(exc.http_status, str(exc.code), exc.message, exc.data)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if request.url.path.startswith(f"{api_prefix}/") and getattr(request.state, "actor", None) is None:
            try:
                await authenticate_request(request)
            except ManaraError as denied:
                return error_response(denied.http_status, str(denied.code), denied.message, denied.data)
        return error_response(
            422, str(ErrorCode.VALIDATION), "request validation failed", {"errors": _validation_errors(exc)}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST)
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, str(code), message)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error (request %s)", current_request_id())
        return error_response(500, str(ErrorCode.INTERNAL), "internal error")
