"""Audit events, hash-chained, and the chain head used to serialise appends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base


class AuditEvent(Base):
    """One audited action; ``hash`` covers every other column and the previous event's hash."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    username: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), index=True)
    role: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str | None] = mapped_column(Text, nullable=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    target_ids: Mapped[list[str]] = mapped_column()
    query: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    # The credential acted through: API key id, console session reference, and who minted the key or set
    # the password when not the user. Hashed when present (events from before it existed hash as before).
    credential: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row holding the last sequence number and hash: the lock appends take, and the anchor
    that reveals a truncated tail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
