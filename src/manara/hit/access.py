"""Access to hits: the querying member and the record's owner see a hit; only the owner answers it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from manara.errors import NotFound
from manara.hit.models import Hit
from manara.identity import Actor, Perm


def can_view_hit(actor: Actor, hit: Hit) -> bool:
    """Tell whether ``actor`` may see ``hit``."""
    return actor.can(Perm.NOTICE_READ) and actor.country in (hit.owner_country, hit.querying_country)


def hit_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of hit lists."""
    if not actor.can(Perm.NOTICE_READ):
        return false()
    return or_(Hit.owner_country == actor.country, Hit.querying_country == actor.country)


def access_hit_by_id(session: Session, actor: Actor, hit_id: str) -> Hit:
    """Return the hit if the actor may see it; otherwise NotFound."""
    hit = session.get(Hit, hit_id)
    if hit is None or not can_view_hit(actor, hit):
        raise NotFound("hit", hit_id)
    return hit


def access_hit_for_owner(session: Session, actor: Actor, hit_id: str) -> Hit:
    """Return the hit if the actor's country owns the matched record and may answer; otherwise NotFound."""
    hit = access_hit_by_id(session, actor, hit_id)
    if hit.owner_country != actor.country or not actor.can(Perm.HIT_ANSWER):
        raise NotFound("hit", hit_id)
    return hit
