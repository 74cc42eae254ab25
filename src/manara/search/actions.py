"""Write path of search: the index projection's rows (a cache of the records, rebuilt from their clocks by
``index.catch_up``) and the audit of a search. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.session import is_postgres
from manara.identity import Actor
from manara.search.models import SearchDoc, SearchTerm


def _insert(session: Session, table: Any) -> Any:
    return postgresql.insert(table) if is_postgres(session) else sqlite.insert(table)


def do_index_docs(session: Session, kind: str, docs: list[tuple[str, datetime, set[str]]]) -> None:
    """Replace the index terms of ``docs`` (record id, clock, terms) of one kind and store their versions.

    Not audited and no outbox event: the index is derived from records whose own writes were. Concurrent
    catch-ups are safe (ON CONFLICT DO NOTHING / UPDATE)."""
    ids = [pk for pk, _, _ in docs]
    session.execute(delete(SearchTerm).where(SearchTerm.kind == kind, SearchTerm.record_id.in_(ids)))
    rows = [{"term": t, "kind": kind, "record_id": pk} for pk, _, ts in docs for t in ts]
    if rows:
        session.execute(_insert(session, SearchTerm).on_conflict_do_nothing(), rows)
    stmt = _insert(session, SearchDoc)
    session.execute(
        stmt.on_conflict_do_update(index_elements=["kind", "record_id"], set_={"version": stmt.excluded.version}),
        [{"kind": kind, "record_id": pk, "version": at} for pk, at, _ in docs],
    )


def do_log_search(session: Session, actor: Actor, record_ids: list[str], query: dict[str, Any]) -> None:
    """Audit a search: its query and facets, and the ids of the page shown."""
    record(session, actor, AuditAction.SEARCHED, target_type="search", target_ids=record_ids, query=query)
