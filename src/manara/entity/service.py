"""Entity queries (reads only: writes are in ``actions.py``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.identity import Actor
from manara.pagination import Page, paginate


def get_by_natural_key(session: Session, owner: str, entity_id: str) -> Entity | None:
    """Return the owner's entity with FtM id ``entity_id``, if any."""
    stmt = select(Entity).where(Entity.owner_country == owner, Entity.entity_id == entity_id)
    return session.scalars(stmt).one_or_none()


def existing_by_ids(session: Session, owner: str, entity_ids: Sequence[str]) -> dict[str, Entity]:
    """Return the owner's entities among ``entity_ids``, keyed by FtM id."""
    if not entity_ids:
        return {}
    stmt = select(Entity).where(Entity.owner_country == owner, Entity.entity_id.in_(entity_ids))
    return {e.entity_id: e for e in session.scalars(stmt)}


def list_entities(
    session: Session,
    actor: Actor,
    *,
    q: str | None,
    schema: str | None,
    owner: str | None,
    page: int,
    page_size: int,
) -> Page[Entity]:
    """Return a page of entities the actor may see, filtered."""
    stmt = select(Entity).where(entity_visibility_filter(actor))
    if schema:
        stmt = stmt.where(Entity.schema == schema)
    if owner:
        stmt = stmt.where(Entity.owner_country == owner.upper())
    if q:
        stmt = stmt.where(func.lower(Entity.caption).contains(q.lower(), autoescape=True))
    return paginate(session, stmt.order_by(Entity.caption, Entity.id), page=page, page_size=page_size)


def iter_visible(session: Session, actor: Actor, *, owner: str | None, batch: int = 2000) -> Iterator[Entity]:
    """Yield every entity the actor may see, in stable order, in batches (streaming export)."""
    last = ""
    while True:
        stmt = select(Entity).where(entity_visibility_filter(actor), Entity.id > last)
        if owner:
            stmt = stmt.where(Entity.owner_country == owner.upper())
        rows = session.scalars(stmt.order_by(Entity.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def count_visible(session: Session, actor: Actor, *, owner: str | None) -> int:
    """Count the entities ``iter_visible`` would yield (recorded with an export before it streams)."""
    stmt = select(func.count(Entity.id)).where(entity_visibility_filter(actor))
    if owner:
        stmt = stmt.where(Entity.owner_country == owner.upper())
    return int(session.scalar(stmt) or 0)


def restricting_referrer(session: Session, entity_pk: str) -> str | None:
    """Return the table of a record that refers to the entity and must not lose it, if any.

    Such a record's foreign key to ``entity.id`` has no ``ON DELETE`` rule (a notice's subject); records
    that cascade or let go (templates, links, document reports) do not keep an entity. Read from the
    mapped tables, so the domains above ``entity`` need not be imported here."""
    for table in Entity.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column is Entity.__table__.c.id and fk.ondelete is None:
                if session.scalar(select(fk.parent).where(fk.parent == entity_pk).limit(1)) is not None:
                    return table.name
    return None
