"""Escalation and acknowledgement state of queue items (hits, notices awaiting review, cases)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base


class QueueEscalation(Base):
    """An overdue queue item, escalated once (the primary key makes the job idempotent)."""

    __tablename__ = "queue_escalation"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deadline_at: Mapped[datetime]
    escalated_at: Mapped[datetime] = mapped_column(index=True)


class QueueAcknowledgement(Base):
    """A member's duty desk has seen a queue item and someone is on it (distinct from resolving it)."""

    __tablename__ = "queue_acknowledgement"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime]
