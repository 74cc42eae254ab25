"""The escalation job: overdue queue items are escalated once, with an outbox event ``<topic>.escalated``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from manara.audit.actions import record
from manara.identity import SYSTEM
from manara.live.models import QueueEscalation
from manara.live.queues import QUEUES
from manara.outbox.service import enqueue


def escalate_overdue(session: Session, now: datetime, *, batch: int = 500) -> int:
    """Escalate up to ``batch`` overdue items per queue; return how many were escalated.

    Idempotent and restart-safe: an item is escalated when its ``queue_escalation`` row is written, in
    the same transaction as the audit and outbox events; a second run (or a second process, whose insert
    then fails on the primary key and rolls back) finds nothing to do.
    """
    total = 0
    for source in QUEUES.values():
        overdue = source.overdue(session, now, batch)
        for item in overdue:
            session.add(
                QueueEscalation(kind=source.kind, item_id=item.item_id, deadline_at=item.deadline_at, escalated_at=now)
            )
            for country in item.recipients or (item.country,):
                enqueue(
                    session,
                    f"{source.topic}.escalated",
                    {**item.payload, "escalated_at": now.isoformat()},
                    country=country,
                )
        if overdue:
            record(
                session,
                SYSTEM,
                source.audit_action,
                target_type=source.kind,
                target_ids=[item.target_id or item.item_id for item in overdue],
            )
            session.flush()
        total += len(overdue)
    return total
