"""Access functions for entities: default deny, 404 for what one may not see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from manara.entity.models import Entity, EntityShare
from manara.errors import NotFound
from manara.identity import Actor, Perm
from manara.visibility import Visibility, may_see


def can_view_entity(actor: Actor, entity: Entity) -> bool:
    """Tell whether ``actor`` may see ``entity``."""
    if not actor.can(Perm.ENTITY_READ):
        return False
    if entity.owner_country == actor.country:
        return True
    return entity.status == "active" and may_see(
        owner=entity.owner_country,
        visibility=entity.visibility,
        shared_with=entity.shared_with,
        country=actor.country,
    )


def entity_visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """Return the default-deny WHERE clause of entity list queries."""
    if not actor.can(Perm.ENTITY_READ):
        return Entity.id.is_(None)  # matches nothing
    shared = select(EntityShare.entity_pk).where(EntityShare.country == actor.country)
    return or_(
        Entity.owner_country == actor.country,
        and_(
            Entity.status == "active",
            or_(Entity.visibility == Visibility.ALL, Entity.id.in_(shared)),
        ),
    )


def access_entity_by_id(session: Session, actor: Actor, entity_pk: str) -> Entity:
    """Return the entity if the actor may see it; otherwise raise NotFound."""
    entity = session.get(Entity, entity_pk)
    if entity is None or not can_view_entity(actor, entity):
        raise NotFound("entity", entity_pk)
    return entity


def access_entity_for_write(session: Session, actor: Actor, entity_pk: str) -> Entity:
    """Return the entity if the actor may change it (owner with write permission); else NotFound."""
    entity = access_entity_by_id(session, actor, entity_pk)
    if entity.owner_country != actor.country or not actor.can(Perm.ENTITY_WRITE):
        raise NotFound("entity", entity_pk)
    return entity
