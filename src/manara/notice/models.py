"""Notices, their shares and their review history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id
from manara.notice.types import NoticeType as NoticeType  # defined with its facts in notice/types.py


class NoticeStatus(StrEnum):
    """Lifecycle states."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REFUSED = "refused"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Notice(TimestampMixin, CountryOwnedMixin, Base):
    """A notice or diffusion about one subject entity, owned by the member that issued it."""

    __tablename__ = "notice"
    __table_args__ = (
        Index("ix_notice_status_review", "status", "review_date"),
        Index("ix_notice_distribution", "status", "visibility", "owner_country", "under_review", "id"),
        Index("ix_notice_updated", "updated_at", "id"),  # the console list's keyset order
        Index("ix_notice_type_updated", "type", "updated_at", "id"),  # the same, of one type
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default=NoticeStatus.DRAFT.value)
    under_review: Mapped[bool] = mapped_column(default=False)
    subject_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column()
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    review_date: Mapped[date]
    checks: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(36))
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(default=1)
    crime_areas: Mapped[list[str]] = mapped_column(default=list)  # manara.crime.CrimeArea values
    shares: Mapped[list[NoticeShare]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    reviews: Mapped[list[NoticeReview]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeReview.created_at"
    )


class NoticeShare(Base):
    """A member country a notice is shared with (visibility ``countries``)."""

    __tablename__ = "notice_share"

    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True, index=True)


class NoticeReview(Base):
    """A reviewer's decision on a notice, with reasons."""

    __tablename__ = "notice_review"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[str] = mapped_column(String(36))
    reviewer_country: Mapped[str] = mapped_column(String(2))
    decision: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column()
    created_at: Mapped[datetime]
