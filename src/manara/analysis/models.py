"""Suggested links between entities of different members, and the cross-matching watermark."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, TimestampMixin, new_id, utcnow


class LinkStatus(StrEnum):
    """Where a suggested pair stands: suggested by the engine, then judged by an analyst."""

    SUGGESTED = "suggested"
    SAME = "same"
    NOT_SAME = "not_same"
    UNSURE = "unsure"


JUDGEMENTS = (LinkStatus.SAME, LinkStatus.NOT_SAME, LinkStatus.UNSURE)


class SuggestedLink(TimestampMixin, Base):
    """A pair of entities of two members that may describe the same subject; records are never merged.

    The pair is stored once, ``left_pk < right_pk``; whoever may see both entities may see the link.
    """

    __tablename__ = "suggested_link"
    __table_args__ = (
        UniqueConstraint("left_pk", "right_pk"),
        Index("ix_suggested_link_status_score", "status", "score"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    left_pk: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"))
    right_pk: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), index=True)
    left_owner: Mapped[str] = mapped_column(String(2), index=True)
    right_owner: Mapped[str] = mapped_column(String(2), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "person" (engine) or "identifier" (exact)
    algorithm: Mapped[str] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    features: Mapped[dict[str, Any]] = mapped_column()
    explanation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=LinkStatus.SUGGESTED.value)
    judged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    judged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    judged_country: Mapped[str | None] = mapped_column(String(2), nullable=True)


class XrefState(Base):
    """Where the last cross-matching run of a scope (``*`` or a country) stopped: entities changed later."""

    __tablename__ = "xref_state"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    watermark: Mapped[datetime]
    entities: Mapped[int] = mapped_column(default=0)
    links: Mapped[int] = mapped_column(default=0)


class XrefRun(Base):
    """A cross-matching run requested through the API and run by the server's job runner.

    ``active`` is 1 while the run is queued or running and NULL after: its unique constraint lets only
    one run be active per deployment, even when two requests race (NULLs never collide).
    """

    __tablename__ = "xref_run"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scope: Mapped[str] = mapped_column(String(8))  # "*" or a country
    full: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    active: Mapped[int | None] = mapped_column(nullable=True, unique=True, default=1)
    country: Mapped[str] = mapped_column(String(2), index=True)  # the requester's
    user_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(40))
    indexed: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    links: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
