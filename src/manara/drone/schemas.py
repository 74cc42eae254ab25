"""Pydantic shapes of the drone API (and the console's forms)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer, field_validator

from manara.drone.models import IncidentKind, ZoneKind
from manara.schemas_common import CountryCode, Line, Text
from manara.visibility import Visibility, shares_for_viewer

HexPayload = str
TransportName = Literal["bt_legacy", "bt_long_range", "wifi_beacon", "wifi_nan", "unknown"]


class ReceiverIn(BaseModel):
    """A Remote ID receiver your country operates."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(..., min_length=1, max_length=200)
    latitude: float = Field(..., ge=-90, le=90)
    longitude: float = Field(..., ge=-180, le=180)


class ReceiverOut(BaseModel):
    """A receiver as its owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    owner_country: str
    latitude: float
    longitude: float
    active: bool
    created_at: datetime


class MessageIn(BaseModel):
    """One received Remote ID payload: a 25-byte message or a message pack, as hex."""

    model_config = ConfigDict(extra="forbid")

    received_at: AwareDatetime
    payload: HexPayload = Field(..., min_length=2, max_length=2 * (3 + 25 * 9))
    transport: TransportName = "unknown"
    source: str = Field("", max_length=40, pattern=r"^[0-9A-Fa-f:.\-]*$", description="transmitter MAC address")
    rssi: int | None = Field(None, ge=-150, le=20)

    @field_validator("payload")
    @classmethod
    def _hex(cls, value: str) -> str:
        try:
            bytes.fromhex(value)
        except ValueError as exc:
            raise ValueError("payload must be hexadecimal bytes") from exc
        return value.lower()


class BatchIn(BaseModel):
    """A receiver's batch of messages."""

    model_config = ConfigDict(extra="forbid")

    receiver_id: str = Field(..., min_length=1, max_length=36)
    messages: list[MessageIn] = Field(..., min_length=1)


class BreachOut(BaseModel):
    """A track that entered a zone, and the incident that records it."""

    track_id: str
    zone_id: str
    zone_name: str
    incident_id: str
    owner_country: str


class BatchOut(BaseModel):
    """What an ingested batch did."""

    accepted: int
    duplicates: int
    tracks: list[str]
    breaches: list[BreachOut]


class DecodeIn(BaseModel):
    """Raw bytes to decode without storing anything."""

    model_config = ConfigDict(extra="forbid")

    payload: HexPayload = Field(..., min_length=2, max_length=2 * (3 + 25 * 9))


class DecodedMessage(BaseModel):
    """One decoded message."""

    type: str
    version: int
    fields: dict[str, Any]


class DecodeOut(BaseModel):
    """The decoded messages of a payload."""

    messages: list[DecodedMessage]


class FlagOut(BaseModel):
    """A plausibility flag: evidence of spoofing, with its reason."""

    kind: str
    reason: str
    at: str
    last: str | None = None
    count: int = 1


class TrackOut(BaseModel):
    """A track as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_country: str
    uas_key: str
    uas_id: str | None
    id_type: str | None
    ua_type: str | None
    operator_id: str | None
    first_seen: datetime
    last_seen: datetime
    last_lat: float | None
    last_lon: float | None
    last_alt: float | None
    last_speed: float | None
    operator_lat: float | None
    operator_lon: float | None
    point_count: int
    flags: list[FlagOut]


class PointOut(BaseModel):
    """One position of a track."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    lat: float
    lon: float
    alt: float | None
    speed: float | None
    direction: int | None
    operator_lat: float | None
    operator_lon: float | None


class TrackDetailOut(TrackOut):
    """A track with its points and the members that saw the same identifiers."""

    points: list[PointOut]
    also_seen_by: list[str]


class GeofenceIn(BaseModel):
    """A zone around a sensitive site."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(..., min_length=1, max_length=200)
    kind: ZoneKind
    country: CountryCode
    geometry: dict[str, Any]
    floor_m: float | None = Field(None, ge=-1000, le=20_000)
    ceiling_m: float | None = Field(None, ge=-1000, le=20_000)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    visibility: Visibility = Visibility.OWNER
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)


class GeofenceOut(BaseModel):
    """A zone as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: str
    country: str
    owner_country: str
    geometry: dict[str, Any]
    floor_m: float | None
    ceiling_m: float | None
    valid_from: datetime | None
    valid_until: datetime | None
    active: bool
    visibility: str
    source: str


class IncidentIn(BaseModel):
    """An incident opened by hand (e.g. from a live alert or a report)."""

    model_config = ConfigDict(extra="forbid")

    kind: IncidentKind
    title: Line = Field(..., min_length=1, max_length=300)
    summary: Text = ""
    country: CountryCode
    site: Line = Field("", max_length=200)
    zone_id: str | None = Field(None, max_length=36)
    track_ids: list[str] = Field(default_factory=list, max_length=50)


class ShareIn(BaseModel):
    """Who may see an incident (and its tracks and evidence)."""

    model_config = ConfigDict(extra="forbid")

    visibility: Visibility
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)


class CloseIn(BaseModel):
    """Why an incident is closed."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(..., min_length=1)


class LinkIn(BaseModel):
    """Persons (subject ids) and wallets linked to an incident."""

    model_config = ConfigDict(extra="forbid")

    entity_ids: list[str] = Field(default_factory=list, max_length=50)
    wallets: list[Line] = Field(default_factory=list, max_length=50)


class IncidentOut(BaseModel):
    """An incident as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    kind: str
    status: str
    owner_country: str
    country: str
    site: str
    title: str
    summary: str
    zone_id: str | None
    track_ids: list[str]
    entity_ids: list[str]
    wallets: list[str]
    visibility: str
    shared_with: list[str]
    opened_at: datetime
    closed_at: datetime | None

    @field_serializer("shared_with")
    def _recipients_hidden(self, value: list[str]) -> list[str]:
        """Recipients do not learn each other: the whole list only for the owner."""
        return shares_for_viewer(self.owner_country, value)


class EvidenceOut(BaseModel):
    """One preserved message: its bytes (hex), digest and reception."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    receiver_id: str
    receiver_country: str
    received_at: datetime
    transport: str
    sha256: str
    payload_hex: str
    digest_ok: bool


class CustodyOut(BaseModel):
    """One chain-of-custody entry."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    country: str
    username: str
    action: str
    detail: dict[str, Any]
    hash: str


class EvidenceBundleOut(BaseModel):
    """An incident's evidence and custody log, with the result of checking both."""

    incident_id: str
    evidence: list[EvidenceOut]
    custody: list[CustodyOut]
    custody_intact: bool


class MatchOut(BaseModel):
    """An identifier your country saw that other members saw too."""

    kind: str
    value: str
    track_id: str
    countries: list[str]
