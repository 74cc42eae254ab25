"""Stored biometric templates and examiners' verification decisions (never any probe data)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, new_id, utcnow


class Decision(StrEnum):
    """An examiner's conclusion about one candidate of a search."""

    POTENTIAL_CANDIDATE = "potential_candidate"
    NO_CANDIDATE = "no_candidate"
    INCONCLUSIVE = "inconclusive"


class BiometricTemplate(Base):
    """A template enrolled by a member for a subject entity; visibility copied from the subject."""

    __tablename__ = "biometric_template"
    __table_args__ = (Index("ix_biometric_template_engine", "modality", "engine", "template_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    subject_pk: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), nullable=True)
    modality: Mapped[str] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[str] = mapped_column(String(60))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # a face vector or a packed fingerprint minutiae set
    # ANSI/NIST-ITL finger position: 0 unknown, 1 right thumb … 5 right little, 6 left thumb … 10 left little.
    finger_position: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # None: not a fingerprint
    quality: Mapped[float] = mapped_column(Float)
    warnings: Mapped[list[str]] = mapped_column()
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    original_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BiometricVerification(Base):
    """An examiner's decision on a candidate template; holds nothing of the probe."""

    __tablename__ = "biometric_verification"
    __table_args__ = (UniqueConstraint("search_seq", "template_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    template_id: Mapped[str] = mapped_column(ForeignKey("biometric_template.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    examiner_id: Mapped[str] = mapped_column(String(36))
    decision: Mapped[str] = mapped_column(String(24))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    hit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The audited search (its audit event's ``seq``) that returned the template, with the score recorded
    # there: a decision is tied to a real search, once per (search, template).
    search_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
