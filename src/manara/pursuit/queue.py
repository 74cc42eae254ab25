"""Pursuit work queues of the live console (``live/queues.py``), escalated by the existing escalation job.

- ``pursuit``: provisional arrests whose extradition-request deadline is within MANARA_PURSUIT_WARNING_HOURS
  (the warning) or past (escalated once with ``pursuit.escalated``, addressed to the requesting and the
  locating member). Both desks see the item; acknowledging records that a desk is on it.
- ``appeal_tip``: tips sent by the public through the country's appeals, for the owner's desk; a tip nobody
  acknowledged within ``TIP_ANSWER_HOURS`` is escalated (``appeal.escalated``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from manara.audit.actions import AuditAction
from manara.db.base import utcnow
from manara.identity import Actor, Perm
from manara.live.actions import do_acknowledge_item
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.live.queues import Overdue, QueueItem, QueuePage, raise_not_found, register_queue
from manara.pursuit.access import access_pursuit_by_id, access_tip, pursuit_visibility_filter, tip_visibility_filter
from manara.pursuit.models import PublicAppeal, PublicTip, Pursuit, PursuitState
from manara.settings import get_settings

TIP_ANSWER_HOURS = 24


def _escalated(kind: str, column: Any) -> ColumnElement[bool]:
    return and_(QueueEscalation.kind == kind, QueueEscalation.item_id == column)


def _acked(kind: str, column: Any, country: str) -> ColumnElement[bool]:
    return and_(
        QueueAcknowledgement.kind == kind,
        QueueAcknowledgement.item_id == column,
        QueueAcknowledgement.country == country,
    )


class PursuitDeadlineQueue:
    """Provisional arrests nearing or past the deadline of the extradition request."""

    kind, topic, audit_action = "pursuit", "pursuit", AuditAction.PURSUIT_ESCALATED

    def applies(self, actor: Actor) -> bool:
        """Pursuit readers."""
        return actor.can(Perm.PURSUIT_READ)

    def _where(self, actor: Actor, now: datetime) -> tuple[ColumnElement[bool], ...]:
        horizon = now + timedelta(hours=get_settings().pursuit_warning_hours)
        escalated = aliased(QueueEscalation)  # not the page's outer-joined row: a correlated subquery of its own
        return (
            pursuit_visibility_filter(actor),
            Pursuit.state == PursuitState.PROVISIONAL_ARREST,
            Pursuit.deadline_at.is_not(None),
            or_(
                Pursuit.deadline_at <= horizon,
                exists().where(escalated.kind == self.kind, escalated.item_id == Pursuit.id),
            ),
        )

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Arrests of the actor's pursuits whose deadline is near or past: escalated first, then by deadline."""
        where = self._where(actor, utcnow())
        stmt = (
            select(Pursuit, QueueEscalation.escalated_at, QueueAcknowledgement)
            .where(*where)
            .outerjoin(QueueEscalation, _escalated(self.kind, Pursuit.id))
            .outerjoin(QueueAcknowledgement, _acked(self.kind, Pursuit.id, actor.country))
            .order_by(QueueEscalation.escalated_at.is_(None), Pursuit.deadline_at, Pursuit.id)
            .limit(limit)
        )
        items = []
        for p, escalated, ack in session.execute(stmt):
            assert p.deadline_at is not None
            other = p.located_by if p.owner_country == actor.country else p.owner_country
            items.append(
                QueueItem(
                    self.kind,
                    p.id,
                    p.notice_type,
                    other or "",
                    p.reference,
                    f"/console/pursuits/{p.id}",
                    p.deadline_at,
                    escalated,
                    ack.acknowledged_at if ack else None,
                    ack.username if ack else None,
                )
            )
        total = session.scalar(select(func.count()).select_from(Pursuit).where(*where)) or 0
        return QueuePage(self.kind, items, total)

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Provisional arrests past the deadline, not escalated yet."""
        stmt = (
            select(Pursuit)
            .where(
                Pursuit.state == PursuitState.PROVISIONAL_ARREST,
                Pursuit.deadline_at <= now,
                ~exists().where(_escalated(self.kind, Pursuit.id)),
            )
            .order_by(Pursuit.deadline_at)
            .limit(limit)
        )
        found = []
        for p in session.scalars(stmt):
            assert p.deadline_at is not None
            payload = {
                "pursuit_id": p.id,
                "owner": p.owner_country,
                "located_by": p.located_by,
                "reference": p.reference,
                "state": p.state,
                "treaty_id": p.treaty_id,
                "deadline_at": p.deadline_at.isoformat(),
            }
            recipients = tuple(dict.fromkeys(c for c in (p.owner_country, p.located_by) if c))
            found.append(Overdue(p.id, p.deadline_at, p.owner_country, payload, recipients=recipients))
        return found

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """A desk of the requesting or locating member acknowledges the arrest's deadline."""
        pursuit = access_pursuit_by_id(session, actor, item_id)
        if pursuit.state != PursuitState.PROVISIONAL_ARREST or not actor.can(Perm.PURSUIT_WRITE):
            raise_not_found(self.kind, item_id)
        do_acknowledge_item(
            session, actor, self.kind, pursuit.id, reference=pursuit.reference, href=f"/console/pursuits/{pursuit.id}"
        )


