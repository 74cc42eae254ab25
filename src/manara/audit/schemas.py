"""Audit events and the chain verification, as the API returns them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventOut(BaseModel):
    """An audit event."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    request_id: str
    user_id: str
    username: str
    country: str
    role: str
    purpose: str | None
    action: str
    target_type: str | None
    target_ids: list[str]
    query: dict[str, Any] | None
    extra: dict[str, Any] | None
    credential: dict[str, Any] | None = None
    hash: str


class VerifyOut(BaseModel):
    """Result of walking the hash chain."""

    ok: bool
    checked: int
    broken_seq: int | None
    reason: str | None
