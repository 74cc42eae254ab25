"""Drone tables: receivers, raw Remote ID messages, tracks and their points, identifiers, geofences, incidents
with their evidence and chain-of-custody log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class ZoneKind(StrEnum):
    """What a geofence protects."""

    AIRPORT = "airport"
    PRISON = "prison"
    BORDER = "border"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure"
    EVENT = "event"


class IncidentStatus(StrEnum):
    """Where an incident stands."""

    OPEN = "open"
    CLOSED = "closed"


class IncidentKind(StrEnum):
    """What happened."""

    GEOFENCE_BREACH = "geofence_breach"
    CONTRABAND_DROP = "contraband_drop"
    BORDER_CROSSING = "border_crossing"
    SURVEILLANCE = "surveillance"
    THREAT = "threat"
    OTHER = "other"


class DroneReceiver(TimestampMixin, CountryOwnedMixin, Base):
    """A registered Remote ID receiver (Bluetooth/Wi-Fi sensor) of a member, at a known place."""

    __tablename__ = "drone_receiver"
    __table_args__ = (UniqueConstraint("owner_country", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(36))


class DroneMessage(Base):
    """One received Remote ID payload (a message or a message pack), kept until ``expires_at``."""

    __tablename__ = "drone_message"
    __table_args__ = (
        UniqueConstraint("receiver_id", "received_at", "sha256"),
        Index("ix_drone_message_owner_received", "owner_country", "received_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    receiver_id: Mapped[str] = mapped_column(ForeignKey("drone_receiver.id", ondelete="CASCADE"), index=True)
    owner_country: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime]
    transport: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(40), default="")
    rssi: Mapped[int | None] = mapped_column(nullable=True)
    msg_type: Mapped[int] = mapped_column()
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    track_id: Mapped[str | None] = mapped_column(
        ForeignKey("drone_track.id", ondelete="SET NULL"), nullable=True, index=True
    )
    expires_at: Mapped[datetime] = mapped_column(index=True)


class DroneTrack(CountryOwnedMixin, Base):
    """The positions of one UAS as one member's receivers saw it; ``uas_key`` is ``serial:…``/``caa:…``/… when
    the drone identified itself, ``source:<mac>`` until it does."""

    __tablename__ = "drone_track"
    __table_args__ = (
        UniqueConstraint("owner_country", "uas_key"),
        Index("ix_drone_track_recent", "owner_country", "last_seen"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    uas_key: Mapped[str] = mapped_column(String(80))
    uas_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    id_type: Mapped[str | None] = mapped_column(String(24), nullable=True)
    ua_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    operator_id: Mapped[str | None] = mapped_column(String(24), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(40), default="", index=True)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_alt: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_speed: Mapped[float | None] = mapped_column(Float, nullable=True)
    operator_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    operator_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    point_count: Mapped[int] = mapped_column(default=0)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    share_key: Mapped[str] = mapped_column(String(1000), default=",")  # ",FR,ES,": members of shared incidents


class DroneTrackPoint(Base):
    """One reported position of a track."""

    __tablename__ = "drone_track_point"
    __table_args__ = (Index("ix_drone_track_point_track_at", "track_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    track_id: Mapped[str] = mapped_column(ForeignKey("drone_track.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    alt: Mapped[float | None] = mapped_column(Float, nullable=True)
    speed: Mapped[float | None] = mapped_column(Float, nullable=True)
    direction: Mapped[int | None] = mapped_column(nullable=True)
    operator_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    operator_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    receiver_id: Mapped[str] = mapped_column(String(36))


class DroneIdentifier(Base):
    """A serial number (ANSI/CTA-2063-A), registration or operator id seen on a track: the key that links
    the same drone or operator seen by two members."""

    __tablename__ = "drone_identifier"
    __table_args__ = (
        UniqueConstraint("kind", "value", "track_id"),
        Index("ix_drone_identifier_lookup", "kind", "value", "country"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # serial | registration | uuid | session | operator
    value: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    track_id: Mapped[str] = mapped_column(ForeignKey("drone_track.id", ondelete="CASCADE"), index=True)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class Geofence(TimestampMixin, CountryOwnedMixin, Base):
    """A zone around a sensitive site: GeoJSON polygon(s), an altitude band and a validity window."""

    __tablename__ = "drone_geofence"
    __table_args__ = (UniqueConstraint("owner_country", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str] = mapped_column(String(2))  # where the site is
    geometry: Mapped[dict[str, Any]] = mapped_column()
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    floor_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    ceiling_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    valid_from: Mapped[datetime | None] = mapped_column(nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column(default=list)
    share_key: Mapped[str] = mapped_column(String(1000), default=",")
    source: Mapped[str] = mapped_column(String(40), default="manual")
    created_by: Mapped[str] = mapped_column(String(36))


class DroneIncident(TimestampMixin, CountryOwnedMixin, Base):
    """A drone incident owned by one member (the zone's owner for a breach), shared like any record."""

    __tablename__ = "drone_incident"
    __table_args__ = (Index("ix_drone_incident_open", "status", "country"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8), default=IncidentStatus.OPEN.value)
    country: Mapped[str] = mapped_column(String(2))  # where it happened
    site: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    zone_id: Mapped[str | None] = mapped_column(
        ForeignKey("drone_geofence.id", ondelete="SET NULL"), nullable=True, index=True
    )
    track_ids: Mapped[list[str]] = mapped_column(default=list)
    entity_ids: Mapped[list[str]] = mapped_column(default=list)
    wallets: Mapped[list[str]] = mapped_column(default=list)
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(36))
    shares: Mapped[list[DroneIncidentShare]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class DroneIncidentShare(Base):
    """A member country an incident is shared with (visibility ``countries``)."""

    __tablename__ = "drone_incident_share"

    incident_id: Mapped[str] = mapped_column(ForeignKey("drone_incident.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(ForeignKey("member.code"), primary_key=True, index=True)


class DroneEvidence(Base):
    """A raw message preserved as evidence of an incident: its bytes and SHA-256, kept beyond retention."""

    __tablename__ = "drone_evidence"
    __table_args__ = (UniqueConstraint("incident_id", "sha256", "received_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("drone_incident.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    receiver_id: Mapped[str] = mapped_column(String(36))
    receiver_country: Mapped[str] = mapped_column(String(2))
    received_at: Mapped[datetime]
    transport: Mapped[str] = mapped_column(String(16))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class DroneCustody(Base):
    """One entry of an incident's chain-of-custody log; ``hash`` chains it to the previous entry."""

    __tablename__ = "drone_custody"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(ForeignKey("drone_incident.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utcnow)
    country: Mapped[str] = mapped_column(String(2))
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
