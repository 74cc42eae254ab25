"""The console dashboard: counts of what the user may see, the live feed and the work queues."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from manara.api.deps import DbSession
from manara.db.base import utcnow
from manara.hit import service as hit_service
from manara.identity import Actor, Perm
from manara.notice import service as notice_service
from manara.web import live_views
from manara.web.deps import ConsoleActor
from manara.web.render import page

router = APIRouter()
POLL_SECONDS = 10


def _counts(session: Session, actor: Actor) -> dict[str, Any]:
    """Return the dashboard figures; only what the actor's role may see (no personal data: not audited)."""
    counts: dict[str, Any] = {"now": utcnow(), "poll": POLL_SECONDS}
    if actor.can(Perm.NOTICE_READ):
        counts["notices"] = notice_service.count_notices(session, actor)
    if actor.can(Perm.NOTICE_REVIEW):
        counts["review"] = notice_service.count_review_queue(session, actor)
    if actor.can(Perm.HIT_ANSWER):
        counts["open_hits"] = hit_service.count_open_for_owner(session, actor)
    return counts


@router.get("/")
def dashboard(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Show the dashboard."""
    live = live_views.live_context(request, session, actor)
    return page(request, "dashboard.html", **_counts(session, actor), **live)


@router.get("/dashboard/counts")
def dashboard_counts(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Return the counters fragment that the dashboard refreshes (on live-feed news, and every 10 s)."""
    return page(request, "_counts.html", **_counts(session, actor))
