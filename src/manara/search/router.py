"""JSON API of the unified search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.audit.actions import AuditAction, record
from manara.member.roles import Actor
from manara.search.service import KINDS, Filters, Result, search

router = APIRouter(tags=["search"])


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


def _csv(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def run_search(session: DbSession, actor: Actor, q: str, filters: Filters, page: int, page_size: int) -> Result:
    """Search as ``actor`` and audit it (query and facets; the ids of the page shown)."""
    result = search(session, actor, q, filters, offset=(page - 1) * page_size, limit=page_size)
    record(
        session,
        actor,
        AuditAction.SEARCHED,
        target_type="search",
        target_ids=[d.id for _, d in result.items],
        query={
            "q": q,
            "type": sorted(filters.kinds),
            "country": sorted(filters.countries),
            "from": str(filters.date_from or ""),
            "to": str(filters.date_to or ""),
            "total": result.total,
        },
    )
    return result


def make_filters(
    kinds: list[str] | None, countries: list[str] | None, date_from: date | None, date_to: date | None
) -> Filters:
    """Return validated facet selections (unknown types are ignored, countries upper-cased)."""
    return Filters(
        kinds=_csv(kinds) & frozenset(KINDS),
        countries=frozenset(c.upper() for c in _csv(countries)),
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/search", response_model=SearchOut)
def unified_search(
    session: DbSession,
    actor: CurrentActor,
    paging: PageParams,
    q: Annotated[str, Query(min_length=1, max_length=200, description="words, in any script")],
    type: Annotated[list[str] | None, Query(description="notice, entity, case, message")] = None,  # noqa: A002
    country: Annotated[list[str] | None, Query(description="owner or author country")] = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> SearchOut:
    """Search notices, entities, cases and messages you may see; facets by type, country and month."""
    result = run_search(
        session, actor, q, make_filters(type, country, date_from, date_to), paging.page, paging.page_size
    )
    items = [
        SearchHit(
            kind=d.kind,
            id=d.id,
            title=d.title,
            snippet=d.snippet,
            country=d.country,
            subtype=d.subtype,
            date=d.at,
            case_id=d.case_id,
            score=round(s, 3),
        )
        for s, d in result.items
    ]
    return SearchOut(
        q=q, items=items, total=result.total, page=paging.page, page_size=paging.page_size, facets=result.facets
    )
