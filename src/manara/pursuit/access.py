"""Access to pursuits (their member countries only), operations (owner and participants) and their targets
(each participant its own, plus those whose notice it may see), and public appeals (the owner)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.pursuit.models import (
    Operation,
    OperationMember,
    OperationTarget,
    PublicAppeal,
    PublicTip,
    Pursuit,
    PursuitDocument,
    PursuitMember,
)


def is_party(pursuit: Pursuit, country: str) -> bool:
    """Tell whether ``country`` takes part in the pursuit."""
    return any(m.country == country for m in pursuit.members)


def can_view_pursuit(actor: Actor, pursuit: Pursuit) -> bool:
    """Pursuit readers of one of the pursuit's member countries."""
    return actor.can(Perm.PURSUIT_READ) and is_party(pursuit, actor.country)


def pursuit_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The default-deny WHERE clause of pursuit lists."""
    if not actor.can(Perm.PURSUIT_READ):
        return false()
    return Pursuit.id.in_(select(PursuitMember.pursuit_id).where(PursuitMember.country == actor.country))


def access_pursuit_by_id(session: Session, actor: Actor, pursuit_id: str) -> Pursuit:
    """Return the pursuit if the actor may see it; otherwise NotFound."""
    pursuit = session.get(Pursuit, pursuit_id)
    if pursuit is None or not can_view_pursuit(actor, pursuit):
        raise NotFound("pursuit", pursuit_id)
    return pursuit


def access_pursuit_for_write(session: Session, actor: Actor, pursuit_id: str) -> Pursuit:
    """Return a pursuit the actor may act on (a member country, pursuit:write); otherwise NotFound.

    Which step the actor's country may take is the lifecycle's rule (``lifecycle.check_step``)."""
    pursuit = access_pursuit_by_id(session, actor, pursuit_id)
    if not actor.can(Perm.PURSUIT_WRITE):
        raise NotFound("pursuit", pursuit_id)
    return pursuit


def access_document(session: Session, pursuit: Pursuit, document_id: str) -> PursuitDocument:
    """Return a document of ``pursuit``; otherwise NotFound."""
    doc = session.get(PursuitDocument, document_id)
    if doc is None or doc.pursuit_id != pursuit.id:
        raise NotFound("document", document_id)
    return doc


def is_participant(operation: Operation, country: str) -> bool:
    """Tell whether ``country`` leads or takes part in the operation."""
    return operation.owner_country == country or any(m.country == country for m in operation.members)


def operation_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """The default-deny WHERE clause of operation lists: the owner's and those the actor's country joined."""
    if not actor.can(Perm.PURSUIT_READ):
        return false()
    joined = select(OperationMember.operation_id).where(OperationMember.country == actor.country)
    return or_(Operation.owner_country == actor.country, Operation.id.in_(joined))


def access_operation_by_id(session: Session, actor: Actor, operation_id: str) -> Operation:
    """Return an operation the actor's country leads or takes part in; otherwise NotFound."""
    op = session.get(Operation, operation_id)
    if op is None or not actor.can(Perm.PURSUIT_READ) or not is_participant(op, actor.country):
        raise NotFound("operation", operation_id)
    return op


def access_operation_for_owner(session: Session, actor: Actor, operation_id: str) -> Operation:
    """Return an operation the actor's country leads, if the actor may write; otherwise NotFound."""
    op = access_operation_by_id(session, actor, operation_id)
    if op.owner_country != actor.country or not actor.can(Perm.PURSUIT_WRITE):
        raise NotFound("operation", operation_id)
    return op


def target_visibility_filter(actor: Actor, operation: Operation) -> ColumnElement[bool]:
    """Targets of ``operation`` the actor sees: all for the leading member; for a participant its own, and
    others only where it may see the notice anyway (normal notice visibility)."""
    if not actor.can(Perm.PURSUIT_READ) or not is_participant(operation, actor.country):
        return false()
    if operation.owner_country == actor.country:
        return true()
    visible_notices = select(Notice.id).where(notice_visibility_filter(actor))
    return or_(
        OperationTarget.responsible_country == actor.country,
        OperationTarget.notice_id.in_(visible_notices),
    )


def target_visibility_on_join(actor: Actor, operation: Operation) -> ColumnElement[bool]:
    """``target_visibility_filter`` for a query that joins each target's ``Notice`` (the notice rule is then read
    on the joined row instead of an ``IN`` list of every visible notice: the board's hot path)."""
    if not actor.can(Perm.PURSUIT_READ) or not is_participant(operation, actor.country):
        return false()
    if operation.owner_country == actor.country:
        return true()
    return or_(OperationTarget.responsible_country == actor.country, notice_visibility_filter(actor))


def access_target_for_update(session: Session, actor: Actor, operation: Operation, target_id: str) -> OperationTarget:
    """Return a target the actor's country is responsible for (pursuit:write); otherwise NotFound."""
    target = session.get(OperationTarget, target_id)
    if (
        target is None
        or target.operation_id != operation.id
        or not actor.can(Perm.PURSUIT_WRITE)
        or target.responsible_country != actor.country
    ):
        raise NotFound("target", target_id)
    return target


def access_appeal_for_owner(session: Session, actor: Actor, appeal_id: str) -> PublicAppeal:
    """Return a public appeal of the actor's country (pursuit:read); otherwise NotFound."""
    appeal = session.get(PublicAppeal, appeal_id)
    if appeal is None or appeal.owner_country != actor.country or not actor.can(Perm.PURSUIT_READ):
        raise NotFound("appeal", appeal_id)
    return appeal


def tip_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Tips reach the appeal owner's pursuit readers only."""
    if not actor.can(Perm.PURSUIT_READ):
        return false()
    return PublicTip.owner_country == actor.country


def access_tip(session: Session, actor: Actor, tip_id: str) -> PublicTip:
    """Return a tip sent to the actor's country; otherwise NotFound."""
    tip = session.get(PublicTip, tip_id)
    if tip is None or tip.owner_country != actor.country or not actor.can(Perm.PURSUIT_READ):
        raise NotFound("tip", tip_id)
    return tip
