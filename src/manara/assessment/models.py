"""Threat assessments, their indicator rows and their rendered PDFs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow


class AssessmentStatus(StrEnum):
    """Lifecycle: a draft goes to a peer member for review, is published (frozen), later superseded."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class Assessment(TimestampMixin, CountryOwnedMixin, Base):
    """A threat assessment written by one member, disseminated to named members once published.

    ``dissemination_key`` (",DZ,FR,") is the dissemination list as one string a query can test with LIKE.
    ``snapshot`` is the frozen data of a published assessment (everything its report shows) and
    ``snapshot_sha256`` the digest of its canonical JSON.
    """

    __tablename__ = "assessment"
    __table_args__ = (Index("ix_assessment_owner_status", "owner_country", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    tlp: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=AssessmentStatus.DRAFT.value, index=True)
    regions: Mapped[list[str]] = mapped_column(default=list)
    countries: Mapped[list[str]] = mapped_column(default=list)
    crime_areas: Mapped[list[str]] = mapped_column(default=list)
    period_start: Mapped[date]
    period_end: Mapped[date]
    dissemination: Mapped[list[str]] = mapped_column(default=list)
    dissemination_key: Mapped[str] = mapped_column(String(1000), default=",")
    summary: Mapped[str] = mapped_column(Text, default="")
    judgements: Mapped[list[Any]] = mapped_column(default=list)
    sources: Mapped[list[Any]] = mapped_column(default=list)
    recommendations: Mapped[list[Any]] = mapped_column(default=list)
    hidden: Mapped[dict[str, Any]] = mapped_column(default=dict)  # records out of the author's view, by query
    computed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    computed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_by: Mapped[str] = mapped_column(String(36))
    reviewer_country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    review_decision: Mapped[str | None] = mapped_column(String(24), nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    supersedes_id: Mapped[str | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL"), nullable=True, index=True
    )
    superseded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    schedule: Mapped[str | None] = mapped_column(String(40), nullable=True)  # e.g. "quarterly:2026-Q3"
    indicators: Mapped[list[AssessmentIndicator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AssessmentIndicator.seq"
    )


class AssessmentIndicator(Base):
    """One computed figure: the query that produced it, its parameters, its value and the previous period's."""

    __tablename__ = "assessment_indicator"
    __table_args__ = (UniqueConstraint("assessment_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column()
    value: Mapped[float] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float, nullable=True)


class AssessmentRender(Base):
    """A PDF of an assessment rendered by the job runner; the bytes live in the blob store under ``id``."""

    __tablename__ = "assessment_render"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued | done | failed
    requested_by: Mapped[str] = mapped_column(String(36))
    country: Mapped[str] = mapped_column(String(2))
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    size: Mapped[int | None] = mapped_column(nullable=True)
    pages: Mapped[int | None] = mapped_column(nullable=True)
    pdf_variant: Mapped[str | None] = mapped_column(String(20), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
