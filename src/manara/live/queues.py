"""Work queues with deadlines kept on the server: hits awaiting the owner's answer, notices awaiting review.

A queue is a ``QueueSource`` registered in ``QUEUES``: it lists the items an actor works on (overdue and
escalated first), finds overdue items for the escalation job, and acknowledges an item. Cases awaiting a
first response plug in the same way: implement the protocol and call ``register_queue`` at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn, Protocol

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction
from manara.errors import NotFound
from manara.hit import actions as hit_actions
from manara.hit.access import access_hit_for_owner, hit_visibility_filter
from manara.hit.models import Hit
from manara.identity import Actor, Perm
from manara.live.actions import do_acknowledge_item
from manara.live.models import QueueAcknowledgement, QueueEscalation
from manara.member.models import User
from manara.notice.access import access_notice_for_review, review_queue_clause
from manara.notice.models import Notice
from manara.settings import get_settings


@dataclass(frozen=True)
class QueueItem:
    """One item of a queue as the console shows it (no personal data: types, references, countries)."""

    kind: str
    item_id: str
    notice_type: str
    country: str  # the other member: who raised the hit, whose notice awaits review
    reference: str
    href: str
    deadline_at: datetime
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None

    def overdue(self, now: datetime) -> bool:
        """Tell whether the deadline has passed."""
        return self.deadline_at <= now


@dataclass(frozen=True)
class Overdue:
    """An overdue item not escalated yet, with the payload of its ``<topic>.escalated`` event."""

    item_id: str
    deadline_at: datetime
    country: str | None
    payload: dict[str, Any]
    recipients: tuple[str, ...] = ()  # one event addressed to each of these members (default: ``country``)
    target_id: str = ""  # the audited record id, when it differs from ``item_id``


@dataclass(frozen=True)
class QueuePage:
    """The first items of one queue and how many it holds."""

    kind: str
    items: list[QueueItem]
    total: int


class QueueSource(Protocol):
    """A queue of items with deadlines (see the module docstring)."""

    kind: str  # also the escalation/acknowledgement key, at most 24 characters
    topic: str  # outbox prefix of the escalation event: ``<topic>.escalated``
    audit_action: AuditAction  # audited when the job escalates items

    def applies(self, actor: Actor) -> bool:
        """Tell whether the actor works on this queue."""

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Return the actor's first ``limit`` items, escalated first, then by nearest deadline."""

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Return items past their deadline that were not escalated yet."""

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """Record that the actor's desk is on the item; NotFound for an item the actor may not work on."""


QUEUES: dict[str, QueueSource] = {}


def register_queue(source: QueueSource) -> None:
    """Add a queue to the console and to the escalation job."""
    QUEUES[source.kind] = source


def _escalation(kind: str, column: Any) -> Any:
    return and_(QueueEscalation.kind == kind, QueueEscalation.item_id == column)


def _not_escalated(kind: str, column: Any) -> Any:
    return ~exists().where(_escalation(kind, column))


