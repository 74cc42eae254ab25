"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "occurred_at", "request_id", "user_id", "username", "country", "role", "purpose",
    "action", "target_type", "target_ids", "query", "extra", "prev_hash",
)  # fmt: skip


def _canonical(event: AuditEvent) -> bytes:
    """Serialise the hashed fields of ``event`` deterministically."""
    data: dict[str, Any] = {f: getattr(event, f) for f in HASHED_FIELDS}
    data["occurred_at"] = event.occurred_at.isoformat(timespec="microseconds")
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def event_hash(event: AuditEvent) -> str:
    """Return the SHA-256 hex digest chaining ``event`` to its predecessor."""
    return hashlib.sha256(_canonical(event)).hexdigest()


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
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return ChainReport(False, checked, checked + 1, f"chain ends at {checked} but head says {head.seq}")
    return ChainReport(True, checked)
