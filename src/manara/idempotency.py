"""Idempotency keys: a retried POST with the same key and body returns the first result."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from manara.db.base import Base, utcnow
from manara.errors import Conflict
from manara.identity import Actor


class IdempotencyRecord(Base):
    """The resource a (user, key) pair created, and a digest of the request that created it."""

    __tablename__ = "idempotency_key"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def replay(session: Session, actor: Actor, key: str, body: dict[str, Any]) -> str | None:
    """Return the resource id created earlier with this key, or None; a different body is a conflict."""
    found = session.get(IdempotencyRecord, (actor.user_id, key))
    if found is None:
        return None
    if found.request_digest != _digest(body):
        raise Conflict("Idempotency-Key reused with a different request", key=key)
    return found.resource_id


def remember(session: Session, actor: Actor, key: str, body: dict[str, Any], resource_id: str) -> None:
    """Store the resource created for this key."""
    session.add(
        IdempotencyRecord(user_id=actor.user_id, key=key, request_digest=_digest(body), resource_id=resource_id)
    )
    session.flush()  # a concurrent request with the same key fails here, inside the caller's SAVEPOINT
