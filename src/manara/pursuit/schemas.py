"""Pydantic shapes of the pursuit, operation, treaty and public appeal API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from manara.pursuit.models import PursuitState, TargetStatus, TreatyKind
from manara.schemas_common import CountryCode, Line, Text


def _not_blank(value: str) -> str:
    if not value:
        raise ValueError("must contain visible characters")
    return value


Name = Annotated[Line, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
Ident = Annotated[Line, Field(min_length=1, max_length=64)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
SIGHTING_SOURCES = ("hit", "biometric", "document_check", "case_message", "report")
RELEASABLE = ("name", "birth_year", "nationality", "sex", "offence", "issuing_country", "description")


class PursuitIn(BaseModel):
    """Open a pursuit on a red notice or diffusion of your country; invite the members that should help."""

    model_config = ConfigDict(extra="forbid")

    notice_id: Ident
    members: list[CountryCode] = Field(default_factory=list, max_length=50)


class PursuitFromHitIn(BaseModel):
    """Open a pursuit from a confirmed hit on one of your notices: the screening member joins, suspected location."""

    model_config = ConfigDict(extra="forbid")

    members: list[CountryCode] = Field(default_factory=list, max_length=50)


class StepIn(BaseModel):
    """Move a pursuit one step; ``country`` names where the person is suspected (``location_suspected``)."""

    model_config = ConfigDict(extra="forbid")

    to: PursuitState
    reason: Text = ""
    country: CountryCode | None = None
    at: AwareDatetime | None = None


class ExtendIn(BaseModel):
    """Extend the deadline of a provisional arrest (the requested member, within the treaty's extension)."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(..., ge=1, le=365)
    reason: Text = ""


class SightingIn(BaseModel):
    """A sighting: what told it (linked by id), where and when."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, Field(pattern="^(hit|biometric|document_check|case_message|report)$")]
    source_id: Ident | None = None
    country: CountryCode
    place: Annotated[Line, Field(max_length=200)] = ""
    lat: Latitude | None = None
    lon: Longitude | None = None
    seen_at: AwareDatetime
    note: Text = ""

    @model_validator(mode="after")
    def _both_or_none(self) -> SightingIn:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.source != "report" and not self.source_id:
            raise ValueError("source_id is required for a linked source")
        return self


class MemberOut(BaseModel):
    """A member country of a pursuit."""

    model_config = ConfigDict(from_attributes=True)

    country: str
    role: str
    joined_at: datetime


class StepOut(BaseModel):
    """One step of the lifecycle."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    from_state: str | None
    to_state: str
    country: str
    username: str
    reason: str
    at: datetime


class DocumentOut(BaseModel):
    """A document of a pursuit (download it from ``/documents/{id}``)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    country: str
    step_seq: int | None
    created_at: datetime


class SightingOut(BaseModel):
    """A sighting on the pursuit's timeline and map."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    source: str
    source_id: str | None
    country: str
    place: str
    lat: float | None
    lon: float | None
    seen_at: datetime
    note: str
    reported_by: str


class PursuitSummaryOut(BaseModel):
    """A pursuit in a list."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    notice_id: str
    reference: str
    notice_type: str
    owner_country: str
    located_by: str | None
    state: str
    deadline_at: datetime | None
    updated_at: datetime


class PursuitOut(PursuitSummaryOut):
    """A pursuit: its members, steps, documents, sightings, deadline and the treaty it comes from."""

    hit_id: str | None
    arrested_at: datetime | None
    treaty_id: str | None
    deadline_default: bool
    extended_days: int
    closed_at: datetime | None
    created_at: datetime
    members: list[MemberOut]
    steps: list[StepOut] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)
    sightings: list[SightingOut] = Field(default_factory=list)
    allowed_steps: list[str] = Field(default_factory=list)


class TreatyIn(BaseModel):
    """An extradition instrument for the registry."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    name: Name
    kind: TreatyKind
    parties: list[CountryCode] = Field(..., min_length=2, max_length=200)
    request_days: int = Field(..., ge=1, le=365)
    extension_days: int = Field(0, ge=0, le=365)
    article: Annotated[Line, Field(max_length=200)] = ""

    @model_validator(mode="after")
    def _parties(self) -> TreatyIn:
        if len(set(self.parties)) != len(self.parties):
            raise ValueError("parties must not repeat")
        if self.kind == TreatyKind.BILATERAL and len(self.parties) != 2:
            raise ValueError("a bilateral treaty has exactly two parties")
        return self


class TreatyOut(BaseModel):
    """A treaty of the registry."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: str
    parties: list[str]
    request_days: int
    extension_days: int
    article: str
    active: bool


class OperationIn(BaseModel):
    """A coordinated operation led by your country, its participants and period."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
    name: Name
    participants: list[CountryCode] = Field(default_factory=list, max_length=100)
    starts_on: date
    ends_on: date

    @model_validator(mode="after")
    def _period(self) -> OperationIn:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class TargetIn(BaseModel):
    """A target: a notice and the participant responsible for it."""

    model_config = ConfigDict(extra="forbid")

    notice_id: Ident
    responsible_country: CountryCode
    note: Text = ""


class TargetsIn(BaseModel):
    """Targets to add: listed, or drawn from a screening batch or a cross-match run (by id)."""

    model_config = ConfigDict(extra="forbid")

    targets: list[TargetIn] = Field(default_factory=list, max_length=10_000)
    screening_job_id: Ident | None = None
    xref_run_id: Ident | None = None
    responsible_country: CountryCode | None = None


class TargetUpdateIn(BaseModel):
    """A new status of one of your country's targets."""

    model_config = ConfigDict(extra="forbid")

    status: TargetStatus
    note: Text | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


class TargetOut(BaseModel):
    """A target of an operation."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    notice_id: str
    reference: str
    notice_owner: str
    responsible_country: str
    status: str
    source: str
    note: str
    arrested_at: datetime | None
    updated_at: datetime


class OperationOut(BaseModel):
    """An operation."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    owner_country: str
    participants: list[str]
    starts_on: date
    ends_on: date
    status: str
    version: int
    created_at: datetime


class AddedOut(BaseModel):
    """What an import or bulk addition did."""

    added: int
    skipped: int
    errors: list[dict[str, Any]] = Field(default_factory=list)


class SummaryOut(BaseModel):
    """Results of an operation: counts per status and per country, arrests today."""

    operation_id: str
    total: int
    by_status: dict[str, int]
    by_country: dict[str, dict[str, int]]
    arrests_today: int
    version: int
    at: datetime


class AppealIn(BaseModel):
    """Opt a notice of your country into a public appeal, releasing only the listed fields."""

    model_config = ConfigDict(extra="forbid")

    notice_id: Ident
    fields: list[
        Annotated[str, Field(pattern="^(name|birth_year|nationality|sex|offence|issuing_country|description)$")]
    ] = Field(..., min_length=1, max_length=len(RELEASABLE))
    description: Annotated[Text, Field(max_length=2000)] = ""


class AppealOut(BaseModel):
    """A public appeal as its owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    notice_id: str
    owner_country: str
    released: dict[str, Any]
    active: bool
    created_at: datetime
    withdrawn_at: datetime | None


class TipIn(BaseModel):
    """A public tip (size-limited; contact optional)."""

    model_config = ConfigDict(extra="forbid")

    body: Annotated[Text, Field(min_length=1), AfterValidator(_not_blank)]
    contact: Annotated[Line, Field(max_length=300)] = ""
    language: Annotated[str, Field(pattern="^(ar|en|fr|es)$")] = "en"


class TipFileOut(BaseModel):
    """A file sent with a tip (download it from the console: opaque bytes)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    filename: str
    size: int
    sha256: str


class TipOut(BaseModel):
    """A tip as the appeal owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    appeal_id: str
    body: str
    contact: str | None
    language: str
    created_at: datetime
    contact_purged_at: datetime | None
    attachments: list[TipFileOut] = Field(default_factory=list)
