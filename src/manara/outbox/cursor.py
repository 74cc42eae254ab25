"""A change-feed cursor over the outbox that never misses an event committed out of order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.outbox.models import OutboxEvent

LATE_COMMIT_WINDOW = timedelta(seconds=30)  # outbox ids may commit out of order within this window


class OutboxCursor:
    """Yields each outbox event of the given topics once.

    Ids are allocated before commit, so a lower id may become visible after a higher one; the cursor
    re-reads a window of recent ids and remembers which it has seen there.
    """

    def __init__(self, topics: tuple[str, ...]) -> None:
        self.topics = topics
        self.low_water = 0
        self.seen: set[int] = set()

    def start_at_end(self, session: Session) -> None:
        """Skip everything already in the outbox (a full build has just read the current state)."""
        self.low_water = max(self.low_water, session.scalar(select(func.max(OutboxEvent.id))) or 0)

    def reset(self, low_water: int) -> None:
        """Resume after ``low_water`` (from a snapshot)."""
        self.low_water, self.seen = low_water, set()

    def pull(self, session: Session) -> list[tuple[str, dict[str, Any]]]:
        """Return (topic, payload) of unseen events of the cursor's topics and mark them seen."""
        heads = session.execute(
            select(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.created_at).where(OutboxEvent.id > self.low_water)
        ).all()
        fresh = [h.id for h in heads if h.id not in self.seen]
        relevant = [h.id for h in heads if h.id in fresh and h.topic.startswith(self.topics)]
        events: list[tuple[str, dict[str, Any]]] = []
        if relevant:
            stmt = select(OutboxEvent.topic, OutboxEvent.payload).where(OutboxEvent.id.in_(relevant))
            events = [(topic, payload) for topic, payload in session.execute(stmt)]
        self.seen.update(fresh)
        horizon = utcnow() - LATE_COMMIT_WINDOW
        old = [h.id for h in heads if h.created_at < horizon]
        if old:
            self.low_water = max(self.low_water, max(old))
            self.seen = {k for k in self.seen if k > self.low_water}
        return events
