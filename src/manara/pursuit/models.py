"""Pursuit files, their steps, sightings and documents; the treaty registry; coordinated operations and their
targets; public appeals and the tips they receive."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow


class PursuitState(StrEnum):
    """Where the pursuit of a wanted person stands (see ``pursuit/lifecycle.py`` for who moves it)."""

    WANTED = "wanted"
    LOCATION_SUSPECTED = "location_suspected"
    LOCATED = "located"
    PROVISIONAL_ARREST = "provisional_arrest"
    EXTRADITION_REQUESTED = "extradition_requested"
    GRANTED = "granted"
    REFUSED = "refused"
    APPEAL = "appeal"
    SURRENDERED = "surrendered"
    RELEASED = "released"
    WITHDRAWN = "withdrawn"


class TreatyKind(StrEnum):
    """A treaty among many parties or between two."""

    MULTILATERAL = "multilateral"
    BILATERAL = "bilateral"


class TargetStatus(StrEnum):
    """Where one target of an operation stands."""

    SOUGHT = "sought"
    LOCATED = "located"
    ARRESTED = "arrested"
    NOT_LOCATED = "not_located"
    CANCELLED = "cancelled"


class Treaty(TimestampMixin, Base):
    """An extradition instrument: its parties (member codes) and the time allowed for the extradition request
    after a provisional arrest (``request_days``), which the requested party may extend by ``extension_days``."""

    __tablename__ = "pursuit_treaty"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    parties: Mapped[list[str]] = mapped_column(default=list)
    request_days: Mapped[int] = mapped_column(Integer)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    article: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Pursuit(TimestampMixin, CountryOwnedMixin, Base):
    """The pursuit of the subject of one red notice or diffusion; ``owner_country`` is the requesting member.

    Visible only to its member countries (``pursuit_member``): the requester, the locating member and members
    invited to help.
    """

    __tablename__ = "pursuit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id"), unique=True)
    reference: Mapped[str] = mapped_column(String(40))
    notice_type: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24), index=True)
    located_by: Mapped[str | None] = mapped_column(String(2), nullable=True)
    hit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    arrested_at: Mapped[datetime | None] = mapped_column(nullable=True)
    deadline_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    treaty_id: Mapped[str | None] = mapped_column(ForeignKey("pursuit_treaty.id"), nullable=True)
    deadline_default: Mapped[bool] = mapped_column(default=False)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(36))
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    members: Mapped[list[PursuitMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PursuitMember.joined_at"
    )


class PursuitMember(Base):
    """A member country taking part in a pursuit (``role``: requesting, located, invited)."""

    __tablename__ = "pursuit_member"

    pursuit_id: Mapped[str] = mapped_column(ForeignKey("pursuit.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(12))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class PursuitStep(Base):
    """One step of a pursuit's lifecycle: the transition, who took it, for which member, and why."""

    __tablename__ = "pursuit_step"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    pursuit_id: Mapped[str] = mapped_column(ForeignKey("pursuit.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_state: Mapped[str] = mapped_column(String(24))
    country: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PursuitDocument(Base):
    """A document of a pursuit (warrant, extradition request, decision); bytes in the attachment store."""

    __tablename__ = "pursuit_document"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pursuit_id: Mapped[str] = mapped_column(ForeignKey("pursuit.id", ondelete="CASCADE"), index=True)
    step_seq: Mapped[int | None] = mapped_column(ForeignKey("pursuit_step.seq"), nullable=True)
    kind: Mapped[str] = mapped_column(String(24))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sighting(Base):
    """Where and when the person was seen, linked by id to what told it (a hit, a biometric identification,
    a travel document check, a case message, or a report)."""

    __tablename__ = "pursuit_sighting"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    pursuit_id: Mapped[str] = mapped_column(ForeignKey("pursuit.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    country: Mapped[str] = mapped_column(String(2))
    place: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Operation(TimestampMixin, CountryOwnedMixin, Base):
    """A coordinated operation: one member (or the coordination centre) leads, participants hunt targets."""

    __tablename__ = "pursuit_operation"
    __table_args__ = (UniqueConstraint("owner_country", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    created_by: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=0)
    members: Mapped[list[OperationMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OperationMember.country"
    )


class OperationMember(Base):
    """A member country taking part in an operation."""

    __tablename__ = "pursuit_operation_member"

    operation_id: Mapped[str] = mapped_column(ForeignKey("pursuit_operation.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True, index=True)


class OperationTarget(Base):
    """One wanted person of an operation (by notice), the participant responsible for it, and its status."""

    __tablename__ = "pursuit_target"
    __table_args__ = (
        UniqueConstraint("operation_id", "notice_id"),
        Index("ix_pursuit_target_board", "operation_id", "responsible_country", "status"),
        Index("ix_pursuit_target_recent", "operation_id", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    operation_id: Mapped[str] = mapped_column(ForeignKey("pursuit_operation.id", ondelete="CASCADE"))
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    notice_owner: Mapped[str] = mapped_column(String(2))
    responsible_country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12), default=TargetStatus.SOUGHT.value)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    arrested_at: Mapped[datetime | None] = mapped_column(nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublicAppeal(Base):
    """A notice its owner opted into public appeal: ``released`` holds the only fields ever shown publicly."""

    __tablename__ = "public_appeal"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notice.id"), unique=True)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    released: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)


class PublicTip(Base):
    """A tip sent through a public appeal; ``contact`` is cleared after MANARA_TIP_RETENTION_DAYS."""

    __tablename__ = "public_tip"
    __table_args__ = (Index("ix_public_tip_client", "client_key", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    appeal_id: Mapped[str] = mapped_column(ForeignKey("public_appeal.id", ondelete="CASCADE"), index=True)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    body: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    contact_purged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    attachments: Mapped[list[PublicTipAttachment]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="PublicTipAttachment.filename"
    )


class PublicTipAttachment(Base):
    """A file sent with a tip: opaque bytes under ``id`` in the store, only ever downloaded, never rendered."""

    __tablename__ = "public_tip_attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tip_id: Mapped[str] = mapped_column(ForeignKey("public_tip.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
