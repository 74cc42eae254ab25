"""Hashing, appending and verification of the audit chain.

Appends go through `write`, in SQLAlchemy Core (no ORM unit of work): the head row is read locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already holds the write lock), the
events are numbered and hashed after it, inserted with one statement and the head moved once. A session
whose ``info`` carries a pending list (`DEFER`, set by the group-commit writer) collects the events of a
whole batch instead, and the writer appends them with one `write` just before it commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent, AuditHead
from manara.db.base import utcnow

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "request_id",
    "user_id",
    "username",
    "country",
    "role",
    "purpose",
    "action",
    "target_type",
    "target_ids",
    "query",
    "extra",
    "prev_hash",
)


def _canonical(event: AuditEvent) -> bytes:
    """Serialise the hashed fields of ``event`` deterministically."""
    data: dict[str, Any] = {f: getattr(event, f) for f in HASHED_FIELDS}
    data["occurred_at"] = event.occurred_at.isoformat(timespec="microseconds")
    if event.credential is not None:  # hashed when present, so events written before the column still verify
        data["credential"] = event.credential
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 hex digest chaining ``event`` to its predecessor."""
    return hashlib.sha256(_canonical(event)).hexdigest()


DEFER = "manara_audit_pending"  # session.info key: events collected for one write at the end of a batch
_EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
_HEAD: Table = AuditHead.__table__  # type: ignore[assignment]
_COLUMNS = tuple(c.key for c in _EVENTS.columns)
# Built once: every batch of the group-commit writer runs them (statement construction was a visible
# share of its time).
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_EVENTS = insert(_EVENTS)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


def append(session: Session, event: AuditEvent) -> None:
    """Chain ``event`` in the session's transaction now, or at the end of the batch collecting it."""
    pending: list[AuditEvent] | None = session.info.get(DEFER)
    if pending is None:
        write(session, [event])
    else:
        pending.append(event)


def write(session: Session, events: list[AuditEvent]) -> None:
    """Number, stamp and hash ``events`` after the locked head, insert them at once and move the head."""
    conn = session.connection()
    head = conn.execute(_READ_HEAD).first()
    if head is None:  # created by migration 0014: without it there is no row to lock, and appends could fork
        raise RuntimeError("the audit chain has no head row: run `manara db upgrade`")
    seq, prev = head.seq, head.hash
    now = utcnow()  # appended under the lock: seq order is time order, across processes too
    for event in events:
        seq += 1
        event.seq, event.occurred_at, event.prev_hash = seq, now, prev
        event.hash = prev = event_hash(event)
    conn.execute(_INSERT_EVENTS, [{c: getattr(e, c) for c in _COLUMNS} for e in events])
    conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a chain walk: ``ok`` or the first broken link and why."""

    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    """Yield every audit event in sequence order, in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain and report the first edited, deleted or reordered event."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in _events(session):
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event {expected_seq} is missing (deleted)")
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.seq, "link to the previous event is broken")
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, "event content does not match its hash (edited)")
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = session.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    if head is None:
        return ChainReport(False, checked, checked + 1, "the chain's head row is missing")
    if head.seq != checked or head.hash != prev_hash:
        return ChainReport(False, checked, checked + 1, f"chain ends at {checked} but head says {head.seq}")
    return ChainReport(True, checked)