class TipQueue:
    """Public tips for the actor's country's appeals, not acknowledged yet."""

    kind, topic, audit_action = "appeal_tip", "appeal", AuditAction.APPEAL_TIP_ESCALATED

    def applies(self, actor: Actor) -> bool:
        """Pursuit writers of the appeal owner."""
        return actor.can(Perm.PURSUIT_WRITE)

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Unacknowledged tips of the actor's country, escalated first, then oldest first."""
        acked = exists().where(_acked(self.kind, PublicTip.id, actor.country))
        where = (tip_visibility_filter(actor), ~acked)
        stmt = (
            select(PublicTip, PublicAppeal.notice_id, QueueEscalation.escalated_at)
            .join(PublicAppeal, PublicAppeal.id == PublicTip.appeal_id)
            .where(*where)
            .outerjoin(QueueEscalation, _escalated(self.kind, PublicTip.id))
            .order_by(QueueEscalation.escalated_at.is_(None), PublicTip.created_at, PublicTip.id)
            .limit(limit)
        )
        period = timedelta(hours=TIP_ANSWER_HOURS)
        items = [
            QueueItem(
                self.kind,
                tip.id,
                "red",
                actor.country,
                tip.id[:8].upper(),
                f"/console/pursuits/tips#tip-{tip.id}",
                tip.created_at + period,
                escalated,
                None,
                None,
            )
            for tip, _notice, escalated in session.execute(stmt)
        ]
        total = session.scalar(select(func.count()).select_from(PublicTip).where(*where)) or 0
        return QueuePage(self.kind, items, total)

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Tips nobody of the owner acknowledged within ``TIP_ANSWER_HOURS``."""
        period = timedelta(hours=TIP_ANSWER_HOURS)
        acked = exists().where(
            QueueAcknowledgement.kind == self.kind,
            QueueAcknowledgement.item_id == PublicTip.id,
            QueueAcknowledgement.country == PublicTip.owner_country,
        )
        stmt = (
            select(PublicTip)
            .where(
                PublicTip.created_at <= now - period,
                ~acked,
                ~exists().where(_escalated(self.kind, PublicTip.id)),
            )
            .order_by(PublicTip.created_at)
            .limit(limit)
        )
        return [
            Overdue(
                t.id,
                t.created_at + period,
                t.owner_country,
                {
                    "tip_id": t.id,
                    "appeal_id": t.appeal_id,
                    "owner": t.owner_country,
                    "deadline_at": (t.created_at + period).isoformat(),
                },
            )
            for t in session.scalars(stmt)
        ]

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """The owner's desk takes the tip."""
        tip = access_tip(session, actor, item_id)
        if not actor.can(Perm.PURSUIT_WRITE):
            raise_not_found(self.kind, item_id)
        do_acknowledge_item(
            session, actor, self.kind, tip.id, reference=tip.id[:8].upper(), href=f"/console/pursuits/tips#tip-{tip.id}"
        )


register_queue(PursuitDeadlineQueue())
register_queue(TipQueue())