class HitQueue:
    """Hits on the actor's country's records awaiting an answer; acknowledging is the hit's own step."""

    kind, topic, audit_action = "hit", "hit", AuditAction.HIT_ESCALATED

    def applies(self, actor: Actor) -> bool:
        """Members answering hits."""
        return actor.can(Perm.HIT_ANSWER)

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Open hits of the actor's country."""
        where = (
            hit_visibility_filter(actor),
            Hit.owner_country == actor.country,
            Hit.status.in_(hit_actions.OPEN_STATES),
        )
        stmt = (
            select(Hit, QueueEscalation.escalated_at, User.username)
            .where(*where)
            .outerjoin(QueueEscalation, _escalation(self.kind, Hit.id))
            .outerjoin(User, User.id == Hit.acknowledged_by)
            .order_by(QueueEscalation.escalated_at.is_(None), Hit.deadline_at, Hit.id)
            .limit(limit)
        )
        items = [
            QueueItem(
                self.kind,
                hit.id,
                hit.notice_type,
                hit.querying_country,
                hit.notice_type,
                f"/console/hits#hit-{hit.id}",
                hit.deadline_at,
                escalated,
                hit.acknowledged_at,
                username,
            )
            for hit, escalated, username in session.execute(stmt)
        ]
        total = session.scalar(select(func.count()).select_from(Hit).where(*where)) or 0
        return QueuePage(self.kind, items, total)

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Unanswered hits past their deadline."""
        stmt = select(Hit).where(
            Hit.status.in_(hit_actions.OPEN_STATES), Hit.deadline_at <= now, _not_escalated(self.kind, Hit.id)
        )
        stmt = stmt.order_by(Hit.deadline_at).limit(limit)
        return [
            Overdue(
                h.id,
                h.deadline_at,
                h.owner_country,
                {
                    "id": h.id,
                    "owner": h.owner_country,
                    "querying": h.querying_country,
                    "status": h.status,
                    "notice_type": h.notice_type,
                    "target_type": h.target_type,
                    "target_id": h.target_id,
                    "deadline_at": h.deadline_at.isoformat(),
                },
            )
            for h in session.scalars(stmt)
        ]

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """The owner acknowledges the hit (``do_acknowledge_hit``: recorded on the hit, audited)."""
        hit_actions.do_acknowledge_hit(session, actor, access_hit_for_owner(session, actor, item_id))


def review_deadline() -> timedelta:
    """Return how long reviewers have to decide on a submitted notice."""
    return timedelta(hours=get_settings().notice_review_hours)


class NoticeReviewQueue:
    """Other members' notices awaiting review; reviewers of each member acknowledge for their desk."""

    kind, topic, audit_action = "notice_review", "notice", AuditAction.NOTICE_ESCALATED

    def applies(self, actor: Actor) -> bool:
        """Reviewers."""
        return actor.can(Perm.NOTICE_REVIEW)

    def page(self, session: Session, actor: Actor, limit: int) -> QueuePage:
        """Notices of other members awaiting review."""
        # reviewers see every notice awaiting review (``can_view_notice``); ``applies`` checked the permission
        where = (review_queue_clause(), Notice.owner_country != actor.country)
        ack = and_(
            QueueAcknowledgement.kind == self.kind,
            QueueAcknowledgement.item_id == Notice.id,
            QueueAcknowledgement.country == actor.country,
        )
        stmt = (
            select(
                Notice.id,
                Notice.type,
                Notice.owner_country,
                Notice.reference,
                Notice.submitted_at,
                Notice.created_at,
                QueueEscalation.escalated_at,
                QueueAcknowledgement.acknowledged_at,
                QueueAcknowledgement.username,
            )
            .where(*where)
            .outerjoin(QueueEscalation, _escalation(self.kind, Notice.id))
            .outerjoin(QueueAcknowledgement, ack)
            .order_by(QueueEscalation.escalated_at.is_(None), Notice.submitted_at, Notice.id)
            .limit(limit)
        )
        period = review_deadline()
        items = [
            QueueItem(
                self.kind,
                r.id,
                r.type,
                r.owner_country,
                r.reference,
                f"/console/notices/{r.id}",
                (r.submitted_at or r.created_at) + period,
                r.escalated_at,
                r.acknowledged_at,
                r.username,
            )
            for r in session.execute(stmt)
        ]
        total = session.scalar(select(func.count()).select_from(Notice).where(*where)) or 0
        return QueuePage(self.kind, items, total)

    def overdue(self, session: Session, now: datetime, limit: int) -> list[Overdue]:
        """Notices awaiting review for longer than ``notice_review_hours``."""
        period = review_deadline()
        stmt = select(Notice).where(
            review_queue_clause(), Notice.submitted_at <= now - period, _not_escalated(self.kind, Notice.id)
        )
        stmt = stmt.order_by(Notice.submitted_at).limit(limit)
        found = []
        for n in session.scalars(stmt):
            deadline = (n.submitted_at or now) + period
            found.append(
                Overdue(
                    n.id,
                    deadline,
                    n.owner_country,
                    {
                        "id": n.id,
                        "owner": n.owner_country,
                        "type": n.type,
                        "status": n.status,
                        "under_review": n.under_review,
                        "reference": n.reference,
                        "deadline_at": deadline.isoformat(),
                    },
                )
            )
        return found

    def acknowledge(self, session: Session, actor: Actor, item_id: str) -> None:
        """A reviewer acknowledges the notice for the reviewers of their member."""
        notice = access_notice_for_review(session, actor, item_id)
        if not (notice.status == "submitted" or notice.under_review):
            raise_not_found(self.kind, item_id)
        do_acknowledge_item(
            session, actor, self.kind, notice.id, reference=notice.reference, href=f"/console/notices/{notice.id}"
        )


def raise_not_found(kind: str, item_id: str) -> NoReturn:
    """Answer 404 for a queue item the actor may not work on."""
    raise NotFound("queue_item", f"{kind}/{item_id}")


register_queue(HitQueue())
register_queue(NoticeReviewQueue())


def queues_for(session: Session, actor: Actor, limit: int = 20) -> list[QueuePage]:
    """Return the queues the actor works on."""
    return [source.page(session, actor, limit) for source in QUEUES.values() if source.applies(actor)]


def acknowledge(session: Session, actor: Actor, kind: str, item_id: str) -> None:
    """Acknowledge an item of a queue; NotFound for an unknown queue or an item the actor may not work on."""
    source = QUEUES.get(kind)
    if source is None or not source.applies(actor):
        raise_not_found(kind, item_id)
    source.acknowledge(session, actor, item_id)
