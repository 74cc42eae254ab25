"""Write and read outbox events; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.outbox.models import OutboxEvent


def enqueue(session: Session, topic: str, payload: dict[str, Any], *, country: str | None = None) -> None:
    """Add an outbox event to the caller's transaction."""
    session.add(OutboxEvent(topic=topic, payload=payload, country=country))


def events_after(session: Session, after_id: int, *, limit: int = 500) -> Sequence[OutboxEvent]:
    """Return events with an id greater than ``after_id``, oldest first (change feed)."""
    stmt = select(OutboxEvent).where(OutboxEvent.id > after_id).order_by(OutboxEvent.id).limit(limit)
    return session.scalars(stmt).all()
