"""Hit queries; never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.hit.access import hit_visibility_filter
from manara.hit.actions import OPEN_STATES
from manara.hit.models import Hit
from manara.identity import Actor
from manara.pagination import Page, paginate

Side = Literal["owner", "querying", "any"]


def list_hits(
    session: Session,
    actor: Actor,
    *,
    side: Side = "owner",
    status: str | None = None,
    open_only: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> Page[Hit]:
    """Return a page of hits the actor may see, nearest deadline first."""
    stmt = select(Hit).where(hit_visibility_filter(actor))
    if side == "owner":
        stmt = stmt.where(Hit.owner_country == actor.country)
    elif side == "querying":
        stmt = stmt.where(Hit.querying_country == actor.country)
    if status:
        stmt = stmt.where(Hit.status == status)
    if open_only:
        stmt = stmt.where(Hit.status.in_(OPEN_STATES))
    return paginate(session, stmt.order_by(Hit.deadline_at, Hit.id), page=page, page_size=page_size)


def count_open_for_owner(session: Session, actor: Actor) -> int:
    """Return how many hits on the actor's country's records await an answer."""
    stmt = (
        select(func.count())
        .select_from(Hit)
        .where(hit_visibility_filter(actor), Hit.owner_country == actor.country, Hit.status.in_(OPEN_STATES))
    )
    return session.scalar(stmt) or 0


def count_raised(session: Session, actor: Actor, since: datetime, until: datetime) -> int:
    """Return how many hits the actor may see were raised in ``[since, until)`` (the operations wall's trend)."""
    stmt = (
        select(func.count())
        .select_from(Hit)
        .where(hit_visibility_filter(actor), Hit.created_at >= since, Hit.created_at < until)
    )
    return session.scalar(stmt) or 0


def count_raised_for_owner(session: Session, actor: Actor, since: datetime, until: datetime) -> int:
    """Return how many hits on the actor's country's records were raised in ``[since, until)`` (its queue's intake)."""
    stmt = (
        select(func.count())
        .select_from(Hit)
        .where(
            hit_visibility_filter(actor),
            Hit.owner_country == actor.country,
            Hit.created_at >= since,
            Hit.created_at < until,
        )
    )
    return session.scalar(stmt) or 0


def count_by_querying_country(session: Session, actor: Actor) -> dict[str, int]:
    """Return, per country that screened, how many hits the actor may see (the map's hit layer)."""
    stmt = select(Hit.querying_country, func.count()).where(hit_visibility_filter(actor)).group_by(Hit.querying_country)
    return {row[0]: row[1] for row in session.execute(stmt)}
