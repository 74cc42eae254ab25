"""Write path of the live console: acknowledging a queue item, escalating overdue ones (change + audit +
outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict
from manara.identity import SYSTEM, Actor
from manara.live.models import QueueAcknowledgement, QueueEscalation
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


class Escalated(Protocol):
    """An overdue queue item to escalate (``queues.Overdue``)."""

    @property
    def item_id(self) -> str: ...
    @property
    def deadline_at(self) -> datetime: ...
    @property
    def country(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def recipients(self) -> tuple[str, ...]: ...
    @property
    def target_id(self) -> str: ...


def do_escalate(
    session: Session,
    *,
    kind: str,
    topic: str,
    audit_action: AuditAction,
    items: Sequence[Escalated],
    now: datetime,
) -> int:
    """Escalate overdue items of one queue: a ``queue_escalation`` row each (its primary key makes a second
    escalation fail and roll back), one ``<topic>.escalated`` event per recipient, one audit event; return
    how many were escalated."""
    for item in items:
        session.add(QueueEscalation(kind=kind, item_id=item.item_id, deadline_at=item.deadline_at, escalated_at=now))
        for country in item.recipients or (item.country,):
            enqueue(session, f"{topic}.escalated", {**item.payload, "escalated_at": now.isoformat()}, country=country)
    if items:
        record(
            session,
            SYSTEM,
            audit_action,
            target_type=kind,
            target_ids=[item.target_id or item.item_id for item in items],
        )
        session.flush()
    return len(items)
