"""Console page of the unified search: one box, facets by type, country and month; audited like the API."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from manara.api.deps import DbSession
from manara.search.service import KINDS, make_filters, run_search
from manara.web.deps import ConsoleActor, optional_date
from manara.web.render import gettext, nav_for, page

router = APIRouter()
PAGE_SIZE = 25
PALETTE_RECORDS = 8


@router.get("/search")
def search_page(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    q: Annotated[str, Query(max_length=200)] = "",
    type: Annotated[list[str] | None, Query()] = None,  # noqa: A002
    country: Annotated[list[str] | None, Query()] = None,
    date_from: Annotated[str | None, Query(max_length=10)] = None,
    date_to: Annotated[str | None, Query(max_length=10)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> Response:
    """Search notices, entities, cases and messages the user may see."""
    filters = make_filters(type, country, optional_date(date_from), optional_date(date_to))  # the form sends ""
    result = run_search(session, actor, q, filters, page_no, PAGE_SIZE) if q.strip() else None
    pages = max(((result.total if result else 0) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    kept = urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")])
    return page(
        request,
        "search.html",
        q=q,
        result=result,
        filters=filters,
        kinds=KINDS,
        pages=pages,
        page_no=page_no,
        base=f"/console/search?{kept}",
    )


@router.get("/palette")
def palette(
    request: Request, session: DbSession, actor: ConsoleActor, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Command palette results: the menu's pages whose name matches, then records (audited as a search)."""
    words = q.strip().casefold()
    pages = [
        (href, name)
        for _, entries in nav_for(actor)
        for href, label in entries
        if (name := gettext(request, label)) and (not words or words in name.casefold())
    ]
    records = (
        run_search(session, actor, q, make_filters(None, None, None, None), 1, PALETTE_RECORDS).items if words else []
    )
    return page(request, "_palette_results.html", q=q, pages=pages[:6] if words else pages[:8], records=records)
