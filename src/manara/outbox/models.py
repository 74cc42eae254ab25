"""Outbox events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, utcnow


class OutboxEvent(Base):
    """An event to deliver after commit (live console, webhooks, indexes, jobs)."""

    __tablename__ = "outbox_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    topic: Mapped[str] = mapped_column(String(60), index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
