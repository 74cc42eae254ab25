"""Pydantic shapes of the document register API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from manara.schemas_common import CountryCode, Line
from manara.visibility import Visibility


class DocumentReportIn(BaseModel):
    """A travel document your country issued and reports stolen, lost or revoked."""

    model_config = ConfigDict(extra="forbid")

    number: Line = Field(..., min_length=4, max_length=64)
    issuing_country: CountryCode
    doc_type: Literal["passport", "id_card", "visa", "residence_permit", "travel_document", "other"] = "passport"
    status: Literal["stolen", "lost", "revoked", "invalidated"]
    reported_on: date | None = None
    note: Line = ""
    visibility: Visibility = Visibility.ALL
    shared_with: list[CountryCode] = Field(default_factory=list, max_length=300)
    review_date: date | None = None


class DocumentReportOut(BaseModel):
    """A document report as a reader sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    issuing_country: str
    doc_type: str
    status: str
    reported_on: date
    owner_country: str
    active: bool
    visibility: str
    review_date: date
    created_at: datetime
