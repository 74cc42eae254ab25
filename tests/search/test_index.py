"""The search index: complete (no scan bound), kept in step with changes and deletions, safe to rebuild."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from conftest import Net
from factories import make_entity
from manara.db.base import utcnow
from manara.entity.actions import do_delete_entity
from manara.entity.models import Entity
from manara.identity import Role
from manara.search import index
from manara.search.index import MARGIN, SOURCES, catch_up, terms
from manara.search.models import SearchDoc, SearchTerm
from manara.search.service import Filters, search


def _found(session: Session, net: Net, q: str, country: str = "FR") -> set[str]:
    result = search(session, net.user(country, Role.BUREAU_OFFICER).actor, q, Filters(), offset=0, limit=100)
    assert result.total == len(result.items)
    return {d.id for _, d in result.items}


def test_every_visible_record_is_found_however_old(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    oldest = make_entity(session, ma, "p0", "Nadia Bouzid", visibility="all")
    for i in range(60):
        make_entity(session, ma, f"x{i}", f"Person Number{i} Filler", visibility="all")
    session.execute(update(Entity).where(Entity.id == oldest.id).values(updated_at=utcnow() - timedelta(days=900)))
    session.execute(SearchDoc.__table__.delete())  # rebuilt from nothing: the first search indexes everything
    session.execute(SearchTerm.__table__.delete())
    assert _found(session, net, "نادية بوزيد") == {oldest.id}
    assert session.scalar(select(func.count()).select_from(SearchDoc).where(SearchDoc.kind == "entity")) >= 61
    assert catch_up(session) == 0  # nothing changed since: nothing re-read


def test_changes_and_deletions_are_seen_by_the_next_search(session: Session, net: Net) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    entity = make_entity(session, ma, "p1", "Karim Benali", visibility="all")
    assert _found(session, net, "Benali") == {entity.id}
    make_entity(session, ma, "p1", "Samir Tazi", visibility="all")  # the same record, renamed
    assert _found(session, net, "Benali") == set()
    assert _found(session, net, "Samir Tazi") == {entity.id}
    do_delete_entity(session, ma, session.get(Entity, entity.id))  # type: ignore[arg-type]
    session.commit()
    assert _found(session, net, "Samir Tazi") == set()
    private = make_entity(session, ma, "p2", "Samir Tazi")  # indexed, but FR may not see it
    assert _found(session, net, "Samir Tazi") == set() and _found(session, net, "Samir Tazi", "MA") == {private.id}


def test_late_commits_are_indexed(session: Session, net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    ma = net.user("MA", Role.BUREAU_OFFICER).actor
    make_entity(session, ma, "p1", "Karim Benali", visibility="all")
    assert _found(session, net, "Benali")
    late = make_entity(session, ma, "p2", "Hicham Ouazzani", visibility="all")
    # A transaction that stamped its row earlier than the newest indexed version, committed after it.
    session.execute(update(Entity).where(Entity.id == late.id).values(updated_at=utcnow() - MARGIN / 2))
    session.execute(SearchDoc.__table__.delete().where(SearchDoc.record_id == late.id))
    monkeypatch.setattr(index, "_reconciled", dict.fromkeys(SOURCES, time.monotonic()))  # no full comparison
    assert _found(session, net, "Ouazzani") == {late.id}
    later = make_entity(session, ma, "p3", "Driss Lamrani", visibility="all")  # committed far too late:
    session.execute(update(Entity).where(Entity.id == later.id).values(updated_at=utcnow() - MARGIN * 5))
    session.execute(SearchDoc.__table__.delete().where(SearchDoc.record_id == later.id))
    assert _found(session, net, "Lamrani") == set()  # missed by the window...
    monkeypatch.setattr(index, "_reconciled", dict.fromkeys(SOURCES, time.monotonic() - index.FULL_EVERY))
    assert _found(session, net, "Lamrani") == {later.id}  # ...and found by the hourly full comparison


def test_terms_are_any_script_and_bounded(session: Session) -> None:
    latin, arabic = terms("Youssef Idrissi"), terms("يوسف الإدريسي")
    assert {t for t in latin if t.startswith("k:")} & {t for t in arabic if t.startswith("k:")}
    assert all(len(t) <= 120 for t in terms("Abcdefgh" * 30 + " Benali"))
    assert "f:binali" in terms("Abcdefgh" * 30 + " Benali")
    assert terms("\u202e\u200b") == set()
