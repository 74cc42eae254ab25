"""JSON API of the unified search."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from manara.api.deps import CurrentActor, DbSession, PageParams
from manara.search.schemas import SearchHit, SearchOut
from manara.search.service import make_filters, run_search

router = APIRouter(tags=["search"])


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
