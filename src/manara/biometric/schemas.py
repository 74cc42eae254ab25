"""Request and response bodies of the biometric API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from manara.biometric.models import Decision


class TemplateOut(BaseModel):
    """An enrolled template (its vector is never returned)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    owner_country: str
    subject_pk: str
    notice_id: str | None
    modality: str
    engine: str
    template_version: str
    quality: float
    warnings: list[str]
    visibility: str
    finger_position: int | None = Field(None, description="ANSI/NIST finger position 0-10 (fingerprints only).")
    original_kept: bool = False
    created_at: datetime


class Candidate(BaseModel):
    """One candidate of a 1:N search, for a trained examiner to verify."""

    rank: int
    template_id: str
    subject_pk: str
    notice_id: str | None
    owner_country: str
    score: float = Field(description="Similarity in [0, 1]; higher is more alike.")
    above_threshold: bool = Field(description="Score at or above the gallery-size threshold.")
    finger_position: int | None = Field(None, description="Position of the best-matching enrolled finger.")


class SearchOut(BaseModel):
    """A ranked candidate list; the probe itself is not kept anywhere."""

    modality: str
    engine: str
    template_version: str
    gallery_size: int
    threshold: float
    probe_quality: float
    probe_warnings: list[str]
    candidates: list[Candidate]
    fusion: str | None = Field(None, description="Fingerprints: how per-finger scores were fused (max or sum).")
    search_id: int | None = Field(
        None, description="This search, as recorded in the audit log: give it when verifying a candidate."
    )


class VerifyIn(BaseModel):
    """An examiner's decision on one candidate."""

    template_id: str = Field(min_length=1, max_length=36)
    search_id: int = Field(
        ge=1,
        le=2**62,
        description="The `search_id` of your own recent search that returned this template; the score is the "
        "one that search recorded (a client-sent score is not accepted).",
    )
    decision: Decision
    note: str = Field("", max_length=2000)


class VerifyOut(BaseModel):
    """The recorded decision, and the hit it raised (potential candidates of other members)."""

    id: str
    template_id: str
    decision: Decision
    score: float = Field(description="The candidate's score, as the search recorded it.")
    hit_id: str | None
