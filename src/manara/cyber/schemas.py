"""Pydantic shapes of the cyber API and console."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from manara.schemas_common import CountryCode, Line, Text
from manara.tlp import Tlp
from manara.visibility import Visibility, shares_for_viewer

Kind = Literal[
    "domain-name",
    "ipv4-addr",
    "ipv6-addr",
    "url",
    "file-md5",
    "file-sha1",
    "file-sha256",
    "email-addr",
    "cryptocurrency-wallet",
    "vulnerability",
]
TargetKind = Literal["case", "subject", "crypto_wallet", "media_hash"]


class Placement(BaseModel):
    """Where imported records go: their marking when the source gives none, and who may see them."""

    model_config = ConfigDict(extra="forbid")

    tlp: Tlp = Tlp.AMBER
    visibility: Visibility = Visibility.OWNER
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)


class IndicatorIn(BaseModel):
    """A member's own indicator or observable."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    value: str = Field(..., min_length=1, max_length=2048)
    name: Line = Field("", max_length=300)
    description: Text = ""
    malware: Line = Field("", max_length=200)
    threat_actor: Line = Field("", max_length=200)
    labels: list[Line] = Field(default_factory=list, max_length=20)
    confidence: int = Field(50, ge=0, le=100)
    tlp: Tlp = Tlp.AMBER
    visibility: Visibility = Visibility.OWNER
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)
    first_seen: datetime | None = None
    last_seen: datetime | None = None


class IndicatorOut(BaseModel):
    """An indicator as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    stix_id: str
    owner_country: str
    kind: str
    value: str
    value_key: str
    name: str
    description: str
    malware: str
    threat_actor: str
    labels: list[str]
    confidence: int
    tlp: str
    visibility: str
    shared_with: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    source: str
    date_added: datetime
    revoked: bool

    @field_serializer("shared_with")
    def _recipients_hidden(self, value: list[str]) -> list[str]:
        """Recipients do not learn each other: the whole list only for the owner."""
        return shares_for_viewer(self.owner_country, value)


class LinkIn(BaseModel):
    """Link an indicator to a case, a subject, a crypto wallet or a media hash."""

    model_config = ConfigDict(extra="forbid")

    target_kind: TargetKind
    target_id: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")


class LinkOut(BaseModel):
    """A link of an indicator."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    target_kind: str
    target_id: str
    created_at: datetime


class SeenInOut(BaseModel):
    """Another member's record of the same normalised value, as far as the reader may see it."""

    indicator_id: str
    owner_country: str
    kind: str
    tlp: str
    date_added: datetime


class IndicatorDetailOut(IndicatorOut):
    """An indicator with its links and where else the same value was seen."""

    links: list[LinkOut]
    seen_in: list[SeenInOut]


class Refusal(BaseModel):
    """One object an import did not store, and why."""

    id: str
    type: str
    reason: str


class ImportReport(BaseModel):
    """What an import of a STIX bundle or a MISP event stored and what it refused."""

    format: str
    received: int
    stored: int
    updated: int
    skipped: int
    refused: list[Refusal]
    indicator_ids: list[str]


class ExportIn(BaseModel):
    """A list of indicators to export as a STIX bundle."""

    model_config = ConfigDict(extra="forbid")

    indicator_ids: list[str] = Field(..., min_length=1, max_length=10_000)


class KevOut(BaseModel):
    """One entry of the KEV catalogue."""

    model_config = ConfigDict(from_attributes=True)

    cve_id: str
    vendor: str
    product: str
    name: str
    date_added: date
    description: str
    required_action: str
    due_date: date | None
    ransomware: str
    cwes: list[str]


class CiteIn(BaseModel):
    """A case citing a KEV entry."""

    model_config = ConfigDict(extra="forbid")

    cve_id: str = Field(..., min_length=9, max_length=24, pattern=r"^CVE-\d{4}-\d{4,}$")
    note: Text = ""


class CitationOut(BaseModel):
    """A KEV entry cited by a case."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    case_id: str
    cve_id: str
    note: str
    country: str
    cited_at: datetime


class FeedIn(BaseModel):
    """A partner TAXII 2.1 collection to pull from."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    collection_url: str = Field(..., min_length=8, max_length=1000, pattern=r"^https?://")
    tlp: Tlp = Tlp.AMBER
    visibility: Visibility = Visibility.OWNER
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)


class FeedOut(BaseModel):
    """A TAXII feed with the cursor of its last pull."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    collection_url: str
    tlp: str
    visibility: str
    added_after: str | None
    last_pulled_at: datetime | None
    pulled_total: int


JsonObject = dict[str, Any]
