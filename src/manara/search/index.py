"""Keeping the search index in step with the records: catch up with every change before a search.

Each kind of record has a clock (``updated_at``, or ``created_at`` for messages, which are never edited).
``catch_up`` (re)indexes the records whose clock differs from the indexed version, looking only at the
records changed since the newest indexed version minus ``MARGIN`` (a transaction that committed late with
an older clock is still seen), through the clock's index: two range counts per kind when the records and
their indexed versions agree in that window, a comparison of the window's records when they do not.
Once an hour (``FULL_EVERY``, and at a process's first search) every record is compared with its indexed
version, so a transaction that committed more than ``MARGIN`` after stamping its rows is indexed then.
Every write path (ORM, Core bulk inserts, imports) is covered, since it only needs the clock.
The first catch-up of a database indexes everything (``manara.search.index.catch_up`` can be run ahead).
Concurrent catch-ups are safe: rows are inserted with ON CONFLICT DO NOTHING / UPDATE (SQLite, PostgreSQL).
The rows are written by ``actions.do_index_docs``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from manara.case.models import Case, CaseMessage
from manara.entity.models import Entity
from manara.notice.models import Notice
from manara.search.actions import do_index_docs
from manara.search.models import TERM_MAX, SearchDoc
from manara.search.text import text_tokens

MARGIN = timedelta(seconds=60)
FULL_EVERY = 3600.0  # seconds between two comparisons of every record with its indexed version, per process
_reconciled: dict[str, float] = {}  # kind -> time.monotonic() of this process's last full comparison
CHUNK = 1000
_NAME_PROPS = ("name", "alias", "firstName", "lastName", "number", "registrationNumber")


def entity_text(caption: str, props: dict[str, list[str]]) -> str:
    """Return an entity's searchable text: its caption and its names and numbers."""
    names = " ".join(str(v) for k in _NAME_PROPS for v in (props or {}).get(k, []))
    return f"{caption} {names}"


@dataclass(frozen=True)
class Source:
    """How to read one kind of record for indexing: its id, its clock and its text."""

    kind: str
    id: InstrumentedAttribute[str]
    clock: InstrumentedAttribute[datetime]

    def rows(self) -> Select[*tuple[Any, ...]]:
        """Return ``(id, clock, *text parts)`` of every record of this kind."""
        if self.kind == "notice":
            return select(
                Notice.id, Notice.updated_at, Notice.reference, Notice.title, Notice.summary, Entity.caption
            ).outerjoin(Entity, Entity.id == Notice.subject_id)
        if self.kind == "entity":
            return select(Entity.id, Entity.updated_at, Entity.caption, Entity.properties)
        if self.kind == "case":
            return select(Case.id, Case.updated_at, Case.title, Case.summary)
        return select(CaseMessage.id, CaseMessage.created_at, CaseMessage.body)

    def text(self, parts: tuple[Any, ...]) -> str:
        """Return the searchable text from the parts ``rows`` read."""
        if self.kind == "entity":
            return entity_text(parts[0], parts[1])
        return " ".join(str(p) for p in parts if p)


SOURCES = {
    "notice": Source("notice", Notice.id, Notice.updated_at),
    "entity": Source("entity", Entity.id, Entity.updated_at),
    "case": Source("case", Case.id, Case.updated_at),
    "message": Source("message", CaseMessage.id, CaseMessage.created_at),
}


def terms(text: str) -> set[str]:
    """Return a text's index terms: ``f:`` fine forms and ``k:`` skeleton keys (over-long words skipped)."""
    fines, keys = text_tokens(text)
    out = {f"f:{x}" for x in fines} | {f"k:{x}" for x in keys}
    return {t for t in out if len(t) <= TERM_MAX}


def _in_step(session: Session, source: Source, since: datetime) -> bool:
    """Tell whether the records changed since ``since`` and their indexed versions agree in number and newest
    clock: two range counts over the clock indexes, instead of comparing every recent record."""
    records = select(func.count(), func.max(source.clock)).where(source.clock >= since)
    indexed = select(func.count(), func.max(SearchDoc.version)).where(
        SearchDoc.kind == source.kind, SearchDoc.version >= since
    )
    return tuple(session.execute(records).one()) == tuple(session.execute(indexed).one())


def _stale(session: Session, source: Source) -> Iterator[list[tuple[Any, ...]]]:
    newest = session.scalar(select(func.max(SearchDoc.version)).where(SearchDoc.kind == source.kind))
    indexed = and_(SearchDoc.kind == source.kind, SearchDoc.record_id == source.id)
    condition: ColumnElement[bool] = or_(SearchDoc.version.is_(None), SearchDoc.version != source.clock)
    full = time.monotonic() - _reconciled.get(source.kind, -FULL_EVERY) >= FULL_EVERY
    if full:
        _reconciled[source.kind] = time.monotonic()
    elif newest is not None:
        if _in_step(session, source, newest - MARGIN):
            return
        condition = and_(source.clock >= newest - MARGIN, condition)
    stmt = source.rows().outerjoin(SearchDoc, indexed).where(condition).order_by(source.clock)
    batch: list[tuple[Any, ...]] = []
    for row in session.execute(stmt.execution_options(yield_per=CHUNK)):
        batch.append(tuple(row))
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def catch_up(session: Session, kinds: Iterable[str] = tuple(SOURCES)) -> int:
    """Index the records changed since the index last saw them; return how many were (re)indexed."""
    done = 0
    for kind in kinds:
        source = SOURCES[kind]
        for batch in list(_stale(session, source)):
            do_index_docs(session, kind, [(row[0], row[1], terms(source.text(row[2:]))) for row in batch])
            done += len(batch)
    if done:
        session.flush()
    return done
