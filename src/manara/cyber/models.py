"""Cyber indicators and their links, the KEV reference feed, TAXII pull cursors and TAXII status resources."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id


class CyberIndicator(TimestampMixin, CountryOwnedMixin, Base):
    """One indicator or observable of a member: its kind, the value as given and normalised, TLP, visibility.

    ``seq`` is a monotonic sequence: with ``date_added`` it orders the TAXII feed, so a cursor
    (date_added, seq) pages every object exactly once even when thousands share one ``date_added``."""

    __tablename__ = "cyber_indicator"
    __table_args__ = (
        UniqueConstraint("owner_country", "kind", "value_key"),
        Index("ix_cyber_indicator_match", "kind", "value_key"),
        Index("ix_cyber_indicator_feed", "date_added", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    stix_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    value: Mapped[str] = mapped_column(String(2048))
    value_key: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    malware: Mapped[str] = mapped_column(String(200), default="")
    threat_actor: Mapped[str] = mapped_column(String(200), default="")
    labels: Mapped[list[str]] = mapped_column()
    confidence: Mapped[int] = mapped_column(Integer, default=50)
    tlp: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    share_key: Mapped[str] = mapped_column(String(1000), default="")
    first_seen: Mapped[datetime | None] = mapped_column(nullable=True)
    last_seen: Mapped[datetime | None] = mapped_column(nullable=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    date_added: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(36))


class CyberLink(Base):
    """A link from an indicator to a case, a subject, a crypto wallet, a media hash or a KEV entry."""

    __tablename__ = "cyber_link"
    __table_args__ = (UniqueConstraint("indicator_id", "target_kind", "target_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("cyber_indicator.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]


class KevEntry(Base):
    """One entry of CISA's Known Exploited Vulnerabilities catalogue (a reference feed, not owned)."""

    __tablename__ = "cyber_kev"

    cve_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    vendor: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    date_added: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
    required_action: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(nullable=True)
    ransomware: Mapped[str] = mapped_column(String(16), default="Unknown")
    notes: Mapped[str] = mapped_column(Text, default="")
    cwes: Mapped[list[str]] = mapped_column()


class KevCitation(Base):
    """A case citing a KEV entry (the vulnerability exploited in the case)."""

    __tablename__ = "cyber_kev_citation"
    __table_args__ = (UniqueConstraint("case_id", "cve_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    cve_id: Mapped[str] = mapped_column(ForeignKey("cyber_kev.cve_id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    cited_by: Mapped[str] = mapped_column(String(36))
    country: Mapped[str] = mapped_column(String(2))
    cited_at: Mapped[datetime]


class TaxiiFeed(TimestampMixin, CountryOwnedMixin, Base):
    """A partner TAXII 2.1 collection a member pulls from, with the cursor of the last pull."""

    __tablename__ = "cyber_taxii_feed"
    __table_args__ = (UniqueConstraint("owner_country", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    collection_url: Mapped[str] = mapped_column(String(1000))
    tlp: Mapped[str] = mapped_column(String(16))
    visibility: Mapped[str] = mapped_column(String(16))
    shared_with: Mapped[list[str]] = mapped_column()
    added_after: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_pulled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    pulled_total: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(36))


class TaxiiStatus(Base):
    """The status resource of one TAXII "add objects" request."""

    __tablename__ = "cyber_taxii_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_country: Mapped[str] = mapped_column(String(2), index=True)
    status: Mapped[str] = mapped_column(String(16))
    request_timestamp: Mapped[datetime]
    total_count: Mapped[int] = mapped_column(Integer)
    success_count: Mapped[int] = mapped_column(Integer)
    failure_count: Mapped[int] = mapped_column(Integer)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[list[Any]] = mapped_column()
    failures: Mapped[list[Any]] = mapped_column()
