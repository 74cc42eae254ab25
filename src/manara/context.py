"""Per-request context (request id) carried in context variables, set at the interface edge."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("manara_request_id", default=None)


def current_request_id() -> str:
    """Return the current request id, or a fresh one outside a request (CLI, jobs)."""
    rid = request_id_var.get()
    if rid is None:
        rid = f"local-{uuid.uuid4().hex[:16]}"
        request_id_var.set(rid)
    return rid
