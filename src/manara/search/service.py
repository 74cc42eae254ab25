"""Unified search over the term index: candidates by key, visibility in SQL, then facets and ranking.

A query's words are analysed as names (``search.text``); a record is a candidate when every query word
meets one of its index terms (a fine form, or a skeleton key: Arabic, Latin and Cyrillic spellings meet).
Candidates are read back from their own tables through the domain's visibility filter, so nothing the
viewer may not see is matched, counted or ranked; only the page shown is loaded in full.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, intersect, select
from sqlalchemy.orm import Session

from manara.case.access import case_visibility_filter
from manara.case.models import Case, CaseMessage
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.identity import Actor
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice
from manara.search.actions import do_log_search
from manara.search.index import catch_up, entity_text
from manara.search.models import SearchTerm
from manara.search.text import Token, query_tokens

KINDS = ("notice", "entity", "case", "message")
SNIPPET = 200
FINE, KEY = 1.0, 0.6  # a word met exactly (fine form) weighs more than one met by its skeleton key


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


@dataclass(frozen=True)
class Hit:
    """A visible candidate: what facets and ranking need, before the page is loaded."""

    kind: str
    id: str
    country: str
    at: datetime
    score: float


def _visible(kind: str, actor: Actor, ids: Any) -> Select[*tuple[Any, ...]]:
    """Return ``(id, country, date)`` of the records among ``ids`` the actor may see."""
    if kind == "notice":
        return select(Notice.id, Notice.owner_country, Notice.updated_at).where(
            Notice.id.in_(ids), notice_visibility_filter(actor)
        )
    if kind == "entity":
        return select(Entity.id, Entity.owner_country, Entity.updated_at).where(
            Entity.id.in_(ids), entity_visibility_filter(actor)
        )
    if kind == "case":
        return select(Case.id, Case.owner_country, Case.updated_at).where(
            Case.id.in_(ids), case_visibility_filter(actor)
        )
    stmt = select(CaseMessage.id, CaseMessage.country, CaseMessage.created_at)
    return stmt.join(Case, Case.id == CaseMessage.case_id).where(CaseMessage.id.in_(ids), case_visibility_filter(actor))


def _token_terms(token: Token) -> tuple[set[str], set[str]]:
    return {f"f:{x}" for x in token.fines}, {f"k:{x}" for x in token.keys}


def _score(query: Sequence[tuple[set[str], set[str]]], found: set[str]) -> float:
    """Return the mean over query words of FINE (met exactly), KEY (met by a key) — or 0 if one is not met."""
    total = 0.0
    for fines, keys in query:
        if fines & found:
            total += FINE
        elif keys & found:
            total += KEY
        else:
            return 0.0
    return total / len(query)


def _hits(session: Session, actor: Actor, kind: str, query: list[tuple[set[str], set[str]]]) -> list[Hit]:
    """Return the visible records of ``kind`` that meet every query word, scored."""
    per_word = [
        select(SearchTerm.record_id).where(SearchTerm.kind == kind, SearchTerm.term.in_(sorted(f | k)))
        for f, k in query
    ]
    candidates: Any = per_word[0] if len(per_word) == 1 else intersect(*per_word)
    visible = {pk: (country, at) for pk, country, at in session.execute(_visible(kind, actor, candidates))}
    if not visible:
        return []
    every: set[str] = set().union(*(f | k for f, k in query))
    found: dict[str, set[str]] = defaultdict(set)
    stmt = select(SearchTerm.record_id, SearchTerm.term).where(
        SearchTerm.kind == kind, SearchTerm.term.in_(sorted(every)), SearchTerm.record_id.in_(candidates)
    )
    for pk, term in session.execute(stmt):
        if pk in visible:
            found[pk].add(term)
    out = []
    for pk, (country, at) in visible.items():
        s = _score(query, found[pk])
        if s > 0:
            out.append(Hit(kind, pk, country, at, s))
    return out


def _keep(hit: Hit, f: Filters, *, skip: str = "") -> bool:
    """Tell whether a hit passes the facet selections (``skip`` one dimension, for its own facet)."""
    if skip != "kind" and f.kinds and hit.kind not in f.kinds:
        return False
    if skip != "country" and f.countries and hit.country not in f.countries:
        return False
    day = hit.at.date()
    if skip != "date" and ((f.date_from and day < f.date_from) or (f.date_to and day > f.date_to)):
        return False
    return True


def _facets(matched: list[Hit], f: Filters) -> dict[str, dict[str, int]]:
    """Count each facet over the matches that pass the other facets' selections."""
    kinds = Counter(h.kind for h in matched if _keep(h, f, skip="kind"))
    countries = Counter(h.country for h in matched if _keep(h, f, skip="country"))
    months = Counter(h.at.strftime("%Y-%m") for h in matched if _keep(h, f, skip="date"))
    return {
        "type": dict(sorted(kinds.items())),
        "country": dict(sorted(countries.items())),
        "date": dict(sorted(months.items(), reverse=True)),
    }


