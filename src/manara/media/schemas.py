"""Pydantic shapes of the media hash-sharing API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from manara.media.models import SignalType
from manara.media.taxonomy import LABELS
from manara.schemas_common import CountryCode, Line, Text
from manara.tlp import Tlp
from manara.visibility import Visibility, shares_for_viewer

Label = Literal[
    "attack_footage",
    "attacker_manifesto",
    "imminent_threat",
    "graphic_violence",
    "glorification",
    "propaganda",
    "recruitment",
    "instructional",
    "other_illegal",
]
assert set(get_args(Label)) == set(LABELS)  # noqa: S101 - the literal and the taxonomy must agree


class BankIn(BaseModel):
    """A new hash bank of your country."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(..., min_length=1, max_length=120)
    description: Text = ""
    labels: list[Label] = Field(default_factory=list, max_length=9)
    tlp: Tlp = Tlp.AMBER
    visibility: Visibility = Visibility.ALL
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)
    keep_sightings: bool = False

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a bank needs a name")
        return value


class BankUpdate(BaseModel):
    """Changes to a bank (every field optional)."""

    model_config = ConfigDict(extra="forbid")

    description: Text | None = None
    labels: list[Label] | None = Field(None, max_length=9)
    tlp: Tlp | None = None
    visibility: Visibility | None = None
    shared_with: list[CountryCode] | None = Field(None, max_length=300)
    keep_sightings: bool | None = None
    active: bool | None = None


class BankOut(BaseModel):
    """A hash bank as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    description: str
    owner_country: str
    labels: list[str]
    tlp: str
    visibility: str
    shared_with: list[str]
    keep_sightings: bool
    active: bool
    created_at: datetime
    hash_count: int = 0

    @field_serializer("shared_with")
    def _recipients_hidden(self, value: list[str]) -> list[str]:
        """Recipients do not learn each other: the whole list only for the owner."""
        return shares_for_viewer(self.owner_country, value)


class HashIn(BaseModel):
    """One hash to add to a bank, with its provenance."""

    model_config = ConfigDict(extra="forbid")

    signal_type: SignalType
    signal: str = Field(..., min_length=32, max_length=8_000_000)
    quality: int | None = Field(None, ge=0, le=100)
    labels: list[Label] = Field(default_factory=list, max_length=9)
    source: Line = ""
    note: Text = ""


class HashesIn(BaseModel):
    """Hashes to add to a bank in one request."""

    model_config = ConfigDict(extra="forbid")

    hashes: list[HashIn] = Field(..., min_length=1, max_length=10_000)


class HashOut(BaseModel):
    """A hash in a bank (the owner's view: with provenance)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    bank_id: str
    signal_type: str
    signal: str
    quality: int | None
    labels: list[str]
    source: str
    note: str
    active: bool
    added_at: datetime
    changed_at: datetime | None
    disabled_reason: str


class DisableIn(BaseModel):
    """Why a hash is disabled (e.g. a false positive reported by another member)."""

    model_config = ConfigDict(extra="forbid")

    reason: Line = Field(..., min_length=1)


class AddedOut(BaseModel):
    """The result of adding hashes: new ones, and those the bank already held."""

    added: list[HashOut]
    duplicates: int


class MatchHit(BaseModel):
    """One banked hash a probe matched."""

    match_id: str
    hash_id: str
    bank_id: str
    bank_name: str
    owner_country: str
    tlp: str
    labels: list[str]
    signal_type: str
    distance: int
    variant: str
    query_share: float | None = None
    target_share: float | None = None


class ProbeOut(BaseModel):
    """What the probe was reduced to (its hashes are returned to the caller, never kept unless asked)."""

    kind: Literal["image", "video", "hash"]
    signal_type: str
    quality: int | None
    md5: str | None = None
    sha256: str | None = None
    frames: int | None = None


class MatchOut(BaseModel):
    """The answer to a match request."""

    probe: ProbeOut
    matches: list[MatchHit]


class HashMatchIn(BaseModel):
    """A hash to match instead of a file."""

    model_config = ConfigDict(extra="forbid")

    signal_type: SignalType
    signal: str = Field(..., min_length=32, max_length=8_000_000)
    context: Line = Field("", max_length=200)


class MatchReportOut(BaseModel):
    """A match report as the querying member and the bank owner see it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    querying_country: str
    owner_country: str
    bank_id: str
    hash_id: str
    signal_type: str
    distance: int
    variant: str
    query_share: float | None
    target_share: float | None
    context: str
    sighting: str | None
    feedback: str
    feedback_at: datetime | None
    feedback_note: str


class FeedbackIn(BaseModel):
    """The querying member's verdict on a match, returned to the bank owner."""

    model_config = ConfigDict(extra="forbid")

    feedback: Literal["true_positive", "false_positive", "not_illegal"]
    note: Line = ""
