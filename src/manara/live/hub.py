"""One tailer of the outbox per process, fanning events out to every live-feed connection.

The tailer reads new outbox rows every ``live_poll_seconds`` and hands them, in id order, to one bounded
queue per connection; connections filter them for their user. Outbox ids are allocated before commit,
so a lower id can become visible after a higher one (PostgreSQL sequences; SQLite writers are serial
and allocate in commit order): at a gap the tailer waits up to ``GAP_WAIT`` for the missing id, then goes
on and still delivers that id, late, if it commits within ``LATE_COMMIT_WINDOW`` (browsers drop a
repeated id). A connection that falls ``live_client_buffer`` events behind is closed; its browser
reconnects with ``Last-Event-ID`` and replays from the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.outbox.cursor import LATE_COMMIT_WINDOW
from manara.outbox.models import OutboxEvent

log = logging.getLogger("manara.live")
SessionFactory = Callable[[], AbstractContextManager[Session]]
GAP_WAIT = 5.0  # seconds the tailer holds back events behind a missing id
READ_LIMIT = 1000
FEED_COLUMNS = (OutboxEvent.id, OutboxEvent.topic, OutboxEvent.payload, OutboxEvent.created_at, OutboxEvent.country)


@dataclass(frozen=True)
class FeedEvent:
    """An outbox event as the feed sees it."""

    id: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    country: str | None = None  # the member the event is addressed to (``outbox_event.country``)


# sentinel: the connection fell behind
LAGGED = FeedEvent(id=-1, topic="", payload={}, created_at=datetime.min.replace(tzinfo=UTC))


@dataclass(eq=False)
class Subscription:
    """One connection's bounded queue and where the live part of its stream starts."""

    queue: asyncio.Queue[FeedEvent]
    start: int


def read_events(
    session: Session, after: int, upto: int | None, topics: Iterable[str] | None, limit: int
) -> list[FeedEvent]:
    """Return outbox events with ``after < id <= upto`` (of ``topics`` when given), oldest first."""
    stmt = select(*FEED_COLUMNS).where(OutboxEvent.id > after)
    if upto is not None:
        stmt = stmt.where(OutboxEvent.id <= upto)
    if topics is not None:
        stmt = stmt.where(OutboxEvent.topic.in_(list(topics)))
    rows = session.execute(stmt.order_by(OutboxEvent.id).limit(limit)).all()
    return [FeedEvent(r.id, r.topic, r.payload, r.created_at, r.country) for r in rows]


def latest_id(session: Session) -> int:
    """Return the highest outbox id (0 for an empty outbox)."""
    return session.scalar(select(func.max(OutboxEvent.id))) or 0


@dataclass
class Tail:
    """The tailer's position: everything up to ``high`` was delivered, except ids it is still waiting for."""

    high: int
    gap_since: float | None = None
    skipped: dict[int, float] = field(default_factory=dict)  # id -> when skipped (monotonic)

    def advance(self, events: list[FeedEvent], now: float) -> list[FeedEvent]:
        """Return the events to deliver now, in id order, and move ``high`` past them."""
        ready: list[FeedEvent] = []
        for event in events:
            if event.id != self.high + 1:
                if self.gap_since is None:
                    self.gap_since = now
                if now - self.gap_since < GAP_WAIT:
                    break
                self.skipped.update((i, now) for i in range(self.high + 1, event.id) if event.id - i < READ_LIMIT)
            ready.append(event)
            self.high, self.gap_since = event.id, None
        return ready

    def late(self, found: list[FeedEvent], now: float) -> list[FeedEvent]:
        """Forget skipped ids that arrived (returned for delivery) or that are too old to arrive."""
        for event in found:
            self.skipped.pop(event.id, None)
        horizon = LATE_COMMIT_WINDOW.total_seconds()
        self.skipped = {i: t for i, t in self.skipped.items() if now - t < horizon}
        return found


class FeedHub:
    """The process's outbox tailer; runs while at least one connection listens."""

    def __init__(self, factory: SessionFactory, poll_seconds: float, buffer: int) -> None:
        self.factory, self.poll_seconds, self.buffer = factory, poll_seconds, buffer
        self.subscribers: set[Subscription] = set()
        self.tail: Tail | None = None
        self.task: asyncio.Task[None] | None = None

    async def subscribe(self) -> Subscription:
        """Register a connection; its live events are those after the returned ``start``."""
        if self.tail is None:
            high = await asyncio.to_thread(self.read, latest_id)
            if self.tail is None:
                self.tail = Tail(high=high)
        sub = Subscription(queue=asyncio.Queue(self.buffer), start=self.tail.high)
        self.subscribers.add(sub)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run(), name="manara-live-feed")
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Forget a connection (it ended or was closed)."""
        self.subscribers.discard(sub)

    def publish(self, events: list[FeedEvent]) -> None:
        """Hand events to every connection; a full queue is replaced by the LAGGED sentinel."""
        for sub in list(self.subscribers):
            for event in events:
                try:
                    sub.queue.put_nowait(event)
                except asyncio.QueueFull:
                    while not sub.queue.empty():
                        sub.queue.get_nowait()
                    sub.queue.put_nowait(LAGGED)
                    self.subscribers.discard(sub)
                    break

    def read(self, reader: Callable[[Session], Any]) -> Any:
        """Run ``reader`` in a short read-only unit (call it in a worker thread)."""
        with self.factory() as session:
            return reader(session)

    def _poll(self, high: int, skipped: list[int]) -> tuple[list[FeedEvent], list[FeedEvent]]:
        with self.factory() as session:
            fresh = read_events(session, high, None, None, READ_LIMIT)
            late: list[FeedEvent] = []
            if skipped:
                stmt = select(*FEED_COLUMNS).where(OutboxEvent.id.in_(skipped))
                late = [FeedEvent(r.id, r.topic, r.payload, r.created_at, r.country) for r in session.execute(stmt)]
            return fresh, late

    async def poll_once(self) -> None:
        """Read new outbox events once and deliver them."""
        tail = self.tail
        if tail is None:
            return
        fresh, late = await asyncio.to_thread(self._poll, tail.high, sorted(tail.skipped))
        now = time.monotonic()
        ready = tail.late(late, now) + tail.advance(fresh, now)
        if ready:
            self.publish(ready)

    async def _run(self) -> None:
        """Poll while anyone listens; stop (to be restarted by the next subscriber) when nobody does."""
        while self.subscribers:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.poll_once()
            except Exception:  # noqa: BLE001 - keep the feed alive; the error is logged
                log.exception("live feed tailer error")
        self.tail = None  # a restarted tailer begins at the end again; subscribers replay what they missed
