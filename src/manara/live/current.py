"""Whether the record a feed event points at is still visible to the reader, read from the database now.

The per-topic rules (`access.py`) judge an event by its payload, as it was when written: a notice
published then cancelled, withdrawn or narrowed still *reads* as published. Before an event is shown —
replayed after a reconnection, delivered live, or listed on the dashboard — the notice or hit it names is
checked against the reader's current access (`notice_visibility_filter`, `hit_visibility_filter`), so the
feed never shows a line that would lead to a 404. One query per kind of record for a whole batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.hit.access import hit_visibility_filter
from manara.hit.models import Hit
from manara.identity import Actor
from manara.live.hub import FeedEvent
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice

CHECKED: dict[str, Callable[[Session, Actor, set[str]], set[str]]] = {}


def _visible_notices(session: Session, actor: Actor, ids: set[str]) -> set[str]:
    return set(session.scalars(select(Notice.id).where(Notice.id.in_(sorted(ids)), notice_visibility_filter(actor))))


def _visible_hits(session: Session, actor: Actor, ids: set[str]) -> set[str]:
    return set(session.scalars(select(Hit.id).where(Hit.id.in_(sorted(ids)), hit_visibility_filter(actor))))


CHECKED.update({"notice.": _visible_notices, "hit.": _visible_hits})


def _prefix(event: FeedEvent) -> str | None:
    return next((p for p in CHECKED if event.topic.startswith(p)), None)


def needs_check(event: FeedEvent) -> bool:
    """Tell whether the event names a record whose current visibility decides whether it is shown."""
    return _prefix(event) is not None


def still_visible(session: Session, actor: Actor, events: Sequence[FeedEvent]) -> list[FeedEvent]:
    """Return the events whose notice or hit the actor may see now (other events pass unchanged)."""
    visible: set[tuple[str, str]] = set()
    for prefix, visible_ids in CHECKED.items():
        ids = {str(e.payload.get("id")) for e in events if e.topic.startswith(prefix) and e.payload.get("id")}
        if ids:
            visible.update((prefix, pk) for pk in visible_ids(session, actor, ids))
    out = []
    for event in events:
        kind = _prefix(event)
        if kind is None or (kind, str(event.payload.get("id"))) in visible:
            out.append(event)
    return out
