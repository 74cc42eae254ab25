"""Pydantic shapes of the analysis API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class EntityRef(BaseModel):
    """An entity as it appears in a link, a cluster or a graph."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    entity_id: str
    schema_: str = Field(alias="schema")
    caption: str
    owner_country: str


class LinkOut(BaseModel):
    """A suggested pair of entities of two members, with the evidence and its judgement."""

    id: str
    left: EntityRef
    right: EntityRef
    kind: str
    algorithm: str
    score: float
    features: dict[str, Any]
    explanation: str
    status: str
    judged_at: datetime | None
    judged_country: str | None
    created_at: datetime


class LinkJudgeIn(BaseModel):
    """An analyst's judgement of a suggested pair."""

    model_config = ConfigDict(extra="forbid")

    judgement: Literal["same", "not_same", "unsure"]


class ClusterOut(BaseModel):
    """The identity cluster of an entity: everything joined to it by "same" links one may see."""

    entity_id: str
    members: list[EntityRef]
    links: list[str]


class EdgeOut(BaseModel):
    """An edge of the entity graph: a relationship entity, a reference property or a "same" link."""

    source: str
    target: str
    kind: str
    label: str
    via: str | None = Field(None, description="primary key of the relationship entity or link")


class GraphOut(BaseModel):
    """A neighbourhood of the entity graph, restricted to what the viewer may see."""

    root: str
    depth: int
    nodes: list[EntityRef]
    edges: list[EdgeOut]


class PathOut(BaseModel):
    """A shortest path between two entities (empty when none within the search depth)."""

    source: str
    target: str
    found: bool
    nodes: list[EntityRef]
    edges: list[EdgeOut]


class CentralOut(BaseModel):
    """A central node of a network: degree and betweenness centrality (networkx, normalised to 0..1)."""

    id: str
    degree: float
    betweenness: float


class NetworkOut(BaseModel):
    """The network around several entities, as the viewer may see it, with its structure."""

    roots: list[str]
    depth: int
    nodes: list[EntityRef]
    edges: list[EdgeOut]
    components: list[list[str]] = Field(description="connected components, largest first")
    central: list[CentralOut] = Field(description="most central nodes, by betweenness then degree")


class XrefRunIn(BaseModel):
    """A request to cross-match: your country's changed entities (analysts), or everyone's (administrators)."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["own", "all"] = Field("own", description='"own": your country\'s entities; "all": every member\'s')
    full: bool = Field(False, description="match every entity again, not only those changed since the last run")


class XrefRunOut(BaseModel):
    """A cross-matching run: queued, running (with progress), done or failed."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    scope: str
    full: bool
    status: str
    country: str
    username: str
    indexed: int
    total: int
    matched: int
    links: int
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
