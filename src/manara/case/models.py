"""Cases shared between member countries, their messages, attachments, tasks, timeline and handover notes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow


class Priority(StrEnum):
    """How fast invited members are expected to answer (deadlines in MANARA_CASE_RESPONSE_MINUTES)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TaskStatus(StrEnum):
    """Where a task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Case(TimestampMixin, CountryOwnedMixin, Base):
    """A cross-border case opened by one member; visible only to its member countries (``case_member``)."""

    __tablename__ = "case_file"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    tlp: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8), index=True)
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    created_by: Mapped[str] = mapped_column(String(36))
    link_id: Mapped[str | None] = mapped_column(
        ForeignKey("suggested_link.id", ondelete="SET NULL"), nullable=True, index=True
    )
    entity_ids: Mapped[list[str]] = mapped_column(default=list)
    notice_ids: Mapped[list[str]] = mapped_column(default=list)
    crime_areas: Mapped[list[str]] = mapped_column(default=list)  # manara.crime.CrimeArea values
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    members: Mapped[list[CaseMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseMember.invited_at"
    )


class CaseMember(Base):
    """A member country taking part in a case: the owner, or an invited member and its first response.

    ``sealed``: invited from a suggested link the opener may not read; the invitee's identity is withheld
    from the other members until it accepts.
    """

    __tablename__ = "case_member"
    __table_args__ = (Index("ix_case_member_pending", "country", "responded_at"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))  # owner | invited
    sealed: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CaseEvent(Base):
    """One entry of a case's timeline (ordered by ``seq``); ``data`` holds ids, never message text."""

    __tablename__ = "case_event"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    country: Mapped[str] = mapped_column(String(2))
    username: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class CaseMessage(Base):
    """A message in a case's thread (``parent_id`` answers another message)."""

    __tablename__ = "case_message"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("case_message.id"), nullable=True)
    country: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attachments: Mapped[list[CaseAttachment]] = relationship(
        lazy="selectin", order_by="CaseAttachment.created_at", cascade="all, delete-orphan"
    )


class CaseAttachment(Base):
    """A file attached to a message; the bytes live in the attachment store under ``id``."""

    __tablename__ = "case_attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("case_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    user_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseTask(TimestampMixin, Base):
    """A task of a case, assigned to a member country or to one of its users, with a due date."""

    __tablename__ = "case_task"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    assignee_country: Mapped[str] = mapped_column(String(2), index=True)
    assignee_user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(12), default=TaskStatus.OPEN.value)
    created_by: Mapped[str] = mapped_column(String(36))
    created_country: Mapped[str] = mapped_column(String(2))


class HandoverNote(Base):
    """A shift handover note of one member's desk: what is open, what to watch; the next shift acknowledges."""

    __tablename__ = "handover_note"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), index=True)
    author_id: Mapped[str] = mapped_column(String(36))
    author_name: Mapped[str] = mapped_column(String(100))
    open_items: Mapped[str] = mapped_column(Text)
    watch: Mapped[str] = mapped_column(Text, default="")
    case_ids: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    acknowledged_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
