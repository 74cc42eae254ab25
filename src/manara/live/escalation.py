"""The escalation job: overdue queue items are escalated once, with an outbox event ``<topic>.escalated``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from manara.live.actions import do_escalate
from manara.live.queues import QUEUES


def escalate_overdue(session: Session, now: datetime, *, batch: int = 500) -> int:
    """Escalate up to ``batch`` overdue items per queue; return how many were escalated.

    Idempotent and restart-safe: an item is escalated when its ``queue_escalation`` row is written, in
    the same transaction as the audit and outbox events; a second run (or a second process, whose insert
    then fails on the primary key and rolls back) finds nothing to do.
    """
    total = 0
    for source in QUEUES.values():
        overdue = source.overdue(session, now, batch)
        total += do_escalate(
            session, kind=source.kind, topic=source.topic, audit_action=source.audit_action, items=overdue, now=now
        )
    return total
