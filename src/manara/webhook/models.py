"""Webhook subscriptions, their deliveries (pending, delivered, dead) and the fan-out cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from manara.db.base import Base, CountryOwnedMixin, TimestampMixin, new_id, utcnow


class WebhookSubscription(TimestampMixin, CountryOwnedMixin, Base):
    """An endpoint of a member subscribed to event types; receives what that member may see on the live feed.

    ``secret_encrypted``: the signing secret, Fernet-encrypted under a key derived from ``MANARA_SECRET_KEY``
    (shown once, at creation or rotation). ``after_event``: the outbox id at creation; older events are never
    delivered to it.
    """

    __tablename__ = "webhook_subscription"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[str]] = mapped_column()
    secret_encrypted: Mapped[str] = mapped_column(String(500))
    secret_hint: Mapped[str] = mapped_column(String(12))  # last characters, to tell secrets apart
    active: Mapped[bool] = mapped_column(default=True)
    after_event: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    created_by: Mapped[str] = mapped_column(String(36))


class WebhookDelivery(Base):
    """One event for one subscription: ``pending`` (with its next attempt), ``delivered`` or ``dead``."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    topic: Mapped[str] = mapped_column(String(60))
    body: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_status: Mapped[int | None] = mapped_column(nullable=True)  # the receiver's HTTP status, if it answered
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    dead_at: Mapped[datetime | None] = mapped_column(nullable=True)


class WebhookCursor(Base):
    """How far the fan-out has read the outbox: events at or below ``low_water`` are all fanned out."""

    __tablename__ = "webhook_cursor"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    low_water: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
