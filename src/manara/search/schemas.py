"""Search results as the API returns them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class SearchHit(BaseModel):
    """One result: a notice, entity, case or case message you may see."""

    kind: str
    id: str
    title: str
    snippet: str
    country: str
    subtype: str
    date: datetime
    case_id: str | None
    score: float


class SearchOut(BaseModel):
    """Results, their total and facets (type, country, month): only what you may see is counted."""

    q: str
    items: list[SearchHit]
    total: int
    page: int
    page_size: int
    facets: dict[str, dict[str, int]]
