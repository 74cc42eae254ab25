"""The live console: the feed as Server-Sent Events, the queues fragment, acknowledging a queue item.

The feed is a plain ``StreamingResponse`` of ``text/event-stream``: Starlette cancels the generator when
the browser disconnects (it listens for ``http.disconnect``), so no SSE library is needed. Each event's
``id`` is its outbox id; a reconnecting browser sends ``Last-Event-ID`` (or the page passes ``?after=``,
the outbox position it was rendered at) and gets what it missed, up to ``live_replay_limit`` events;
beyond that it is told to reload the page (event ``reset``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.api.deps import DbSession, ReadSessionFactory
from manara.db.base import utcnow
from manara.errors import NotFound
from manara.identity import Actor
from manara.live import queues
from manara.live.current import needs_check, still_visible
from manara.live.hub import FEED_COLUMNS, LAGGED, FeedEvent, FeedHub, latest_id, read_events
from manara.member import sessions
from manara.outbox.models import OutboxEvent
from manara.settings import get_settings
from manara.web import i18n
from manara.web import session as web_session
from manara.web.deps import ConsoleActor, CsrfChecked
from manara.web.feed import TOPICS, render_for
from manara.web.render import page

router = APIRouter()
RETRY_MS = 3000
RECENT_SCAN = 500  # outbox rows the dashboard reads to show the latest lines without JavaScript
RECENT_LINES = 15


def hub_of(request: Request, factory: Any) -> FeedHub:
    """Return the application's feed hub (one tailer per process), created on first use."""
    hub: FeedHub | None = getattr(request.app.state, "live_hub", None)
    if hub is None:
        settings = get_settings()
        hub = FeedHub(factory, settings.live_poll_seconds, settings.live_client_buffer)
        request.app.state.live_hub = hub
    return hub


def feed_item(actor: Actor, event: FeedEvent, gettext: Callable[[str], str]) -> dict[str, Any] | None:
    """Return the event as the actor's feed shows it, or None when the actor may not see it."""
    line = render_for(actor, event.topic, event.payload, gettext, address=event.country)
    if line is None:
        return None
    return {
        "id": event.id,
        "topic": event.topic,
        "text": line.text,
        "href": line.href,
        "level": line.level,
        "at": event.created_at.isoformat(),
    }


def sse_frame(item: dict[str, Any]) -> str:
    """Encode one feed item as an SSE frame (``id`` is the outbox id)."""
    return f"id: {item['id']}\nevent: feed\ndata: {orjson.dumps(item).decode()}\n\n"


def last_seen(last_event_id: str | None, after: int | None) -> int | None:
    """Return where the browser stands: ``Last-Event-ID`` (reconnection) wins over ``?after=`` (first load)."""
    if last_event_id and last_event_id.strip().isdigit() and len(last_event_id.strip()) < 19:
        return int(last_event_id.strip())
    return after


async def replay(hub: FeedHub, actor: Actor, gettext: Callable[[str], str], after: int, start: int) -> list[str]:
    """Return the frames of the events missed between ``after`` and ``start`` (bounded; else a reset)."""
    limit, frames = get_settings().live_replay_limit, []
    missed = await asyncio.to_thread(hub.read, lambda s: read_events(s, after, start, TOPICS, limit + 1))
    if len(missed) > limit:
        frames.append(f"id: {start}\nevent: reset\ndata: {{}}\n\n")
        missed = []
    shown = [e for e in missed if feed_item(actor, e, gettext) is not None]
    if any(needs_check(e) for e in shown):  # a notice withdrawn since, or narrowed: not replayed
        shown = await asyncio.to_thread(hub.read, partial(still_visible, actor=actor, events=shown))
    for event in shown:
        item = feed_item(actor, event, gettext)
        if item is not None:
            frames.append(sse_frame(item))
    return frames


