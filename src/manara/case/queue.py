"""Cases awaiting an invited member's first response, as a live-console queue (kind ``case``).

The invited member's desk works on the item: the queue lists its country's unanswered invitations with
their deadline (``awaiting_first_response``). Acknowledging records that the desk is on it
(``do_acknowledge_item``) and is not a response: the invitation stays pending until the member accepts,
posts, adds a task or links records. The escalation job escalates an overdue invitation once with a
``case.escalated`` event addressed to the invited member and to the opener; the payload names the invitee
only when the invitation is not sealed, so a sealed invitee stays hidden from the opener.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, exists, func, select
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction
from manara.case.access import access_case_for_write
from manara.case.models import Case, CaseMember
from manara.case.service import awaiting_first_response, is_pending_invitee
from manara.identity import Actor, Perm
from manara.live.actions import do_acknowledge_item
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.live.queues import Overdue, QueueItem, QueuePage, raise_not_found, register_queue

CASE_ID_CHARS = 34  # queue_escalation.item_id holds 36 characters: 34 of the case id and the invitee country


def escalation_key(case_id: str, country: str) -> str:
    """Return the ``queue_escalation`` item id of one invitation (a case may invite several members)."""
    return case_id[:CASE_ID_CHARS] + country


def case_reference(case_id: str) -> str:
    """Return the short reference the console shows for a case (cases have no reference of their own)."""
    return case_id[:8].upper()


def _pending() -> ColumnElement[bool]:
    return and_(
        CaseMember.case_id == Case.id,
        CaseMember.role == "invited",
        CaseMember.responded_at.is_(None),
        Case.status == "open",
    )


class CaseQueue:
    """Invitations of the actor's country not answered yet; its desk acknowledges them."""

    kind, topic, audit_action = "case", "case", AuditAction.CASE_ESCALATED

    def applies(self, actor: Actor) -> bool:
        """Members taking part in cases."""
        return actor.can(Perm.CASE_WRITE)

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Unanswered invitations of the actor's country: escalated first, then by nearest deadline."""
        waiting = awaiting_first_response(session, actor, side="invited", limit=limit)
        keys = [escalation_key(w.case_id, actor.country) for w in waiting]
        escalated: dict[str, datetime] = dict(
            session.execute(
                select(QueueEscalation.item_id, QueueEscalation.escalated_at).where(
                    QueueEscalation.kind == self.kind, QueueEscalation.item_id.in_(keys)
                )
            ).all()
        )
        acks = {
            a.item_id: a
            for a in session.scalars(
                select(QueueAcknowledgement).where(
                    QueueAcknowledgement.kind == self.kind,
                    QueueAcknowledgement.country == actor.country,
                    QueueAcknowledgement.item_id.in_([w.case_id for w in waiting]),
                )
            )
        }
        items = []
        for w, key in zip(waiting, keys, strict=True):
            ack = acks.get(w.case_id)
            items.append(
                QueueItem(
                    self.kind,
                    w.case_id,
                    w.priority,
                    w.owner_country,
                    case_reference(w.case_id),
                    f"/console/cases/{w.case_id}",
                    w.due_at,
                    escalated.get(key),
                    ack.acknowledged_at if ack else None,
                    ack.username if ack else None,
                )
            )
        items.sort(key=lambda item: item.escalated_at is None)  # stable: deadline order within each group
        count = (
            select(func.count())
            .select_from(CaseMember)
            .join(Case, Case.id == CaseMember.case_id)
            .where(_pending(), CaseMember.country == actor.country)
        )
        total = (session.scalar(count) or 0) if actor.can(Perm.CASE_READ) else 0
        return QueuePage(self.kind, items, total)

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Invitations past their deadline, not escalated yet."""
        due = func.coalesce(CaseMember.due_at, CaseMember.invited_at)
        key = func.substr(Case.id, 1, CASE_ID_CHARS, type_=String()) + CaseMember.country
        stmt = (
            select(Case.id, Case.owner_country, Case.priority, CaseMember.country, CaseMember.sealed, due.label("due"))
            .join(CaseMember, CaseMember.case_id == Case.id)
            .where(
                _pending(),
                due <= now,
                ~exists().where(QueueEscalation.kind == self.kind, QueueEscalation.item_id == key),
            )
            .order_by(due, Case.id)
            .limit(limit)
        )
        found = []
        for r in session.execute(stmt):
            payload: dict[str, Any] = {
                "case_id": r.id,
                "owner": r.owner_country,
                "priority": r.priority,
                "due_at": r.due.isoformat(),
                "sealed": r.sealed,
            }
            if not r.sealed:
                payload["country"] = r.country  # a sealed invitee is never named to the opener
            found.append(
                Overdue(
                    escalation_key(r.id, r.country),
                    r.due,
                    r.country,
                    payload,
                    recipients=(r.country, r.owner_country),
                    target_id=r.id,
                )
            )
        return found

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """The invited member's desk acknowledges the invitation (not a response: it stays pending)."""
        case = access_case_for_write(session, actor, item_id)
        if case.status != "open" or not is_pending_invitee(case, actor.country):
            raise_not_found(self.kind, item_id)
        do_acknowledge_item(
            session, actor, self.kind, case.id, reference=case_reference(case.id), href=f"/console/cases/{case.id}"
        )


register_queue(CaseQueue())
