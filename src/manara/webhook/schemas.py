"""Pydantic shapes of the webhook API and console."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from manara.text import sanitize
from manara.webhook.events import EVENT_TYPES

Description = Annotated[str, StringConstraints(max_length=200), AfterValidator(sanitize)]


def _known_types(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types: {unknown}; known: {sorted(EVENT_TYPES)}")
    if not value:
        raise ValueError("subscribe to at least one event type")
    return sorted(set(value))


class SubscriptionIn(BaseModel):
    """An endpoint to subscribe: https:// URL, event types (the live feed's topics), a description."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(..., min_length=8, max_length=2000)
    event_types: list[str] = Field(..., min_length=1, max_length=len(EVENT_TYPES))
    description: Description = ""

    _types = field_validator("event_types")(_known_types)


class SubscriptionPatch(BaseModel):
    """A change to a subscription: pause or resume, other event types, another description."""

    model_config = ConfigDict(extra="forbid")

    active: bool | None = None
    event_types: list[str] | None = Field(None, min_length=1, max_length=len(EVENT_TYPES))
    description: Description | None = None

    @field_validator("event_types")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _known_types(value)


class SubscriptionOut(BaseModel):
    """A subscription as its member's administrators see it (never the secret)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_country: str
    url: str
    description: str
    event_types: list[str]
    active: bool
    secret_hint: str
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionOut):
    """A new subscription, or one whose secret was rotated: the signing secret, shown this once."""

    secret: str


class DeliveryOut(BaseModel):
    """A delivery of one event to one subscription."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    subscription_id: str
    event_id: int
    topic: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    body: dict[str, Any]


class EventTypeOut(BaseModel):
    """An event type a webhook may subscribe to."""

    type: str
    label: str


class RunOut(BaseModel):
    """What one pass of the delivery worker did."""

    fanned_out: int
    delivered: int
    failed: int
    dead: int
