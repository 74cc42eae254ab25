"""Write path of the live console: acknowledging a queue item (change + audit + outbox)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict
from manara.identity import Actor
from manara.live.models import QueueAcknowledgement
from manara.outbox.service import enqueue


def do_acknowledge_item(
    session: Session, actor: Actor, kind: str, item_id: str, *, reference: str, href: str
) -> QueueAcknowledgement:
    """Record that the actor's member desk is on a queue item; the caller has checked access."""
    if session.get(QueueAcknowledgement, (kind, item_id, actor.country)) is not None:
        raise Conflict("this item was already acknowledged by your desk")
    ack = QueueAcknowledgement(
        kind=kind,
        item_id=item_id,
        country=actor.country,
        user_id=actor.user_id,
        username=actor.username,
        acknowledged_at=utcnow(),
    )
    session.add(ack)
    record(session, actor, AuditAction.QUEUE_ACKNOWLEDGED, target_type=kind, target_ids=[item_id])
    enqueue(
        session,
        str(AuditAction.QUEUE_ACKNOWLEDGED),
        {
            "kind": kind,
            "item_id": item_id,
            "country": actor.country,
            "username": actor.username,
            "reference": reference,
            "href": href,
        },
        country=actor.country,
    )
    return ack
