"""The entity graph: FtM relationships and references within an owner's data, plus "same" links.

Nodes are entities the viewer may see; relationship entities (Family, Ownership, Payment, …) become
edges between their endpoints. Every entity is loaded through the entity visibility filter, so a hidden
record is neither a node nor the reason for an edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx
from followthemoney import model
from followthemoney.types import registry
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from manara.analysis import service as analysis_service
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.identity import Actor

MAX_NODES = 500


@dataclass
class Neighbourhood:
    """A graph of entity pks with edge attributes ``kind``, ``label`` and ``via``, and the entities."""

    graph: nx.Graph = field(default_factory=nx.Graph)
    entities: dict[str, Entity] = field(default_factory=dict)


def references(entity: Entity) -> Iterator[tuple[str, str]]:
    """Yield ``(property, FtM id)`` for every entity-typed property value."""
    schema = model.get(entity.schema)
    for name, values in (entity.properties or {}).items():
        prop = schema.get(name) if schema else None
        if prop is not None and prop.type == registry.entity:
            yield from ((name, str(v)) for v in values)


def _is_edge(entity: Entity) -> bool:
    schema = model.get(entity.schema)
    return bool(schema and schema.edge)


def _by_ids(session: Session, actor: Actor, owner: str, ids: set[str]) -> list[Entity]:
    if not ids:
        return []
    stmt = select(Entity).where(
        Entity.owner_country == owner, Entity.entity_id.in_(sorted(ids)), entity_visibility_filter(actor)
    )
    return list(session.scalars(stmt))


def _referring(session: Session, actor: Actor, entity: Entity) -> list[Entity]:
    """Return visible entities of the same owner whose entity-typed properties name ``entity``."""
    needle = f'"{entity.entity_id}"'  # a cheap portable pre-filter, confirmed on the parsed properties
    stmt = select(Entity).where(
        Entity.owner_country == entity.owner_country,
        entity_visibility_filter(actor),
        cast(Entity.properties, String).contains(needle, autoescape=True),
    )
    return [r for r in session.scalars(stmt) if any(v == entity.entity_id for _, v in references(r))]


def adjacent(session: Session, actor: Actor, entity: Entity) -> Iterator[tuple[Entity, str, str, str | None]]:
    """Yield ``(neighbour, kind, label, via)`` for one entity."""
    for ref in _by_ids(session, actor, entity.owner_country, {v for _, v in references(entity)}):
        label = next(p for p, v in references(entity) if v == ref.entity_id)
        yield ref, "reference", label, None
    for rel in _referring(session, actor, entity):
        if not _is_edge(rel):
            label = next(p for p, v in references(rel) if v == entity.entity_id)
            yield rel, "reference", label, None
            continue
        ends = {v for _, v in references(rel) if v != entity.entity_id}
        for other in _by_ids(session, actor, entity.owner_country, ends):
            yield other, "relationship", rel.schema, rel.id
    links = analysis_service.same_links(session, actor, {entity.id})
    others = analysis_service.refs(session, actor, {pk for x in links for pk in (x.left_pk, x.right_pk)})
    for link in links:
        other_pk = link.right_pk if link.left_pk == entity.id else link.left_pk
        if other_pk in others:
            yield others[other_pk], "same", "same", link.id


def expand(session: Session, actor: Actor, root: Entity, depth: int) -> Neighbourhood:
    """Return the neighbourhood of ``root`` up to ``depth`` hops (at most MAX_NODES nodes)."""
    hood = Neighbourhood()
    hood.entities[root.id] = root
    hood.graph.add_node(root.id)
    frontier = [root]
    for _ in range(depth):
        reached: list[Entity] = []
        for entity in frontier:
            for other, kind, label, via in adjacent(session, actor, entity):
                if other.id not in hood.entities:
                    if len(hood.entities) >= MAX_NODES:
                        return hood
                    hood.entities[other.id] = other
                    reached.append(other)
                hood.graph.add_edge(entity.id, other.id, kind=kind, label=label, via=via or "")
        frontier = reached
    return hood


def shortest_path(session: Session, actor: Actor, source: Entity, target: Entity, depth: int) -> list[str]:
    """Return the pks of a shortest path from ``source`` to ``target`` within ``depth`` hops, or []."""
    hood = expand(session, actor, source, depth)
    if target.id not in hood.graph:
        return []
    return list(nx.shortest_path(hood.graph, source.id, target.id))


def graphml(hood: Neighbourhood) -> str:
    """Return the neighbourhood as GraphML, nodes labelled with schema, caption and owner."""
    out = nx.Graph()
    for pk, entity in hood.entities.items():
        out.add_node(
            pk, schema=entity.schema, caption=entity.caption, owner=entity.owner_country, entity_id=entity.entity_id
        )
    out.add_edges_from(hood.graph.edges(data=True))
    return "\n".join(nx.generate_graphml(out))