async def event_stream(
    hub: FeedHub,
    actor: Actor,
    gettext: Callable[[str], str],
    after: int | None,
    alive: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[str]:
    """Yield the actor's feed: missed events first (bounded), then live ones, with heartbeats.

    Every ``session_check_seconds`` it asks ``alive`` whether the console session still holds (signed
    out, revoked, user disabled: finding 6); if not, it sends ``signed_out`` and ends.
    """
    settings = get_settings()
    checked = time.monotonic()
    sub = await hub.subscribe()
    try:
        position = max(sub.start, after or 0)
        yield f"retry: {RETRY_MS}\n\n"
        if after is not None and after < sub.start:
            for frame in await replay(hub, actor, gettext, after, sub.start):
                yield frame
        ends = time.monotonic() + settings.live_connection_seconds
        beat = time.monotonic() + settings.live_heartbeat_seconds
        while (left := ends - time.monotonic()) > 0:
            if alive is not None and time.monotonic() - checked >= settings.session_check_seconds:
                checked = time.monotonic()
                if not await alive():
                    yield "event: signed_out\ndata: {}\n\n"
                    return
            wait = min(beat - time.monotonic(), left, settings.session_check_seconds if alive else left)
            try:
                event = await asyncio.wait_for(sub.queue.get(), max(wait, 0.01))
            except TimeoutError:
                if time.monotonic() >= beat:
                    beat = time.monotonic() + settings.live_heartbeat_seconds
                    yield f": heartbeat\nid: {position}\n\n"  # moves the browser's Last-Event-ID past unseen events
                continue
            if event is LAGGED:
                return  # fell behind: the browser reconnects and replays from the database
            if event.id <= (after or 0):
                continue  # the browser already has it (another process's tailer was ahead)
            position = max(position, event.id)
            item = feed_item(actor, event, gettext)
            if item is not None and needs_check(event):  # checked now: it may have changed since it was written
                current = await asyncio.to_thread(hub.read, partial(still_visible, actor=actor, events=[event]))
                item = item if current else None
            if item is not None:
                yield sse_frame(item)
    finally:
        hub.unsubscribe(sub)


@router.get("/feed")
async def feed(
    request: Request,
    actor: ConsoleActor,
    factory: ReadSessionFactory,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """Stream the signed-in user's live feed (Server-Sent Events)."""
    gettext = i18n.translations(i18n.choose_language(request)).gettext
    hub = hub_of(request, factory)
    session_id, agent = request.state.console_session_id, web_session.user_agent(request)

    async def alive() -> bool:  # the session is checked again while the stream is open
        return bool(
            await asyncio.to_thread(hub.read, partial(sessions.is_usable, session_id=session_id, user_agent=agent))
        )

    stream = event_stream(hub, actor, gettext, last_seen(last_event_id, after), alive)
    return StreamingResponse(
        stream, media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


def recent_items(session: Session, actor: Actor, gettext: Callable[[str], str], upto: int) -> list[dict[str, Any]]:
    """Return the latest feed lines the actor may see among the last outbox events, newest first.

    The id range bounds the work whichever index the database picks (the feed without JavaScript).
    """
    stmt = (
        select(*FEED_COLUMNS)
        .where(OutboxEvent.id > upto - RECENT_SCAN, OutboxEvent.id <= upto, OutboxEvent.topic.in_(TOPICS))
        .order_by(OutboxEvent.id.desc())
    )
    events = [FeedEvent(row.id, row.topic, row.payload, row.created_at, row.country) for row in session.execute(stmt)]
    shown = still_visible(session, actor, [e for e in events if feed_item(actor, e, gettext) is not None])
    items = []
    for event in shown:
        item = feed_item(actor, event, gettext)
        if item is not None:
            items.append({**item, "when": event.created_at})
            if len(items) == RECENT_LINES:
                break
    return items


def live_context(request: Request, session: Session, actor: Actor) -> dict[str, Any]:
    """Return what the dashboard needs for its feed and queues."""
    gettext = i18n.translations(i18n.choose_language(request)).gettext
    upto = latest_id(session)
    return {
        "feed_after": upto,
        "recent": recent_items(session, actor, gettext, upto),
        "queues": queues.queues_for(session, actor),
    }


@router.get("/dashboard/queues")
def queues_fragment(request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Return the queues fragment (refreshed by the dashboard when the feed brings news)."""
    return page(request, "_queues.html", queues=queues.queues_for(session, actor), now=utcnow())


@router.post("/queues/{kind}/{item_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge(kind: str, item_id: str, request: Request, session: DbSession, actor: ConsoleActor) -> Response:
    """Acknowledge a queue item (404 for an item one may not work on); htmx gets the updated queues."""
    if len(kind) > 24 or len(item_id) > 36:
        raise NotFound("queue_item", "")
    queues.acknowledge(session, actor, kind, item_id)
    if request.headers.get("hx-request") == "true":
        return queues_fragment(request, session, actor)
    return RedirectResponse("/console/", status_code=303)
