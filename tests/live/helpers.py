"""Builders shared by the live-console tests: hits and notices in the queues, feed helpers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.db.base import new_id, utcnow
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.hit.models import Hit
from manara.identity import Actor
from manara.outbox.models import OutboxEvent


def make_hit(session: Session, querying: Actor, owner: str, *, ntype: str = "red", overdue: bool = False) -> Hit:
    """Raise a hit of ``querying`` on a record of ``owner`` (optionally already past its deadline)."""
    candidate = HitCandidate(
        target_type="notice",
        target_id=new_id(),
        owner_country=owner,
        notice_type=ntype,
        algorithm="person-v1",
        score=0.93,
        threshold=0.7,
        features={},
        explanation="names",
    )
    hit = do_raise_hit(session, querying, candidate, fingerprint=new_id().replace("-", ""), query={"names": ["X"]})
    assert hit is not None
    if overdue:
        hit.deadline_at = utcnow() - timedelta(minutes=5)
    session.commit()
    return hit


def outbox_ids(session: Session, topic: str) -> list[int]:
    """Return the ids of the outbox events of ``topic``, oldest first."""
    return list(session.scalars(select(OutboxEvent.id).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id)))
