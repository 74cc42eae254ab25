"""The operations wall: a full-screen, self-refreshing view for the big screen of an operations room.

Counters with their trend (the last 24 hours against the 24 hours before), the world map of activity by
country, the work queues with running timers and escalations, and the live feed. Everything is a count
or what the dashboard already shows the same user (queues, feed lines): the default-deny filters of each
domain decide, so a record the user may not see is never counted. Aggregates without personal data, like
the dashboard's figures: not audited. Fragments under ``/console/wall/…`` are polled by htmx and refreshed
when the live feed brings news.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.case import service as case_service
from manara.db.base import utcnow
from manara.drone import service as drone_service
from manara.errors import Forbidden
from manara.hit import service as hit_service
from manara.identity import Actor, Perm
from manara.live import queues
from manara.notice import service as notice_service
from manara.text import N_
from manara.web import i18n, live_views, pursuit_views, worldmap
from manara.web.deps import ConsoleActor
from manara.web.map_views import BINS, shade
from manara.web.render import page

router = APIRouter()
POLL_SECONDS = 30  # the counters and the map; the feed is live (SSE) and the queues refresh on its news
WINDOW = timedelta(hours=24)
TOP_COUNTRIES = 6


@dataclass(frozen=True)
class Counter:
    """One counter tile: its value, what it counts, and its trend: a figure of the last 24 hours against
    the same figure of the 24 hours before (for a period count, the value itself)."""

    key: str
    value: int
    label: str  # msgid
    href: str | None
    recent: int
    before: int
    trend_label: str = N_("%(change)s on the 24 hours before (%(before)s)")  # msgid

    @property
    def change(self) -> int:
        """Return the change on the 24 hours before."""
        return self.recent - self.before


def _require(actor: Actor) -> None:
    if not actor.can(Perm.NOTICE_READ):
        raise Forbidden("this role may not read notices")


def _period(key: str, label: str, href: str | None, recent: int, before: int) -> Counter:
    return Counter(key, recent, label, href, recent, before)


def counters(
    session: Session, actor: Actor, now: datetime, pages: list[queues.QueuePage] | None = None
) -> list[Counter]:
    """Return the wall's counters: only counts of what the actor may see, each with its trend (``pages``:
    the actor's queues when the caller has read them already)."""
    day, before = (now - WINDOW, now), (now - 2 * WINDOW, now - WINDOW)
    hits = "/console/hits" if actor.can(Perm.HIT_ANSWER) else None
    tiles = [
        _period(
            "hits",
            N_("Hits raised, last 24 hours"),
            hits,
            hit_service.count_raised(session, actor, *day),
            hit_service.count_raised(session, actor, *before),
        ),
        _period(
            "notices",
            N_("Notices published, last 24 hours"),
            "/console/notices",
            notice_service.count_published(session, actor, *day),
            notice_service.count_published(session, actor, *before),
        ),
    ]
    if actor.can(Perm.CASE_READ):
        tiles.append(
            _period(
                "cases",
                N_("Cases opened, last 24 hours"),
                "/console/cases",
                case_service.count_opened(session, actor, *day),
                case_service.count_opened(session, actor, *before),
            )
        )
    if pages is None:
        pages = queues.queues_for(session, actor, limit=1)
    if pages:  # the queues' intake: hits on the actor's country's records, other members' notices to review
        intake = []
        for since, until in (day, before):
            arrived = notice_service.count_submitted_for_review(session, actor, since, until)
            if actor.can(Perm.HIT_ANSWER):
                arrived += hit_service.count_raised_for_owner(session, actor, since, until)
            intake.append(arrived)
        tiles.append(
            Counter(
                "queues",
                sum(p.total for p in pages),
                N_("Open queue items"),
                hits,
                intake[0],
                intake[1],
                N_("%(recent)s arrived in the last 24 hours (%(before)s the 24 hours before)"),
            )
        )
    return tiles


def country_counts(session: Session, actor: Actor) -> dict[str, dict[str, int]]:
    """Return, per layer, the number of records the actor may see per country (the map's rules; drone
    alerts for roles that read them)."""
    counts = {
        "notices": notice_service.count_notices_by_owner(session, actor),
        "hits": hit_service.count_by_querying_country(session, actor),
        "cases": case_service.open_cases_by_member_country(session, actor),
    }
    if actor.can(Perm.DRONE_READ):  # open drone incidents, by the country where they happened
        counts["drones"] = drone_service.open_incidents_by_country(session, actor)
    return counts


def map_context(session: Session, actor: Actor, lang: str) -> dict[str, Any]:
    """Return the shapes of the activity map (shade and marker by total) and its top countries."""
    counts = country_counts(session, actor)
    names = Locale.parse(lang).territories
    totals: dict[str, int] = {}
    for layer in counts.values():
        for code, count in layer.items():
            totals[code] = totals.get(code, 0) + count
    largest = max(totals.values(), default=0)
    shapes = []
    for c in worldmap.countries():
        total = totals.get(c.code, 0) if c.code else 0
        shapes.append(
            {
                "code": c.code,
                "name": names.get(c.code, c.name) if c.code else c.name,
                "path": c.path,
                "total": total,
                "counts": {layer: counts[layer].get(c.code, 0) for layer in counts} if c.code else {},
                "centre": c.centre,
                "radius": 4 + 16 * (total / largest) ** 0.5 if total else 0,
                "shade": shade(total),
            }
        )
    rows = sorted(
        ({"code": code, "name": names.get(code, code), "total": total} for code, total in totals.items() if total),
        key=lambda r: (-r["total"], r["name"]),
    )[:TOP_COUNTRIES]
    for row in rows:
        row.update({layer: counts[layer].get(row["code"], 0) for layer in counts})
    return {
        "shapes": shapes,
        "top": rows,
        "layers": list(counts),
        "arrests": pursuit_views.board_points(session, actor, utcnow() - WINDOW),  # the operations layer
        "outline": worldmap.outline(),
        "width": worldmap.WIDTH,
        "height": worldmap.HEIGHT,
        "bins": BINS,
    }


def _counters_context(session: Session, actor: Actor, pages: list[queues.QueuePage] | None = None) -> dict[str, Any]:
    now = utcnow()
    return {"counters": counters(session, actor, now, pages), "now": now, "poll": POLL_SECONDS}


@router.get("/wall")
def wall(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show the operations wall."""
    _require(actor)
    lang = i18n.choose_language(request)
    live = live_views.live_context(request, session, actor)
    return page(
        request,
        "wall.html",
        **_counters_context(session, actor, live["queues"]),
        **map_context(session, actor, lang),
        **live,
    )


@router.get("/wall/counters")
def wall_counters(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Return the counters fragment (polled, and refreshed on live-feed news)."""
    _require(actor)
    return page(request, "_wall_counters.html", **_counters_context(session, actor))


@router.get("/wall/map")
def wall_map(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Return the map fragment (polled, and refreshed on live-feed news)."""
    _require(actor)
    lang = i18n.choose_language(request)
    return page(request, "_wall_map.html", now=utcnow(), **map_context(session, actor, lang))
