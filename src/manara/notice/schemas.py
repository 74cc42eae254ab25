"""Pydantic shapes of the notice API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from manara.crime import CrimeArea
from manara.entity.schemas import EntityOut
from manara.notice.models import NoticeType
from manara.schemas_common import CountryCode, Line, Text
from manara.visibility import Visibility, shares_for_viewer


class NoticeDetails(BaseModel):
    """Type-specific particulars, named as on INTERPOL's notice forms; which are required depends on type."""

    model_config = ConfigDict(extra="forbid")

    offence: Line | None = Field(None, description="Offence charged or convicted of (red)")
    facts: Text | None = Field(None, description="Summary of facts of the case")
    legal_provision: Line | None = Field(None, description="Law and article providing for the offence")
    max_penalty_years: float | None = Field(None, ge=0, le=200, description="Maximum penalty in years")
    max_penalty_life: bool | None = Field(None, description="Offence punishable by life imprisonment")
    warrant_reference: Line | None = Field(None, description="Arrest warrant or judicial decision reference")
    warrant_date: date | None = Field(None, description="Date of the arrest warrant")
    issuing_authority: Line | None = Field(None, description="Judicial authority that issued the warrant")
    extradition_countries: list[CountryCode] | None = Field(
        None, max_length=250, description="Countries from which extradition will be sought (red)"
    )
    requested_action: Line | None = Field(None, description="What the issuing bureau asks others to do")
    purpose: Literal["arrest", "locate", "identify", "information", "missing", "warning", "threat"] | None = Field(
        None, description="Purpose of a diffusion"
    )
    disappearance_date: date | None = Field(None, description="Date of disappearance (yellow)")
    disappearance_place: Line | None = Field(None, description="Place of disappearance (yellow)")
    found_date: date | None = Field(None, description="Date the body was found (black)")
    found_place: Line | None = Field(None, description="Place the body was found (black)")
    criminal_activity: Text | None = Field(None, description="Criminal activities warned of (green)")
    threat: Text | None = Field(None, description="Event, person, object or process threatening safety (orange)")
    modus_operandi: Text | None = Field(None, description="Modus operandi, objects, devices (purple)")
    un_committee: Line | None = Field(None, description="UN Security Council sanctions committee (UN special)")
    un_reference: Line | None = Field(None, description="UN sanctions list reference (UN special)")


class NoticeIn(BaseModel):
    """A new notice (draft) or diffusion."""

    model_config = ConfigDict(extra="forbid")

    type: NoticeType
    subject_id: str | None = Field(None, max_length=36, description="Record id of the subject entity")
    title: Line = Field(..., min_length=1)
    summary: Text = ""
    details: NoticeDetails = Field(default_factory=NoticeDetails)
    visibility: Visibility = Visibility.ALL
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)
    review_date: date | None = None
    crime_areas: list[CrimeArea] | None = Field(
        None, max_length=16, description="Crime areas; when absent, those recognised in the offence text"
    )


class NoticePatch(BaseModel):
    """Changes to a draft or refused notice; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    subject_id: str | None = Field(None, max_length=36)
    title: Line | None = Field(None, min_length=1)
    summary: Text | None = None
    details: NoticeDetails | None = None
    visibility: Visibility | None = None
    shared_with: list[CountryCode] | None = Field(None, max_length=300)
    review_date: date | None = None
    crime_areas: list[CrimeArea] | None = Field(None, max_length=16)


class ReviewIn(BaseModel):
    """A reviewer's decision."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "refuse"]
    reasons: list[Line] = Field(default_factory=list, max_length=50)


class CancelIn(BaseModel):
    """Why the owner cancels a notice."""

    model_config = ConfigDict(extra="forbid")

    reason: Line = Field(..., min_length=1)


class RevalidateIn(BaseModel):
    """The owner confirms a record is still valid until a new review date."""

    model_config = ConfigDict(extra="forbid")

    review_date: date


class ReviewOut(BaseModel):
    """A review decision as shown to readers."""

    model_config = ConfigDict(from_attributes=True)

    reviewer_country: str
    decision: str
    reasons: list[str]
    created_at: datetime


class NoticeOut(BaseModel):
    """A notice as a reader sees it, with its subject's particulars."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    reference: str
    type: str
    status: str
    under_review: bool
    owner_country: str
    subject_id: str | None
    subject: EntityOut | None = None
    title: str
    summary: str
    details: dict[str, Any]
    visibility: str
    shared_with: list[str]
    review_date: date
    checks: dict[str, Any]
    crime_areas: list[str] = Field(default_factory=list)
    reviews: list[ReviewOut] = Field(default_factory=list)
    submitted_at: datetime | None
    published_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @field_serializer("shared_with")
    def _recipients_hidden(self, value: list[str]) -> list[str]:
        """Recipients do not learn each other: the whole list only for the owner."""
        return shares_for_viewer(self.owner_country, value)
