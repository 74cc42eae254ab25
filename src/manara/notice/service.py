"""Notice queries and low-level writes; never commits."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from manara.entity.models import Entity
from manara.member.roles import Actor, Perm
from manara.notice.access import notice_visibility_filter, review_queue_clause
from manara.notice.models import Notice, NoticeShare, NoticeStatus
from manara.pagination import Page, paginate
from manara.visibility import Visibility, replace_shares

TYPE_CODES = {"red": "R", "yellow": "Y", "blue": "B", "black": "K", "green": "G", "orange": "O",
              "purple": "P", "un_special": "U", "diffusion": "D"}  # fmt: skip


def new_reference(owner: str, ntype: str, year: int) -> str:
    """Return a new human-readable reference such as ``MA-R-2026-7F3A9C``."""
    return f"{owner}-{TYPE_CODES[ntype]}-{year}-{secrets.token_hex(3).upper()}"


def set_shares(notice: Notice, countries: list[str]) -> None:
    """Replace the share rows of ``notice`` with ``countries``."""
    replace_shares(notice, countries, lambda c: NoticeShare(country=c))


def count_notices(session: Session, actor: Actor) -> int:
    """Return how many notices the actor may see: the same rule as ``notice_visibility_filter``, counted as
    disjoint parts that each read an index only (one OR over 100,000 rows reads the whole table)."""
    if not actor.can(Perm.NOTICE_READ):
        return 0
    others = (Notice.status == NoticeStatus.PUBLISHED, Notice.owner_country != actor.country)
    parts = [
        select(func.count()).select_from(Notice).where(Notice.owner_country == actor.country),
        select(func.count()).select_from(Notice).where(*others, Notice.visibility == Visibility.ALL),
        select(func.count()).select_from(NoticeShare).join(Notice, Notice.id == NoticeShare.notice_id)
        .where(NoticeShare.country == actor.country, *others, Notice.visibility != Visibility.ALL),
    ]  # fmt: skip
    if actor.can(Perm.NOTICE_REVIEW):  # awaiting review and not otherwise visible
        shared = select(NoticeShare.notice_id).where(NoticeShare.country == actor.country)
        published = and_(Notice.status == NoticeStatus.PUBLISHED,
                         or_(Notice.visibility == Visibility.ALL, Notice.id.in_(shared)))  # fmt: skip
        parts.append(select(func.count()).select_from(Notice).where(
            Notice.owner_country != actor.country, review_queue_clause(), ~published))  # fmt: skip
    return sum(session.scalar(part) or 0 for part in parts)


def count_review_queue(session: Session, actor: Actor) -> int:
    """Return how many other members' notices await the actor's review."""
    if not (actor.can(Perm.NOTICE_READ) and actor.can(Perm.NOTICE_REVIEW)):
        return 0
    stmt = select(func.count()).select_from(Notice).where(review_queue_clause(), Notice.owner_country != actor.country)
    return session.scalar(stmt) or 0


def list_notices(
    session: Session, actor: Actor, *, type_: str | None = None, status: str | None = None,
    owner: str | None = None, q: str | None = None, review_queue: bool = False,
    review_from: date | None = None, review_to: date | None = None, page: int = 1, page_size: int = 50,
) -> Page[Notice]:  # fmt: skip
    """Return a page of notices the actor may see, newest first.

    ``q`` looks in the title, the reference and the subject's name, in any script (case-folded where
    the script has case); ``review_from``/``review_to`` bound the review date (inclusive).
    """
    stmt = select(Notice).where(notice_visibility_filter(actor))
    if review_queue:
        stmt = stmt.where(review_queue_clause(), Notice.owner_country != actor.country)
    if type_:
        stmt = stmt.where(Notice.type == type_)
    if status:
        stmt = stmt.where(Notice.status == status)
    if owner:
        stmt = stmt.where(Notice.owner_country == owner.upper())
    if q:
        needle = q.lower()
        subjects = select(Entity.id).where(func.lower(Entity.caption).contains(needle, autoescape=True))
        stmt = stmt.where(or_(func.lower(Notice.title).contains(needle, autoescape=True),
                              func.lower(Notice.reference).contains(needle, autoescape=True),
                              Notice.subject_id.in_(subjects)))  # fmt: skip
    if review_from:
        stmt = stmt.where(Notice.review_date >= review_from)
    if review_to:
        stmt = stmt.where(Notice.review_date <= review_to)
    return paginate(session, stmt.order_by(Notice.updated_at.desc(), Notice.id), page=page, page_size=page_size)

