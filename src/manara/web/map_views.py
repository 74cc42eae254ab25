"""The console map: where the notices, hits and cases the user may see are, by country, on an offline world map.

Counts come from the same default-deny filters as the lists (a record the user may not see is never
counted). They are aggregates without personal data, like the dashboard's figures: not audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from babel import Locale
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.case import service as case_service
from manara.hit.access import hit_visibility_filter
from manara.hit.models import Hit
from manara.identity import Actor
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.text import N_
from manara.web import i18n, worldmap
from manara.web.deps import ConsoleActor
from manara.web.render import page

router = APIRouter()
Layer = Literal["notices", "hits", "cases"]
# (layer, label msgid, what the country of a record is). Labels are translated in the template.
LAYERS: tuple[tuple[Layer, str], ...] = (
    ("notices", N_("Notices, by owner country")),
    ("hits", N_("Hits, by country that screened")),
    ("cases", N_("Open cases, by member country")),
)
BINS = (1, 10, 100, 1000)  # shade classes: 1-9, 10-99, 100-999, 1000 and more (logarithmic)


def country_counts(session: Session, actor: Actor) -> dict[Layer, dict[str, int]]:
    """Return, per layer, the number of records the actor may see per country."""
    notices = select(Notice.owner_country, func.count()).where(notice_visibility_filter(actor))
    hits = select(Hit.querying_country, func.count()).where(hit_visibility_filter(actor))
    return {
        "notices": {row[0]: row[1] for row in session.execute(notices.group_by(Notice.owner_country))},
        "hits": {row[0]: row[1] for row in session.execute(hits.group_by(Hit.querying_country))},
        # the case domain's rule: only the actor's country's cases, without sealed invitees not yet answered
        "cases": case_service.open_cases_by_member_country(session, actor),
    }


def shade(count: int) -> int:
    """Return the shade class of a count: 0 for none, then one step per power of ten."""
    return sum(1 for low in BINS if count >= low)


def _rows(counts: dict[Layer, dict[str, int]], lang: str) -> list[dict[str, Any]]:
    """Return the table rows: every country with a count, most first, with its name in ``lang``."""
    names = Locale.parse(lang).territories
    codes = set().union(*(layer.keys() for layer in counts.values()))
    rows = [{"code": c, "name": names.get(c, c), **{layer: counts[layer].get(c, 0) for layer in counts}} for c in codes]
    return sorted(rows, key=lambda r: (-sum(r[layer] for layer in counts), r["name"]))


@router.get("/map")
def world_map(
    request: Request,
    session: DbSession,
    actor: ConsoleActor,
    layer: Annotated[Layer, Query()] = "notices",
) -> Response:
    """Show the map of one layer, and the table of every layer (the map's text alternative)."""
    lang = i18n.choose_language(request)
    counts = country_counts(session, actor)
    shown = counts[layer]
    largest = max(shown.values(), default=0)
    names = Locale.parse(lang).territories
    shapes: list[dict[str, Any]] = []
    for c in worldmap.countries():
        count = shown.get(c.code, 0) if c.code else 0
        radius = 3 + 12 * (count / largest) ** 0.5 if count else 0  # marker area grows with the count
        shapes.append(
            {
                "code": c.code,
                "name": names.get(c.code, c.name) if c.code else c.name,
                "path": c.path,
                "count": count,
                "centre": c.centre,
                "radius": radius,
                "shade": shade(count),
            }
        )
    return page(
        request,
        "map.html",
        layer=layer,
        layers=LAYERS,
        shapes=shapes,
        rows=_rows(counts, lang),
        outline=worldmap.outline(),
        width=worldmap.WIDTH,
        height=worldmap.HEIGHT,
        bins=BINS,
    )
