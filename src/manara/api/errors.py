"""One error shape for every error: ``{"error": {"code", "message", "details", "request_id"}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
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


class ErrorDetail(BaseModel):
    """What went wrong: a stable code to switch on, a message for people, structured details, the request id."""

    code: ErrorCode = Field(description="Stable machine-readable code; clients switch on it, never on the message")
    message: str
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Structured details, e.g. `errors`: a list of `{field, message}` for invalid input",
    )
    request_id: str | None = Field(description="Also in the X-Request-ID header; quote it when reporting a problem")


class ErrorOut(BaseModel):
    """The one error body of every API answer that is not a success."""

    error: ErrorDetail


# The errors every authenticated operation may answer, documented once for each of them.
DOCUMENTED_ERRORS = {
    "401": "No valid API key (or the key does not carry the scope)",
    "404": "Not found, or not yours to see (Manara never says which)",
    "422": "Invalid input: `details.errors` lists the fields and what is wrong with each",
    "429": "Too many requests: wait for the seconds in Retry-After",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI schema so that every error response names ErrorOut, the body the API really sends
    (FastAPI advertises its own 422 shape, HTTPValidationError, which Manara never answers)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for name, model in (("ErrorOut", ErrorOut), ("ErrorDetail", ErrorDetail)):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for key, sub in body.pop("$defs", {}).items():
            components.setdefault(key, sub)
        components[name] = body
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, item in schema.get("paths", {}).items():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            fastapi_422 = responses.get("422", {}).get("description") == "Validation Error"
            if fastapi_422:  # answered by the app-wide handler below, in the canonical shape, on every path
                responses["422"] = {"description": DOCUMENTED_ERRORS["422"], "content": content}
            if not path.startswith("/api/"):  # TAXII and the probes document their own errors
                continue
            for status, response in responses.items():
                if status[:1] in ("4", "5") and isinstance(response, dict):
                    response["content"] = content
            for status, description in DOCUMENTED_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": content})
    return schema


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
    """Render every error, expected or not, in the canonical shape, and document that shape in the OpenAPI
    schema. Every route under ``api_prefix`` needs an API key: a request there that fails validation without
    a valid key gets 401, never the 422 (default deny: nothing about the endpoint is answered to an
    unauthenticated caller)."""
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(plain_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

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
