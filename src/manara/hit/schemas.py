"""Pydantic shapes of hits: as the two members involved see them, and the owner's judgement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from manara.schemas_common import Line


class HitOut(BaseModel):
    """A hit as the querying member or the owner sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    querying_country: str
    owner_country: str
    target_type: str
    target_id: str
    notice_type: str
    query: dict[str, Any]
    algorithm: str
    score: float
    threshold: float
    features: dict[str, Any]
    explanation: str
    status: str
    deadline_at: datetime
    overdue: bool = False
    acknowledged_at: datetime | None
    judged_at: datetime | None
    judgement_note: str | None


class JudgeIn(BaseModel):
    """The owner's judgement of a hit."""

    model_config = ConfigDict(extra="forbid")

    judgement: Literal["confirmed", "rejected", "inconclusive"]
    note: Line = ""
