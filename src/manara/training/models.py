"""Tables of the training domain: courses, sessions, enrolments, certificates and members' signing keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id

LANGUAGES = ("en", "fr", "ar", "es")
LEVELS = ("basic", "intermediate", "advanced", "expert")
CRIME_AREAS = (
    "notices",
    "databases",
    "data_protection",
    "cybercrime",
    "crypto",
    "counter_terrorism",
    "drones",
    "trafficking",
    "financial_crime",
    "forensics",
)
ENROLMENT_STATUSES = ("applied", "enrolled", "waitlisted", "completed", "failed", "rejected", "cancelled")


class Course(TimestampMixin, CountryOwnedMixin, Base):
    """A course of a member's catalogue: visible to every member; ``modules`` hold the e-learning assessment
    (``[{"title", "questions": [{"text", "options", "answer"}]}]``) taken in the console."""

    __tablename__ = "training_course"
    __table_args__ = (UniqueConstraint("owner_country", "code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[dict[str, Any]] = mapped_column()  # language -> text, the four languages
    description: Mapped[dict[str, Any]] = mapped_column()
    crime_areas: Mapped[list[str]] = mapped_column()
    level: Mapped[str] = mapped_column(String(20))
    hours: Mapped[int] = mapped_column(Integer)
    prerequisites: Mapped[list[str]] = mapped_column()  # course codes
    validity_months: Mapped[int] = mapped_column(Integer)
    qualifies_roles: Mapped[list[str]] = mapped_column()
    elearning: Mapped[bool] = mapped_column(default=False)
    modules: Mapped[list[Any]] = mapped_column()
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)  # percent of correct answers
    active: Mapped[bool] = mapped_column(default=True)


class TrainingSession(TimestampMixin, CountryOwnedMixin, Base):
    """A dated run of a course with a number of seats; the owner is the course's owner."""

    __tablename__ = "training_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    course_id: Mapped[str] = mapped_column(ForeignKey("training_course.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(default=False)
    seats: Mapped[int] = mapped_column(Integer)
    trainers: Mapped[list[str]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | cancelled


class Enrolment(TimestampMixin, Base):
    """An officer's application to a session (or to an e-learning course: ``session_id`` is None)."""

    __tablename__ = "training_enrolment"
    __table_args__ = (Index("ix_training_enrolment_session_status", "session_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    course_id: Mapped[str] = mapped_column(ForeignKey("training_course.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("training_session.id"), nullable=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)  # the applicant's member
    language: Mapped[str] = mapped_column(String(2), default="en")  # of the certificate
    status: Mapped[str] = mapped_column(String(16), default="applied")
    approved_at: Mapped[datetime | None] = mapped_column(nullable=True)  # waiting-list order
    attended: Mapped[bool | None] = mapped_column(nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)  # percent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Certificate(TimestampMixin, Base):
    """A certificate issued on completion: ``credential`` is the signed Verifiable Credential (Open Badges 3.0)
    exactly as issued; ``status_index`` its bit in the issuer's revocation status list."""

    __tablename__ = "training_certificate"
    __table_args__ = (UniqueConstraint("issuer_country", "status_index"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    course_id: Mapped[str] = mapped_column(ForeignKey("training_course.id"), index=True)
    course_code: Mapped[str] = mapped_column(String(40), index=True)
    enrolment_id: Mapped[str | None] = mapped_column(ForeignKey("training_enrolment.id"), nullable=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id"), index=True)
    holder_country: Mapped[str] = mapped_column(String(2), index=True)
    issuer_country: Mapped[str] = mapped_column(String(2), index=True)
    language: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    status_index: Mapped[int] = mapped_column(Integer)
    credential: Mapped[dict[str, Any]] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revocation_reason: Mapped[str] = mapped_column(String(500), default="")
    expiry_notified_at: Mapped[datetime | None] = mapped_column(nullable=True)


class SigningKey(TimestampMixin, Base):
    """A member's Ed25519 certificate-signing key. The private key is stored only encrypted (Fernet, key derived
    from ``MANARA_SECRET_KEY``); it is never logged, audited or returned by any interface."""

    __tablename__ = "training_signing_key"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    country: Mapped[str] = mapped_column(String(2), index=True)
    key_id: Mapped[str] = mapped_column(String(80), unique=True)  # urn:manara:member:FR#<fingerprint>
    public_key: Mapped[str] = mapped_column(String(100))  # multibase (z6Mk…), did:key style
    private_key_encrypted: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
