"""The project's error family: machine-readable codes, one JSON shape (rendered in manara.api.errors)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """Stable machine-readable error codes; clients switch on these, never on messages."""

    BAD_REQUEST = "bad_request"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    VALIDATION = "validation_error"
    INVALID_ENTITY = "invalid_entity"
    INVALID_TRANSITION = "invalid_transition"
    CHECKS_FAILED = "checks_failed"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    PRECONDITION_FAILED = "precondition_failed"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal_error"


class ManaraError(Exception):
    """Base of every error the domain raises; carries a code, an HTTP status and structured data."""

    code: ClassVar[ErrorCode] = ErrorCode.BAD_REQUEST
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        """Return the canonical error body."""
        return {"error": {"code": str(self.code), "message": self.message, "details": self.data}}


class BadRequest(ManaraError):
    """The request is malformed."""


class Unauthenticated(ManaraError):
    """No valid credentials were presented."""

    code, http_status = ErrorCode.UNAUTHENTICATED, 401


class Forbidden(ManaraError):
    """The actor is known but lacks a permission on an object it may see (rare: prefer NotFound)."""

    code, http_status = ErrorCode.FORBIDDEN, 403


class NotFound(ManaraError):
    """The object does not exist or the actor may not see it: the two are indistinguishable."""

    code, http_status = ErrorCode.NOT_FOUND, 404

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident} not found", kind=kind, id=str(ident))


class Conflict(ManaraError):
    """The request conflicts with the current state (duplicate, stale version)."""

    code, http_status = ErrorCode.CONFLICT, 409


class PreconditionFailed(ManaraError):
    """An ``If-Match`` names a version the record no longer has: someone else changed it in between."""

    code, http_status = ErrorCode.PRECONDITION_FAILED, 412


class ValidationFailed(ManaraError):
    """Input is well-formed but invalid; ``errors`` lists field-level problems."""

    code, http_status = ErrorCode.VALIDATION, 422

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, errors=errors or [])


class InvalidEntity(ValidationFailed):
    """A FollowTheMoney entity failed validation."""

    code = ErrorCode.INVALID_ENTITY


class InvalidTransition(ManaraError):
    """A lifecycle action is not allowed in the record's current state."""

    code, http_status = ErrorCode.INVALID_TRANSITION, 409

    def __init__(self, kind: str, status: str, action: str) -> None:
        super().__init__(f"cannot {action} a {kind} that is {status}", status=status, action=action)


class ChecksFailed(ManaraError):
    """Automated checks block a submission; ``failures`` lists them."""

    code, http_status = ErrorCode.CHECKS_FAILED, 422

    def __init__(self, failures: list[dict[str, Any]]) -> None:
        super().__init__("automated checks failed", failures=failures)


class PayloadTooLarge(ManaraError):
    """The request body exceeds the configured limit."""

    code, http_status = ErrorCode.PAYLOAD_TOO_LARGE, 413


class UnsupportedMedia(ManaraError):
    """The request body has a content type the endpoint does not accept."""

    code, http_status = ErrorCode.UNSUPPORTED_MEDIA, 415


class ImageRejected(ManaraError):
    """The upload is not a usable image, or no usable template can be made from it."""

    code, http_status = ErrorCode.VALIDATION, 422

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message, reasons=reasons)
        self.reasons = reasons
