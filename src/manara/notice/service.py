"""Notice queries (reads only: writes are in ``actions.py``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, case, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, object_session

from manara.entity.models import Entity
from manara.entity.schemas import EntityOut
from manara.identity import Actor, Perm
from manara.notice.access import notice_visibility_filter, review_queue_clause
from manara.notice.models import Notice, NoticeShare, NoticeStatus
from manara.notice.schemas import NoticeOut
from manara.notice.types import type_code
from manara.pagination import Page, paginate
from manara.visibility import Visibility


def new_reference(owner: str, ntype: str, year: int) -> str:
    """Return a new human-readable reference such as ``MA-R-2026-7F3A9C`` (the type's letter: its registry code)."""
    return f"{owner}-{type_code(ntype)}-{year}-{secrets.token_hex(3).upper()}"


def count_notices(session: Session, actor: Actor) -> int:
    """Return how many notices the actor may see: the same rule as ``notice_visibility_filter``, counted as
    disjoint parts that each read an index only (one OR over 100,000 rows reads the whole table)."""
    if not actor.can(Perm.NOTICE_READ):
        return 0
    others = (Notice.status == NoticeStatus.PUBLISHED, Notice.owner_country != actor.country)
    parts = [
        select(func.count()).select_from(Notice).where(Notice.owner_country == actor.country),
        select(func.count()).select_from(Notice).where(*others, Notice.visibility == Visibility.ALL),
        select(func.count())
        .select_from(NoticeShare)
        .join(Notice, Notice.id == NoticeShare.notice_id)
        .where(NoticeShare.country == actor.country, *others, Notice.visibility != Visibility.ALL),
    ]
    if actor.can(Perm.NOTICE_REVIEW):  # awaiting review and not otherwise visible
        shared = select(NoticeShare.notice_id).where(NoticeShare.country == actor.country)
        published = and_(
            Notice.status == NoticeStatus.PUBLISHED, or_(Notice.visibility == Visibility.ALL, Notice.id.in_(shared))
        )
        parts.append(
            select(func.count())
            .select_from(Notice)
            .where(Notice.owner_country != actor.country, review_queue_clause(), ~published)
        )
    return sum(session.scalar(part) or 0 for part in parts)


def count_review_queue(session: Session, actor: Actor) -> int:
    """Return how many other members' notices await the actor's review."""
    if not (actor.can(Perm.NOTICE_READ) and actor.can(Perm.NOTICE_REVIEW)):
        return 0
    stmt = select(func.count()).select_from(Notice).where(review_queue_clause(), Notice.owner_country != actor.country)
    return session.scalar(stmt) or 0


def list_notices(
    session: Session,
    actor: Actor,
    *,
    type_: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    q: str | None = None,
    review_queue: bool = False,
    review_from: date | None = None,
    review_to: date | None = None,
    updated_after: datetime | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[Notice]:
    """Return a page of notices the actor may see, newest first (oldest first from ``updated_after`` on, for
    incremental sync: records updated at or after that time).

    ``q`` looks in the title, the reference and the subject's name, in any script (case-folded where
    the script has case); ``review_from``/``review_to`` bound the review date (inclusive).
    """
    filters = notice_filters(type_=type_, status=status, owner=owner, q=q, review_from=review_from, review_to=review_to)
    stmt = select(Notice).where(notice_visibility_filter(actor), *filters)
    if review_queue:
        stmt = stmt.where(review_queue_clause(), Notice.owner_country != actor.country)
    if updated_after is not None:
        since = updated_after if updated_after.tzinfo else updated_after.replace(tzinfo=UTC)  # naive: UTC
        stmt = stmt.where(Notice.updated_at >= since).order_by(Notice.updated_at, Notice.id)
        return paginate(session, stmt, page=page, page_size=page_size)
    return paginate(session, stmt.order_by(Notice.updated_at.desc(), Notice.id), page=page, page_size=page_size)


LIST_COLUMNS = (
    Notice.id,
    Notice.reference,
    Notice.type,
    Notice.title,
    Notice.owner_country,
    Notice.status,
    Notice.under_review,
    Notice.updated_at,
)
Cursor = tuple[datetime, str]  # (updated_at, id) of a row: where the next page starts


@dataclass
class NoticeSlice:
    """One page of the console's list: its rows, the cursors of its neighbours, the (capped) count."""

    rows: list[Row[Any]]  # the columns of LIST_COLUMNS
    newer: Cursor | None
    older: Cursor | None
    total: int
    capped: bool


def notice_filters(
    *,
    type_: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    q: str | None = None,
    review_from: date | None = None,
    review_to: date | None = None,
) -> list[ColumnElement[bool]]:
    """Return the WHERE clauses of the list's filters (the visibility rule is added by the list)."""
    clauses: list[ColumnElement[bool]] = []
    clauses += [Notice.type == type_] if type_ else []
    clauses += [Notice.status == status] if status else []
    clauses += [Notice.owner_country == owner.upper()] if owner else []
    if q:
        needle = q.lower()
        subjects = select(Entity.id).where(func.lower(Entity.caption).contains(needle, autoescape=True))
        clauses.append(
            or_(
                func.lower(Notice.title).contains(needle, autoescape=True),
                func.lower(Notice.reference).contains(needle, autoescape=True),
                Notice.subject_id.in_(subjects),
            )
        )
    clauses += [Notice.review_date >= review_from] if review_from else []
    clauses += [Notice.review_date <= review_to] if review_to else []
    return clauses


def _key_of(cursor: Cursor) -> Any:
    return tuple_(literal(cursor[0], Notice.updated_at.type), literal(cursor[1], Notice.id.type))


def slice_notices(
    session: Session,
    actor: Actor,
    clauses: list[ColumnElement[bool]],
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    page_size: int = 25,
    count_cap: int = 10_000,
) -> NoticeSlice:
    """Return the page of the list newest first, after (or before) a cursor: keyset pagination.

    Only the list's columns are read, along ``ix_notice_updated (updated_at, id)``, which stops after
    ``page_size + 1`` matching rows at any depth. The count stops at ``count_cap`` (``capped``): past it
    an exact figure costs a read of every row and tells a reader nothing more.
    """
    key = tuple_(Notice.updated_at, Notice.id)
    # The visibility rule as an opaque CASE keeps the planner from gathering every visible row through
    # the OR's indexes and sorting them all (SQLite did): it walks an ordered index and stops early.
    visible = notice_visibility_filter(actor)
    stmt = select(*LIST_COLUMNS).where(case((visible, 1), else_=0) == 1, *clauses)
    if before is not None:
        stmt = stmt.where(key > _key_of(before)).order_by(Notice.updated_at, Notice.id)
    else:
        stmt = stmt.where(key < _key_of(after)) if after is not None else stmt
        stmt = stmt.order_by(Notice.updated_at.desc(), Notice.id.desc())
    rows: list[Row[Any]] = list(session.execute(stmt.limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    if before is not None:
        rows.reverse()
    first, last = ((r.updated_at, r.id) for r in (rows[0], rows[-1])) if rows else (None, None)
    newer = first if (before is not None and more) or (before is None and after is not None) else None
    older = last if (before is None and more) or before is not None else None
    limited = select(Notice.id).where(visible, *clauses).limit(count_cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(limited)) or 0
    return NoticeSlice(
        rows=rows,
        newer=newer if rows else None,
        older=older if rows else None,
        total=min(total, count_cap),
        capped=total > count_cap,
    )


def notice_out(notice: Notice, *, with_subject: bool = True) -> NoticeOut:
    """Serialise a notice; the subject's particulars are shared through the notice itself."""
    out = NoticeOut.model_validate(notice)
    if with_subject and notice.subject_id is not None:
        session = object_session(notice)
        subject = session.get(Entity, notice.subject_id) if session is not None else None
        out.subject = EntityOut.model_validate(subject) if subject is not None else None
    return out


def count_notices_by_owner(session: Session, actor: Actor) -> dict[str, int]:
    """Return, per owner country, how many notices the actor may see: ``count_notices``'s disjoint parts
    (the rule of ``notice_visibility_filter``), each grouped by owner over an index (the map's notice layer)."""
    if not actor.can(Perm.NOTICE_READ):
        return {}
    others = (Notice.status == NoticeStatus.PUBLISHED, Notice.owner_country != actor.country)
    parts = [
        select(Notice.owner_country, func.count()).where(Notice.owner_country == actor.country),
        select(Notice.owner_country, func.count()).where(*others, Notice.visibility == Visibility.ALL),
        select(Notice.owner_country, func.count())
        .join(NoticeShare, Notice.id == NoticeShare.notice_id)
        .where(NoticeShare.country == actor.country, *others, Notice.visibility != Visibility.ALL),
    ]
    if actor.can(Perm.NOTICE_REVIEW):  # awaiting review and not otherwise visible
        shared = select(NoticeShare.notice_id).where(NoticeShare.country == actor.country)
        published = and_(
            Notice.status == NoticeStatus.PUBLISHED, or_(Notice.visibility == Visibility.ALL, Notice.id.in_(shared))
        )
        parts.append(
            select(Notice.owner_country, func.count()).where(
                Notice.owner_country != actor.country, review_queue_clause(), ~published
            )
        )
    totals: dict[str, int] = {}
    for part in parts:
        for country, count in session.execute(part.group_by(Notice.owner_country)):
            totals[country] = totals.get(country, 0) + count
    return totals


def _count_recent(actor: Actor, column: Any, since: datetime, until: datetime, *where: Any) -> Any:
    """Return the count of the notices the actor may see whose ``column`` (a time never later than
    ``updated_at``: a write sets it) falls in ``[since, until)``.

    The window is read first, over ``ix_notice_updated_at`` (bounded by ``updated_at >= since``), into a
    materialised CTE; only its rows meet the visibility rule. Written as one WHERE clause, the planner
    prefers the rule's indexes (SQLite: a multi-index OR over every notice of the country and every
    published one, 100 ms at 100,000 notices, against a few ms here).
    """
    recent = (
        select(Notice.id)
        .where(Notice.updated_at >= since, column >= since, column < until, *where)
        .cte("recent_notices")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(func.count())
        .select_from(recent)
        .join(Notice, Notice.id == recent.c.id)
        .where(notice_visibility_filter(actor))
    )


def count_published(session: Session, actor: Actor, since: datetime, until: datetime) -> int:
    """Return how many notices the actor may see were published in ``[since, until)`` (the operations wall)."""
    return session.scalar(_count_recent(actor, Notice.published_at, since, until)) or 0


def count_submitted_for_review(session: Session, actor: Actor, since: datetime, until: datetime) -> int:
    """Return how many other members' notices were submitted for review in ``[since, until)`` (the review
    queue's intake; reviewers only) and the actor may still see (not one shared elsewhere since)."""
    if not (actor.can(Perm.NOTICE_READ) and actor.can(Perm.NOTICE_REVIEW)):
        return 0
    stmt = _count_recent(actor, Notice.submitted_at, since, until, Notice.owner_country != actor.country)
    return session.scalar(stmt) or 0
