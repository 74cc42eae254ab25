"""Networks of several entities: the union of their neighbourhoods, its components and central nodes.

Built on ``graph.expand``, so every node went through the entity visibility filter: components and
centrality are computed on the graph the viewer may see, never on hidden records.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from sqlalchemy.orm import Session

from manara.analysis import graph
from manara.entity.models import Entity
from manara.identity import Actor

MAX_ROOTS = 50
TOP_CENTRAL = 10


@dataclass(frozen=True)
class Centrality:
    """How central a node is: degree (share of other nodes it touches) and betweenness (shortest paths)."""

    pk: str
    degree: float
    betweenness: float


def expand_many(session: Session, actor: Actor, roots: list[Entity], depth: int) -> graph.Neighbourhood:
    """Return the union of the roots' neighbourhoods up to ``depth`` hops (at most graph.MAX_NODES nodes)."""
    hood = graph.Neighbourhood()
    for root in roots:
        if len(hood.entities) >= graph.MAX_NODES:
            break
        part = graph.expand(session, actor, root, depth)
        hood.entities.update(part.entities)
        hood.graph.add_nodes_from(part.graph.nodes)
        hood.graph.add_edges_from(part.graph.edges(data=True))
    return hood


def components(hood: graph.Neighbourhood) -> list[list[str]]:
    """Return the connected components, largest first, each sorted (deterministic output)."""
    parts = [sorted(c) for c in nx.connected_components(hood.graph)]
    return sorted(parts, key=lambda c: (-len(c), c))


def central(hood: graph.Neighbourhood, top: int = TOP_CENTRAL) -> list[Centrality]:
    """Return the ``top`` nodes by betweenness, then degree centrality."""
    g = hood.graph
    if g.number_of_nodes() == 0:
        return []
    degree = nx.degree_centrality(g) if g.number_of_nodes() > 1 else dict.fromkeys(g.nodes, 0.0)
    between = nx.betweenness_centrality(g, normalized=True)
    ranked = sorted(g.nodes, key=lambda pk: (-between[pk], -degree[pk], pk))
    return [Centrality(pk, round(degree[pk], 4), round(between[pk], 4)) for pk in ranked[:top]]
