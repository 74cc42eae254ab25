"""Hash banks, their hashes (never any content) and the match reports raised to bank owners."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id


class SignalType(StrEnum):
    """A kind of hash, named as python-threatexchange names its signal types."""

    PDQ = "pdq"
    VPDQ = "vpdq"
    MD5 = "video_md5"
    SHA256 = "sha256"


class Feedback(StrEnum):
    """What the matching member found when it looked at the matched material."""

    OPEN = "open"
    TRUE_POSITIVE = "true_positive"
    FALSE_POSITIVE = "false_positive"
    NOT_ILLEGAL = "not_illegal"


class HashBank(TimestampMixin, CountryOwnedMixin, Base):
    """A named list of hashes a member shares; labels from the taxonomy in ``taxonomy.py``."""

    __tablename__ = "media_bank"
    __table_args__ = (UniqueConstraint("owner_country", "name", name="uq_media_bank_owner_name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[list[str]] = mapped_column()
    tlp: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    share_key: Mapped[str] = mapped_column(String(1000), default="")  # ",FR,ES," for portable filtering
    keep_sightings: Mapped[bool] = mapped_column(default=False)  # keep the probe's hash on a match
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(36))


class MediaHash(Base):
    """One hash in a bank, with its provenance; disabled hashes stay for the record but never match."""

    __tablename__ = "media_hash"
    __table_args__ = (
        UniqueConstraint("bank_id", "signal_type", "signal_key", name="uq_media_hash_bank_signal"),
        Index("ix_media_hash_lookup", "signal_type", "signal_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    bank_id: Mapped[str] = mapped_column(ForeignKey("media_bank.id", ondelete="CASCADE"), index=True)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    signal_type: Mapped[str] = mapped_column(String(16))
    signal: Mapped[str] = mapped_column(Text)  # hex, or a vPDQ frame list (JSON)
    signal_key: Mapped[str] = mapped_column(String(64))  # the hex itself, or sha256 of a vPDQ signal
    quality: Mapped[int | None] = mapped_column(Integer, nullable=True)
    labels: Mapped[list[str]] = mapped_column()
    source: Mapped[str] = mapped_column(String(500), default="")  # provenance: where the material was found
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    added_by: Mapped[str] = mapped_column(String(36))
    added_at: Mapped[datetime]
    changed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    changed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    disabled_reason: Mapped[str] = mapped_column(Text, default="")


class MediaMatch(Base):
    """A match of a member's file on another (or its own) member's bank, reported to the bank owner."""

    __tablename__ = "media_match"
    __table_args__ = (Index("ix_media_match_owner_feedback", "owner_country", "feedback"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime]
    querying_country: Mapped[str] = mapped_column(String(2), index=True)
    querying_user_id: Mapped[str] = mapped_column(String(36))
    owner_country: Mapped[str] = mapped_column(String(2))
    bank_id: Mapped[str] = mapped_column(ForeignKey("media_bank.id", ondelete="CASCADE"), index=True)
    hash_id: Mapped[str] = mapped_column(ForeignKey("media_hash.id", ondelete="CASCADE"), index=True)
    signal_type: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(Integer)  # Hamming distance (pdq), 0 (exact), or 100 - share % (vpdq)
    query_share: Mapped[float | None] = mapped_column(Float, nullable=True)  # vpdq: share of probe frames matched
    target_share: Mapped[float | None] = mapped_column(Float, nullable=True)  # vpdq: share of bank frames matched
    variant: Mapped[str] = mapped_column(String(16), default="original")  # dihedral / trimmed variant matched
    context: Mapped[str] = mapped_column(String(200), default="")  # the querying member's reference (no content)
    sighting: Mapped[str | None] = mapped_column(Text, nullable=True)  # the probe's hash, if the bank keeps them
    feedback: Mapped[str] = mapped_column(String(16), default=Feedback.OPEN.value)
    feedback_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    feedback_at: Mapped[datetime | None] = mapped_column(nullable=True)
    feedback_note: Mapped[str] = mapped_column(Text, default="")
