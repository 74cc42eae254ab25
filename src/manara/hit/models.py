"""Hits and their judgements."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, new_id, utcnow


class HitStatus(StrEnum):
    """Where a hit stands: the owner acknowledges, then judges it."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    INCONCLUSIVE = "inconclusive"


JUDGEMENTS = (HitStatus.CONFIRMED, HitStatus.REJECTED, HitStatus.INCONCLUSIVE)


class Hit(Base):
    """A match between a screened subject and a record owned by another member."""

    __tablename__ = "hit"
    __table_args__ = (
        Index("ix_hit_owner_status", "owner_country", "status"),
        Index("ix_hit_pair", "target_id", "query_fingerprint"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    querying_country: Mapped[str] = mapped_column(String(2), index=True)
    querying_user_id: Mapped[str] = mapped_column(String(36))
    owner_country: Mapped[str] = mapped_column(String(2))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(36))
    notice_type: Mapped[str] = mapped_column(String(16))
    query_fingerprint: Mapped[str] = mapped_column(String(64))
    query: Mapped[dict[str, Any]] = mapped_column()
    algorithm: Mapped[str] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column()
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=HitStatus.OPEN.value)
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    judged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    judged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    judgement_note: Mapped[str | None] = mapped_column(Text, nullable=True)
