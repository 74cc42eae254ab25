"""Access functions for suggested links: one may see a link only by seeing both of its entities."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from manara.analysis.models import SuggestedLink
from manara.entity.access import can_view_entity, entity_visibility_filter
from manara.entity.models import Entity
from manara.errors import NotFound
from manara.identity import Actor, Perm


def can_view_link(session: Session, actor: Actor, link: SuggestedLink) -> bool:
    """Tell whether ``actor`` may see both entities of ``link``."""
    for pk in (link.left_pk, link.right_pk):
        entity = session.get(Entity, pk)
        if entity is None or not can_view_entity(actor, entity):
            return False
    return True


def link_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of link list queries."""
    visible = select(Entity.id).where(entity_visibility_filter(actor))
    return and_(SuggestedLink.left_pk.in_(visible), SuggestedLink.right_pk.in_(visible))


def access_link_by_id(session: Session, actor: Actor, link_id: str) -> SuggestedLink:
    """Return the link if the actor may see both its entities; otherwise raise NotFound."""
    link = session.get(SuggestedLink, link_id)
    if link is None or not can_view_link(session, actor, link):
        raise NotFound("link", link_id)
    return link


def access_link_for_judge(session: Session, actor: Actor, link_id: str) -> SuggestedLink:
    """Return a link the actor may judge: visible, and one side owned by the actor's country; else NotFound."""
    link = access_link_by_id(session, actor, link_id)
    if not actor.can(Perm.ANALYSIS_JUDGE) or actor.country not in (link.left_owner, link.right_owner):
        raise NotFound("link", link_id)
    return link
