"""Access functions for notices: default deny, 404 for what one may not see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.notice.models import Notice, NoticeShare, NoticeStatus
from manara.visibility import Visibility, may_see


def in_review_queue(notice: Notice) -> bool:
    """Tell whether a notice awaits a reviewer (submitted, or a diffusion published under review)."""
    return notice.status == NoticeStatus.SUBMITTED or (notice.status == NoticeStatus.PUBLISHED and notice.under_review)


def can_view_notice(actor: Actor, notice: Notice) -> bool:
    """Tell whether ``actor`` may see ``notice``."""
    if not actor.can(Perm.NOTICE_READ):
        return False
    if notice.owner_country == actor.country:
        return True
    if actor.can(Perm.NOTICE_REVIEW) and in_review_queue(notice):
        return True
    return notice.status == NoticeStatus.PUBLISHED and may_see(
        owner=notice.owner_country,
        visibility=notice.visibility,
        shared_with=notice.shared_with,
        country=actor.country,
    )


def review_queue_clause() -> ColumnElement[bool]:
    """Return the WHERE clause of notices awaiting review."""
    return or_(
        Notice.status == NoticeStatus.SUBMITTED,
        and_(Notice.status == NoticeStatus.PUBLISHED, Notice.under_review.is_(True)),
    )


def notice_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of notice list queries."""
    if not actor.can(Perm.NOTICE_READ):
        return false()
    shared = select(NoticeShare.notice_id).where(NoticeShare.country == actor.country)
    published = and_(
        Notice.status == NoticeStatus.PUBLISHED,
        or_(Notice.visibility == Visibility.ALL, Notice.id.in_(shared)),
    )
    clauses = [Notice.owner_country == actor.country, published]
    if actor.can(Perm.NOTICE_REVIEW):
        clauses.append(review_queue_clause())
    return or_(*clauses)


def access_notice_by_id(session: Session, actor: Actor, notice_id: str) -> Notice:
    """Return the notice if the actor may see it; otherwise raise NotFound."""
    notice = session.get(Notice, notice_id)
    if notice is None or not can_view_notice(actor, notice):
        raise NotFound("notice", notice_id)
    return notice


def access_notice_for_owner(session: Session, actor: Actor, notice_id: str) -> Notice:
    """Return the notice if the actor's country owns it and the actor may write notices; else NotFound."""
    notice = access_notice_by_id(session, actor, notice_id)
    if notice.owner_country != actor.country or not actor.can(Perm.NOTICE_WRITE):
        raise NotFound("notice", notice_id)
    return notice


def access_notice_for_review(session: Session, actor: Actor, notice_id: str) -> Notice:
    """Return a notice the actor may review: in the queue and owned by another member; else NotFound."""
    notice = access_notice_by_id(session, actor, notice_id)
    if not actor.can(Perm.NOTICE_REVIEW) or notice.owner_country == actor.country:
        raise NotFound("notice", notice_id)
    return notice
