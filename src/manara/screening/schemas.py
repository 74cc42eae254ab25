"""Pydantic shapes of the screening API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from manara.schemas_common import CountryCode, Line


class DocumentIn(BaseModel):
    """A travel document presented by the screened person."""

    model_config = ConfigDict(extra="forbid")

    number: Line = Field(..., min_length=1, max_length=64)
    country: CountryCode | None = Field(None, description="Issuing country")


class ScreenIn(BaseModel):
    """One person to screen: any script, partial birth dates allowed."""

    model_config = ConfigDict(extra="forbid")

    names: list[Line] = Field(..., min_length=1, max_length=20, description="Names as presented, any script")
    birth_date: str | None = Field(
        None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    nationality: CountryCode | None = None
    gender: Literal["male", "female"] | None = None
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)
    limit: int = Field(10, ge=1, le=50)
    face_image: str | None = Field(
        None,
        exclude=True,
        max_length=12_000_000,
        description="Optional face photo (JPEG/PNG/…), base64; fused with the name evidence, never stored or logged",
    )


class MrzIn(BaseModel):
    """The machine-readable zone of a passport (TD3), an identity card (TD1) or a TD2 document, as read."""

    model_config = ConfigDict(extra="forbid")

    mrz: str = Field(..., min_length=60, max_length=200, description="The zone's lines, newline-separated or joined")
    limit: int = Field(10, ge=1, le=50)


class MrzOut(BaseModel):
    """What the zone says and whether its check digits verified (a failure is a misread or an altered document)."""

    format: Literal["TD1", "TD2", "TD3"]
    document_type: str
    issuer: str
    surname: str
    given_names: str
    number: str
    nationality: str
    birth_date: str
    sex: str | None
    expiry_date: str
    valid: bool
    failed_checks: list[str]


class ScreenResult(BaseModel):
    """One candidate notice with its score and explanation."""

    notice_id: str
    reference: str
    notice_type: str
    title: str
    owner_country: str
    score: float
    match: bool
    features: dict[str, float]
    explanation: str
    hit_id: str | None = None
    previously_rejected: bool = False
    next_step: str


class DocumentCheck(BaseModel):
    """Whether a travel document is reported stolen, lost or revoked, in the reports you may see."""

    number: str
    issuing_country: str
    reported: bool
    reports: list[dict[str, Any]]
    hit_ids: list[str]
    next_step: str


class ScreenOut(BaseModel):
    """The answer to a screening request."""

    algorithm: str
    threshold: float
    results: list[ScreenResult]
    documents: list[DocumentCheck] = Field(default_factory=list)


class MrzScreenOut(ScreenOut):
    """The screening of the document's holder, with the zone as read."""

    document: MrzOut


class JobOut(BaseModel):
    """A batch screening job and its progress."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    status: str
    input_format: str
    total: int
    processed: int
    matched: int
    hits: int
    errors: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
