"""Batch screening jobs (passenger lists)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, new_id, utcnow


class ScreeningJob(Base):
    """A batch screening job: input and results live in files under ``MANARA_DATA_DIR/jobs``."""

    __tablename__ = "screening_job"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2), index=True)
    user_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(40))
    input_format: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
