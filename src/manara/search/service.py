"""Unified search: visibility first (SQL filters of each domain), then matching, facets and ranking."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.case.access import case_visibility_filter
from manara.case.models import Case, CaseMessage
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.member.roles import Actor
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.search.text import Token, query_tokens, score

KINDS = ("notice", "entity", "case", "message")
SNIPPET = 200


@dataclass(frozen=True)
class Doc:
    """A searchable record the viewer may see."""

    kind: str
    id: str
    title: str
    snippet: str
    country: str
    subtype: str
    at: datetime
    text: str
    case_id: str | None = None


@dataclass
class Result:
    """Ranked hits, their total and facets: everything counted is visible to the viewer."""

    items: list[tuple[float, Doc]]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    """Facet selections: kinds, owner/author countries, and a date range (inclusive)."""

    kinds: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None


def _notices(session: Session, actor: Actor, limit: int) -> Iterator[Doc]:
    cols = (Notice.id, Notice.reference, Notice.title, Notice.summary, Notice.owner_country, Notice.type,
            Notice.updated_at, Entity.caption)  # fmt: skip
    stmt = (select(*cols).outerjoin(Entity, Entity.id == Notice.subject_id)
            .where(notice_visibility_filter(actor)).order_by(Notice.updated_at.desc()).limit(limit))  # fmt: skip
    for pk, ref, title, summary, owner, ntype, updated, caption in session.execute(stmt):
        yield Doc("notice", pk, f"{ref} {title}", summary[:SNIPPET], owner, ntype, updated,
                  f"{ref} {title} {summary} {caption or ''}")  # fmt: skip


def _names(props: dict[str, list[str]]) -> str:
    return " ".join(str(v) for k in ("name", "alias", "firstName", "lastName", "number", "registrationNumber")
                    for v in props.get(k, []))  # fmt: skip


_ENTITY_TEXT: dict[tuple[str, datetime], str] = {}  # (pk, updated_at) -> searchable text; JSON decoded once
_ENTITY_TEXT_MAX = 200_000
_IN_CHUNK = 500


def _entity_texts(session: Session, keys: list[tuple[str, datetime]]) -> None:
    """Decode the properties of entities not seen at this version yet (the costly part of a scan)."""
    if len(_ENTITY_TEXT) + len(keys) > _ENTITY_TEXT_MAX:
        _ENTITY_TEXT.clear()
    for i in range(0, len(keys), _IN_CHUNK):
        pks = [pk for pk, _ in keys[i : i + _IN_CHUNK]]
        stmt = select(Entity.id, Entity.updated_at, Entity.caption, Entity.properties).where(Entity.id.in_(pks))
        for pk, updated, caption, props in session.execute(stmt):
            _ENTITY_TEXT[(pk, updated)] = f"{caption} {_names(props)}"


def _entities(session: Session, actor: Actor, limit: int) -> Iterator[Doc]:
    # Columns, not ORM objects (no identity map, no share rows); properties only for unseen versions.
    cols = (Entity.id, Entity.caption, Entity.entity_id, Entity.owner_country, Entity.schema, Entity.updated_at)
    stmt = select(*cols).where(entity_visibility_filter(actor)).order_by(Entity.updated_at.desc()).limit(limit)
    rows = session.execute(stmt).all()
    _entity_texts(session, [(r.id, r.updated_at) for r in rows if (r.id, r.updated_at) not in _ENTITY_TEXT])
    for pk, caption, entity_id, owner, schema, updated in rows:
        text = _ENTITY_TEXT.get((pk, updated), caption)
        yield Doc("entity", pk, caption, entity_id, owner, schema, updated, text)


def _cases(session: Session, actor: Actor, limit: int) -> Iterator[Doc]:
    stmt = select(Case).where(case_visibility_filter(actor)).order_by(Case.updated_at.desc()).limit(limit)
    for c in session.scalars(stmt):
        yield Doc("case", c.id, c.title, c.summary[:SNIPPET], c.owner_country, c.priority, c.updated_at,
                  f"{c.title} {c.summary}", case_id=c.id)  # fmt: skip


def _messages(session: Session, actor: Actor, limit: int) -> Iterator[Doc]:
    stmt = (select(CaseMessage, Case.title).join(Case, Case.id == CaseMessage.case_id)
            .where(case_visibility_filter(actor)).order_by(CaseMessage.created_at.desc()).limit(limit))  # fmt: skip
    for m, title in session.execute(stmt).all():
        yield Doc("message", m.id, title, m.body[:SNIPPET], m.country, "message", m.created_at, m.body,
                  case_id=m.case_id)  # fmt: skip


SOURCES = {"notice": _notices, "entity": _entities, "case": _cases, "message": _messages}


def _keep(doc: Doc, f: Filters, *, skip: str = "") -> bool:
    """Tell whether a document passes the facet selections (``skip`` one dimension, for its own facet)."""
    if skip != "kind" and f.kinds and doc.kind not in f.kinds:
        return False
    if skip != "country" and f.countries and doc.country not in f.countries:
        return False
    day = doc.at.date()
    if skip != "date" and ((f.date_from and day < f.date_from) or (f.date_to and day > f.date_to)):
        return False
    return True


def _facets(matched: list[tuple[float, Doc]], f: Filters) -> dict[str, dict[str, int]]:
    """Count each facet over the matches that pass the other facets' selections."""
    kinds = Counter(d.kind for _, d in matched if _keep(d, f, skip="kind"))
    countries = Counter(d.country for _, d in matched if _keep(d, f, skip="country"))
    months = Counter(d.at.strftime("%Y-%m") for _, d in matched if _keep(d, f, skip="date"))
    return {"type": dict(sorted(kinds.items())), "country": dict(sorted(countries.items())),
            "date": dict(sorted(months.items(), reverse=True))}  # fmt: skip


def search(session: Session, actor: Actor, q: str, filters: Filters, *, scan_limit: int, offset: int,
           limit: int) -> Result:  # fmt: skip
    """Search the records the actor may see: only visible rows are read, matched, counted and ranked."""
    query: list[Token] = query_tokens(q)
    if not query:
        return Result(items=[], total=0, facets={"type": {}, "country": {}, "date": {}})
    matched: list[tuple[float, Doc]] = []
    for kind in KINDS:
        for doc in SOURCES[kind](session, actor, scan_limit):
            s = score(query, doc.text)
            if s > 0:
                matched.append((s, doc))
    kept = [(s, d) for s, d in matched if _keep(d, filters)]
    kept.sort(key=lambda sd: (-sd[0], -sd[1].at.timestamp(), sd[1].id))
    return Result(items=kept[offset : offset + limit], total=len(kept), facets=_facets(matched, filters))
