"""Reads of suggested links and identity clusters; never commits."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from manara.analysis.access import link_visibility_filter
from manara.analysis.models import LinkStatus, SuggestedLink
from manara.analysis.schemas import EntityRef, LinkOut
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.identity import Actor
from manara.pagination import Page, paginate


def list_links(
    session: Session, actor: Actor, *, status: str | None, entity_pk: str | None, page: int, page_size: int
) -> Page[SuggestedLink]:
    """Return a page of links whose two entities the actor may see, best score first."""
    stmt = select(SuggestedLink).where(link_visibility_filter(actor))
    if status:
        stmt = stmt.where(SuggestedLink.status == status)
    if entity_pk:
        stmt = stmt.where(or_(SuggestedLink.left_pk == entity_pk, SuggestedLink.right_pk == entity_pk))
    stmt = stmt.order_by(SuggestedLink.score.desc(), SuggestedLink.id)
    return paginate(session, stmt, page=page, page_size=page_size)


def refs(session: Session, actor: Actor, pks: set[str]) -> dict[str, Entity]:
    """Return the entities among ``pks`` the actor may see, by primary key."""
    if not pks:
        return {}
    stmt = select(Entity).where(Entity.id.in_(sorted(pks)), entity_visibility_filter(actor))
    return {e.id: e for e in session.scalars(stmt)}


def links_out(session: Session, actor: Actor, links: list[SuggestedLink]) -> list[LinkOut]:
    """Serialise links the actor may see (both entities are loaded through the visibility filter)."""
    entities = refs(session, actor, {pk for link in links for pk in (link.left_pk, link.right_pk)})
    return [
        LinkOut(
            id=link.id,
            left=EntityRef.model_validate(entities[link.left_pk]),
            right=EntityRef.model_validate(entities[link.right_pk]),
            kind=link.kind,
            algorithm=link.algorithm,
            score=link.score,
            features=link.features,
            explanation=link.explanation,
            status=link.status,
            judged_at=link.judged_at,
            judged_country=link.judged_country,
            created_at=link.created_at,
        )
        for link in links
        if link.left_pk in entities and link.right_pk in entities
    ]


def same_links(session: Session, actor: Actor, pks: set[str]) -> list[SuggestedLink]:
    """Return the visible "same" links touching any of ``pks``."""
    if not pks:
        return []
    touching = or_(SuggestedLink.left_pk.in_(sorted(pks)), SuggestedLink.right_pk.in_(sorted(pks)))
    stmt = select(SuggestedLink).where(SuggestedLink.status == LinkStatus.SAME, touching, link_visibility_filter(actor))
    return list(session.scalars(stmt))


def cluster(session: Session, actor: Actor, root: str, *, limit: int = 1000) -> tuple[set[str], set[str]]:
    """Return the entity pks and link ids reachable from ``root`` by "same" links the actor may see."""
    members, links, frontier = {root}, set(), {root}
    while frontier and len(members) < limit:
        found = same_links(session, actor, frontier)
        links |= {link.id for link in found}
        reached = {pk for link in found for pk in (link.left_pk, link.right_pk)}
        frontier = reached - members
        members |= frontier
    return members, links


def open_links(session: Session, actor: Actor, pks: set[str], limit: int = 200) -> list[SuggestedLink]:
    """Return the visible links touching ``pks`` still awaiting a decision (suggested or unsure), best first."""
    if not pks:
        return []
    touching = or_(SuggestedLink.left_pk.in_(sorted(pks)), SuggestedLink.right_pk.in_(sorted(pks)))
    stmt = (
        select(SuggestedLink)
        .where(
            SuggestedLink.status.in_([LinkStatus.SUGGESTED, LinkStatus.UNSURE]), touching, link_visibility_filter(actor)
        )
        .order_by(SuggestedLink.score.desc(), SuggestedLink.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
