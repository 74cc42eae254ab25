"""The transactional outbox: events go with the caller's transaction, are read back in id order after a cursor,
and the change-feed cursor yields each event of its topics once, even one that commits late with a lower id.

Every test starts from the outbox as it is (``base``, its highest id) and uses topics of its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.db.base import utcnow
from manara.outbox.cursor import LATE_COMMIT_WINDOW, OutboxCursor
from manara.outbox.models import OutboxEvent
from manara.outbox.service import enqueue, events_after


def highest_id(session: Session) -> int:
    return session.scalar(select(func.max(OutboxEvent.id))) or 0


def add_event(session: Session, event_id: int, topic: str, *, age: timedelta = timedelta(0)) -> None:
    """Write an event with a chosen id and age, as a transaction that allocated it earlier would commit it."""
    session.add(OutboxEvent(id=event_id, topic=topic, payload={"n": event_id}, created_at=utcnow() - age))
    session.flush()


def pulled(cursor: OutboxCursor, session: Session) -> list[tuple[str, dict[str, Any]]]:
    return sorted(cursor.pull(session), key=lambda event: event[0])  # the cursor promises no order


def test_events_after_a_cursor_come_in_id_order_and_up_to_the_limit(session: Session) -> None:
    base = highest_id(session)
    for k in range(5):
        enqueue(session, f"test.order.{k}", {"k": k})
    session.commit()
    events = events_after(session, base)
    assert [e.topic for e in events] == [f"test.order.{k}" for k in range(5)]
    assert [e.payload for e in events] == [{"k": k} for k in range(5)]
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 5 and ids[0] > base
    assert [e.id for e in events_after(session, ids[1])] == ids[2:]
    assert [e.id for e in events_after(session, base, limit=2)] == ids[:2]
    assert events_after(session, ids[-1]) == []


def test_enqueue_writes_nothing_until_the_callers_transaction_flushes(session: Session) -> None:
    base = highest_id(session)
    enqueue(session, "test.pending", {"x": 1})
    pending = [o for o in session.new if isinstance(o, OutboxEvent)]
    assert [(o.topic, o.id) for o in pending] == [("test.pending", None)]  # added, not yet written
    session.flush()
    assert [e.topic for e in events_after(session, base)] == ["test.pending"]


def test_an_event_enqueued_in_a_rolled_back_transaction_is_never_seen(session: Session) -> None:
    base = highest_id(session)
    cursor = OutboxCursor(("test.",))
    cursor.start_at_end(session)
    enqueue(session, "test.kept", {"x": 1})
    session.commit()
    enqueue(session, "test.dropped", {"x": 2})
    session.flush()  # it has an id now, inside a transaction that will not commit
    session.rollback()
    assert [e.topic for e in events_after(session, base)] == ["test.kept"]
    assert pulled(cursor, session) == [("test.kept", {"x": 1})]
    assert pulled(cursor, session) == []


def test_the_country_and_the_payload_are_stored(session: Session) -> None:
    base = highest_id(session)
    payload = {"id": "n-1", "names": ["عبد الرحمن", "Абдурахман"], "nested": {"score": 0.93, "ok": True}}
    enqueue(session, "test.country.ma", payload, country="MA")
    enqueue(session, "test.country.none", {"id": "n-2"})
    session.commit()
    session.expire_all()  # read back what the database holds
    stored = {e.topic: (e.country, e.payload) for e in events_after(session, base)}
    assert stored == {"test.country.ma": ("MA", payload), "test.country.none": (None, {"id": "n-2"})}
    assert session.scalars(
        select(OutboxEvent.topic).where(OutboxEvent.country == "MA", OutboxEvent.id > base)
    ).all() == ["test.country.ma"]


def test_a_cursor_started_at_the_end_yields_only_later_events_of_its_topics_once(session: Session) -> None:
    enqueue(session, "test.a.before", {"n": 0})
    session.commit()
    cursor = OutboxCursor(("test.a.", "test.b."))
    cursor.start_at_end(session)
    enqueue(session, "test.a.created", {"n": 1})
    enqueue(session, "test.other.created", {"n": 2})  # not one of its topics
    enqueue(session, "test.b.created", {"n": 3})
    session.commit()
    assert pulled(cursor, session) == [("test.a.created", {"n": 1}), ("test.b.created", {"n": 3})]
    assert pulled(cursor, session) == []
    enqueue(session, "test.b.changed", {"n": 4})
    session.commit()
    assert pulled(cursor, session) == [("test.b.changed", {"n": 4})]


def test_a_cursor_yields_an_event_that_commits_after_a_higher_id(session: Session) -> None:
    base = highest_id(session)
    cursor = OutboxCursor(("test.",))
    cursor.start_at_end(session)
    add_event(session, base + 2, "test.second")  # the later transaction commits first
    assert pulled(cursor, session) == [("test.second", {"n": base + 2})]
    add_event(session, base + 1, "test.first")  # the earlier one commits now, below what was already read
    assert pulled(cursor, session) == [("test.first", {"n": base + 1})]
    assert pulled(cursor, session) == []


def test_a_cursor_moves_past_events_older_than_the_late_commit_window(session: Session) -> None:
    base = highest_id(session)
    cursor = OutboxCursor(("test.",))
    cursor.start_at_end(session)
    old = LATE_COMMIT_WINDOW + timedelta(seconds=5)
    add_event(session, base + 1, "test.old", age=old)
    add_event(session, base + 2, "test.recent")
    assert pulled(cursor, session) == [("test.old", {"n": base + 1}), ("test.recent", {"n": base + 2})]
    assert cursor.low_water == base + 1  # the old event can no longer be overtaken: not re-read again
    assert cursor.seen == {base + 2}  # the recent one still can: remembered, so yielded once
    assert pulled(cursor, session) == []
    add_event(session, base + 3, "test.late", age=old)  # old but never read: still yielded, then passed
    assert pulled(cursor, session) == [("test.late", {"n": base + 3})]
    assert cursor.low_water == base + 3 and cursor.seen == set()


def test_reset_resumes_after_the_given_id_and_forgets_what_was_seen(session: Session) -> None:
    base = highest_id(session)
    cursor = OutboxCursor(("test.",))
    cursor.start_at_end(session)
    for k in range(3):
        enqueue(session, f"test.reset.{k}", {"k": k})
    session.commit()
    first = [e.id for e in events_after(session, base)][0]
    assert len(pulled(cursor, session)) == 3
    cursor.reset(first)  # as from a snapshot taken after the first event
    assert pulled(cursor, session) == [("test.reset.1", {"k": 1}), ("test.reset.2", {"k": 2})]
    assert pulled(cursor, session) == []


def test_start_at_end_never_moves_a_cursor_back(session: Session) -> None:
    base = highest_id(session)
    cursor = OutboxCursor(("test.",))
    cursor.reset(base + 10)
    cursor.start_at_end(session)
    assert cursor.low_water == base + 10
