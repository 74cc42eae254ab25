"""Cross-matching runs: every changed entity against the other members' data, in committed batches.

A run builds the in-memory index of all active entities, then matches the entities of its scope
(all members, or one country) changed since the scope's watermark, and moves the watermark to the
run's start, so an entity changed during a run is matched again by the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from manara.analysis import snapshot as xref_snapshot
from manara.analysis.actions import do_finish_xref, do_suggest_links
from manara.analysis.models import XrefState
from manara.analysis.parallel import matching_pool
from manara.analysis.xref import Candidate, EntityRow, XrefIndex
from manara.db.base import utcnow
from manara.entity.models import Entity
from manara.identity import Actor

SessionFactory = Callable[[], AbstractContextManager[Session]]
Progress = Callable[[int, int], None]
COLUMNS = (Entity.id, Entity.owner_country, Entity.visibility, Entity.shared_with, Entity.schema, Entity.properties)


@dataclass
class XrefReport:
    """What a run did."""

    scope: str
    since: datetime | None
    indexed: int = 0
    matched: int = 0
    links: int = 0
    index_seconds: float = 0.0
    match_seconds: float = 0.0


def _rows(session: Session, stmt: Select[Any], batch: int) -> Iterator[EntityRow]:
    for pk, owner, visibility, shared, schema, props in session.execute(stmt.execution_options(yield_per=batch)):
        yield EntityRow(pk, owner, visibility, list(shared or []), schema, dict(props))


def build_index(
    session: Session, *, batch: int = 5000, threshold: float | None = None, snapshot: Path | None = None
) -> XrefIndex:
    """Index every active entity of every member, from ``snapshot`` if it exists (and then save it)."""
    started = utcnow()
    active = select(*COLUMNS).where(Entity.status == "active")
    index = _from_snapshot(session, snapshot, threshold) if snapshot and snapshot.exists() else None
    if index is None:
        index = XrefIndex(threshold)
        index.add_all(_rows(session, active, batch))
    if snapshot:
        xref_snapshot.save(index, snapshot, started)
    return index


def _from_snapshot(session: Session, path: Path, threshold: float | None) -> XrefIndex | None:
    try:
        index, watermark = xref_snapshot.load(path, threshold)
    except (OSError, ValueError):  # unreadable, or of another version: rebuild from the database
        return None
    current = set(session.scalars(select(Entity.id).where(Entity.status == "active")))
    for pk in set(index.nodes) - current:
        index.remove(pk)
    changed_rows = select(*COLUMNS).where(Entity.status == "active", Entity.updated_at > watermark)
    index.add_all(_rows(session, changed_rows, 5000))
    return index


def changed(session: Session, country: str | None, since: datetime | None) -> list[str]:
    """Return the primary keys of the scope's active entities changed after ``since``."""
    stmt = select(Entity.id).where(Entity.status == "active")
    if country:
        stmt = stmt.where(Entity.owner_country == country)
    if since is not None:
        stmt = stmt.where(Entity.updated_at > since)
    return list(session.scalars(stmt.order_by(Entity.id)))


def _rows_of(session: Session, pks: list[str]) -> list[EntityRow]:
    return list(_rows(session, select(*COLUMNS).where(Entity.id.in_(pks)), len(pks)))


def _store(session: Session, actor: Actor, index: XrefIndex, candidates: list[Candidate]) -> int:
    owners = {pk: index.nodes[pk].owner for c in candidates for pk in c.pair}
    return len(do_suggest_links(session, actor, candidates, owners))


def run_xref(
    factory: SessionFactory,
    actor: Actor,
    *,
    country: str | None = None,
    full: bool = False,
    progress: Progress | None = None,
    chunk: int = 500,
    threshold: float | None = None,
    workers: int = 1,
    snapshot: Path | None = None,
) -> XrefReport:
    """Cross-match the scope's changed entities (all of them with ``full``); commit once per chunk.

    With ``workers`` > 1 the matching runs in forked processes sharing the index; reads and writes
    stay in this process, a slice of ``workers * 4`` chunks at a time.
    """
    scope = country or "*"
    started, clock = utcnow(), time.perf_counter()
    with factory() as session:
        state = session.get(XrefState, scope)
        report = XrefReport(scope, None if full or state is None else state.watermark)
        index = build_index(session, threshold=threshold, snapshot=snapshot)
        pks = changed(session, country, report.since)
    report.indexed, total = len(index), len(pks)
    report.index_seconds, clock = time.perf_counter() - clock, time.perf_counter()
    step = chunk * max(1, workers) * 4
    with matching_pool(index, workers) as match_many:
        for start in range(0, total, step):
            with factory() as session:
                rows = _rows_of(session, pks[start : start + step])
            found = match_many([rows[i : i + chunk] for i in range(0, len(rows), chunk)])
            for candidates in found:
                with factory() as session:
                    report.links += _store(session, actor, index, candidates)
            report.matched = min(start + step, total)
            if progress:
                progress(report.matched, total)
    report.match_seconds = time.perf_counter() - clock
    with factory() as session:
        do_finish_xref(
            session,
            actor,
            scope=report.scope,
            started=started,
            since=report.since,
            indexed=report.indexed,
            matched=report.matched,
            links=report.links,
        )
    return report
