"""Reported travel documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id

DOCUMENT_STATUSES = ("stolen", "lost", "revoked", "invalidated")
DOCUMENT_TYPES = ("passport", "id_card", "visa", "residence_permit", "travel_document", "other")


class DocumentReport(TimestampMixin, CountryOwnedMixin, Base):
    """A travel document reported stolen, lost or revoked; ``number_key`` is the normalised number."""

    __tablename__ = "document_report"
    __table_args__ = (Index("ix_document_report_lookup", "number_key", "issuing_country"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(String(64))
    number_key: Mapped[str] = mapped_column(String(64))
    issuing_country: Mapped[str] = mapped_column(String(2))
    doc_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))
    reported_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    share_key: Mapped[str] = mapped_column(String(1000), default="")  # ",FR,ES," for portable filtering
    review_date: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id", ondelete="SET NULL"), nullable=True)
