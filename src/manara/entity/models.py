"""Stored FtM entities with owner, visibility and review date."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id


class Entity(TimestampMixin, CountryOwnedMixin, Base):
    """An FtM entity submitted by one member; (owner_country, entity_id) is its natural key."""

    __tablename__ = "entity"
    __table_args__ = (
        UniqueConstraint("owner_country", "entity_id"),
        Index("ix_entity_status_review", "status", "review_date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(40), index=True)
    caption: Mapped[str] = mapped_column(String(500), index=True)
    properties: Mapped[dict[str, Any]] = mapped_column()
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    review_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="active")
    content_hash: Mapped[str] = mapped_column(String(64))
    crime_areas: Mapped[list[str]] = mapped_column(default=list)  # manara.crime.CrimeArea values
    shares: Mapped[list[EntityShare]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True
    )


class EntityShare(Base):
    """A member country an entity is shared with (visibility ``countries``)."""

    __tablename__ = "entity_share"

    entity_pk: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True, index=True)