def _docs(session: Session, kind: str, ids: list[str]) -> dict[str, Doc]:
    """Load the page's records of one kind in full (they were checked visible already)."""
    if not ids:
        return {}
    if kind == "notice":
        cols = (
            Notice.id,
            Notice.reference,
            Notice.title,
            Notice.summary,
            Notice.owner_country,
            Notice.type,
            Notice.updated_at,
            Entity.caption,
        )
        stmt: Select[*tuple[Any, ...]] = (
            select(*cols).outerjoin(Entity, Entity.id == Notice.subject_id).where(Notice.id.in_(ids))
        )
        return {
            pk: Doc(
                "notice",
                pk,
                f"{ref} {title}",
                summary[:SNIPPET],
                owner,
                ntype,
                at,
                f"{ref} {title} {summary} {caption or ''}",
            )
            for pk, ref, title, summary, owner, ntype, at, caption in session.execute(stmt)
        }
    if kind == "entity":
        stmt = select(
            Entity.id,
            Entity.caption,
            Entity.entity_id,
            Entity.owner_country,
            Entity.schema,
            Entity.updated_at,
            Entity.properties,
        ).where(Entity.id.in_(ids))
        return {
            pk: Doc("entity", pk, caption, entity_id, owner, schema, at, entity_text(caption, props))
            for pk, caption, entity_id, owner, schema, at, props in session.execute(stmt)
        }
    if kind == "case":
        return {
            c.id: Doc(
                "case",
                c.id,
                c.title,
                c.summary[:SNIPPET],
                c.owner_country,
                c.priority,
                c.updated_at,
                f"{c.title} {c.summary}",
                case_id=c.id,
            )
            for c in session.scalars(select(Case).where(Case.id.in_(ids)))
        }
    stmt = select(CaseMessage, Case.title).join(Case, Case.id == CaseMessage.case_id).where(CaseMessage.id.in_(ids))
    return {
        m.id: Doc(
            "message", m.id, title, m.body[:SNIPPET], m.country, "message", m.created_at, m.body, case_id=m.case_id
        )
        for m, title in session.execute(stmt)
    }


def search(session: Session, actor: Actor, q: str, filters: Filters, *, offset: int, limit: int) -> Result:
    """Search the records the actor may see: only visible rows are matched, counted and ranked."""
    query = [_token_terms(t) for t in query_tokens(q)]
    if not query:
        return Result(items=[], total=0, facets={"type": {}, "country": {}, "date": {}})
    catch_up(session)
    matched = [h for kind in KINDS for h in _hits(session, actor, kind, query)]
    kept = [h for h in matched if _keep(h, filters)]
    kept.sort(key=lambda h: (-h.score, -h.at.timestamp(), h.id))
    shown = kept[offset : offset + limit]
    docs: dict[tuple[str, str], Doc] = {}
    for kind in KINDS:
        loaded = _docs(session, kind, [h.id for h in shown if h.kind == kind])
        docs.update({(kind, pk): d for pk, d in loaded.items()})
    items = [(h.score, docs[(h.kind, h.id)]) for h in shown if (h.kind, h.id) in docs]
    return Result(items=items, total=len(kept), facets=_facets(matched, filters))


def _csv(values: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for value in values or [] for v in value.split(",") if v.strip())


def run_search(session: Session, actor: Actor, q: str, filters: Filters, page: int, page_size: int) -> Result:
    """Search as ``actor`` and audit it (query and facets; the ids of the page shown)."""
    result = search(session, actor, q, filters, offset=(page - 1) * page_size, limit=page_size)
    do_log_search(
        session,
        actor,
        [d.id for _, d in result.items],
        {
            "q": q,
            "type": sorted(filters.kinds),
            "country": sorted(filters.countries),
            "from": str(filters.date_from or ""),
            "to": str(filters.date_to or ""),
            "total": result.total,
        },
    )
    return result


def make_filters(
    kinds: list[str] | None, countries: list[str] | None, date_from: date | None, date_to: date | None
) -> Filters:
    """Return validated facet selections (unknown types are ignored, countries upper-cased)."""
    return Filters(
        kinds=_csv(kinds) & frozenset(KINDS),
        countries=frozenset(c.upper() for c in _csv(countries)),
        date_from=date_from,
        date_to=date_to,
    )
