"""The figures of an assessment, computed through its author's visibility.

Every query reads only what the author may see, with the same clauses as the lists and search
(``notice_visibility_filter``, ``hit_visibility_filter``, ``case_visibility_filter``, ``link_visibility_filter``,
``entity_visibility_filter``; screenings and document checks are the author's own member's). The records of the
same scope that the author may not see are counted with one ``count()`` per query — never read — so the report
can say how many were left out. Each figure is an ``Indicator``: the query's name, its parameters, the value
over the period and over the previous period of the same length.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select, true
from sqlalchemy.orm import Session

from manara.analysis.identifiers import normalize_wallet
from manara.analysis.models import SuggestedLink
from manara.audit.actions import AuditAction
from manara.audit.models import AuditEvent
from manara.case.access import case_visibility_filter
from manara.case.models import Case
from manara.crime import CRIME_AREA_VALUES
from manara.entity.access import entity_visibility_filter
from manara.entity.models import Entity
from manara.hit.access import hit_visibility_filter
from manara.hit.models import Hit
from manara.identity import Actor
from manara.notice.access import notice_visibility_filter
from manara.notice.models import Notice

UNCLASSIFIED = "unclassified"
IDENTIFIER_KINDS = ("wallet", "phone", "document")
TOP_ROUTES = 15
TOP_IDENTIFIERS = 25


@dataclass(frozen=True)
class Scope:
    """What an assessment covers: member countries (empty: every country), crime areas (empty: all), a period
    of whole days ``start`` to ``end`` inclusive, compared with the period of the same length just before it."""

    countries: tuple[str, ...]
    areas: tuple[str, ...]
    start: date
    end: date

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The previous period (inclusive dates)."""
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime, datetime]:
        """UTC instants: start of the previous period, start of the period, end of the period (exclusive)."""
        first = datetime.combine(self.previous[0], time(), UTC)
        middle = datetime.combine(self.start, time(), UTC)
        last = datetime.combine(self.end + timedelta(days=1), time(), UTC)
        return first, middle, last


@dataclass
class Indicator:
    """One figure: ``query`` over ``params``, this period's ``value`` and the previous period's."""

    section: str
    query: str
    params: dict[str, Any]
    value: float
    previous: float | None


@dataclass
class Figures:
    """Everything computed for one assessment."""

    indicators: list[Indicator] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)

    def add(self, section: str, query: str, params: dict[str, Any], value: float, previous: float | None) -> None:
        """Append an indicator row."""
        self.indicators.append(Indicator(section, query, params, value, previous))


def _in_countries(column: Any, countries: tuple[str, ...]) -> ColumnElement[bool]:
    return column.in_(countries) if countries else true()


def _areas_of(values: Iterable[str] | None, scope: Scope) -> list[str]:
    """The crime areas a record counts under: its own, narrowed to the scope; "unclassified" when it has none
    and the scope is every area; nothing when it falls outside the scope's areas."""
    own = [a for a in (values or []) if a in CRIME_AREA_VALUES]
    if scope.areas:
        return [a for a in own if a in scope.areas]
    return own or [UNCLASSIFIED]


def _period_of(at: datetime | None, middle: datetime) -> int:
    """0 for the current period, 1 for the previous (callers select only the two periods)."""
    if at is None:
        return 1
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return 0 if at >= middle else 1


def _flag(column: Any, middle: datetime) -> Any:
    """SQL: 0 for a time in the current period, 1 for the previous one (the query bounds both): computed by the
    database, so no datetime is parsed per row."""
    return case((column >= middle, 0), else_=1)


def _pairs(counter: Counter[tuple[Any, int]]) -> dict[Any, tuple[int, int]]:
    keys = {k for k, _ in counter}
    return {k: (counter[(k, 0)], counter[(k, 1)]) for k in keys}


def _emit(
    figures: Figures, section: str, query: str, counter: Counter[tuple[Any, int]], names: tuple[str, ...]
) -> None:
    for key, (now, before) in sorted(_pairs(counter).items(), key=lambda kv: (-kv[1][0], -kv[1][1], str(kv[0]))):
        values = key if isinstance(key, tuple) else (key,)
        figures.add(section, query, dict(zip(names, values, strict=True)), now, before)


def _hidden(session: Session, model: Any, scope_clause: ColumnElement[bool], visible: ColumnElement[bool]) -> int:
    """Count the records of the scope the author may not see (a count, never their rows)."""
    return int(session.scalar(select(func.count()).select_from(model).where(scope_clause, not_(visible))) or 0)


def notice_figures(session: Session, actor: Actor, scope: Scope, figures: Figures) -> None:
    """Notices published per crime area, per country, per (area, country) and per type."""
    first, middle, last = scope.bounds()
    in_scope = and_(
        Notice.published_at.is_not(None),
        Notice.published_at >= first,
        Notice.published_at < last,
        _in_countries(Notice.owner_country, scope.countries),
    )
    visible = notice_visibility_filter(actor)
    rows = session.execute(
        select(Notice.owner_country, Notice.type, Notice.crime_areas, _flag(Notice.published_at, middle)).where(
            in_scope, visible
        )
    ).all()
    by_area: Counter[tuple[Any, int]] = Counter()
    by_country: Counter[tuple[Any, int]] = Counter()
    by_cell: Counter[tuple[Any, int]] = Counter()
    by_type: Counter[tuple[Any, int]] = Counter()
    total: Counter[int] = Counter()
    for country, ntype, areas, published_at in rows:
        counted = _areas_of(areas, scope)
        if not counted:
            continue
        p = published_at
        total[p] += 1
        by_country[(country, p)] += 1
        by_type[(ntype, p)] += 1
        for area in counted:
            by_area[(area, p)] += 1
            by_cell[((area, country), p)] += 1
    figures.add("overview", "notices_published", {}, total[0], total[1])
    _emit(figures, "trends", "notices_by_area", by_area, ("crime_area",))
    _emit(figures, "trends", "notices_by_country", by_country, ("country",))
    _emit(figures, "trends", "notices_by_area_country", by_cell, ("crime_area", "country"))
    _emit(figures, "types", "notices_by_type", by_type, ("type",))
    figures.hidden["notices"] = _hidden(session, Notice, in_scope, visible)


def _notice_facts(session: Session, actor: Actor, notice_ids: set[str]) -> dict[str, tuple[list[str], str]]:
    """Crime areas and origin (subject's nationality, else issuing country) of the visible notices among
    ``notice_ids``; a notice the author may not see gives nothing."""
    facts: dict[str, tuple[list[str], str]] = {}
    ids = sorted(notice_ids)
    visible_entities = entity_visibility_filter(actor)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = session.execute(
            select(Notice.id, Notice.crime_areas, Notice.owner_country, Entity.properties)
            .outerjoin(Entity, and_(Entity.id == Notice.subject_id, visible_entities))
            .where(Notice.id.in_(chunk), notice_visibility_filter(actor))
        ).all()
        for nid, areas, owner, props in rows:
            nationality = (props or {}).get("nationality") or []
            origin = str(nationality[0]).upper()[:2] if nationality else owner
            facts[nid] = (list(areas or []), origin)
    return facts


def hit_figures(session: Session, actor: Actor, scope: Scope, figures: Figures) -> None:
    """Hits per screening country and per crime area, and the top routes (origin → screening country)."""
    first, middle, last = scope.bounds()
    in_scope = and_(
        Hit.created_at >= first,
        Hit.created_at < last,
        or_(_in_countries(Hit.querying_country, scope.countries), _in_countries(Hit.owner_country, scope.countries)),
    )
    visible = hit_visibility_filter(actor)
    rows = session.execute(
        select(
            Hit.querying_country, Hit.owner_country, Hit.target_type, Hit.target_id, _flag(Hit.created_at, middle)
        ).where(in_scope, visible)
    ).all()
    facts = _notice_facts(session, actor, {r.target_id for r in rows if r.target_type == "notice"})
    by_country: Counter[tuple[Any, int]] = Counter()
    by_area: Counter[tuple[Any, int]] = Counter()
    routes: Counter[tuple[Any, int]] = Counter()
    total: Counter[int] = Counter()
    for querying, owner, target_type, target_id, created_at in rows:
        areas, origin = facts.get(target_id, ([], owner)) if target_type == "notice" else ([], owner)
        counted = _areas_of(areas, scope)
        if not counted:
            continue
        p = created_at
        total[p] += 1
        by_country[(querying, p)] += 1
        for area in counted:
            by_area[(area, p)] += 1
        routes[((origin, querying), p)] += 1
    figures.add("overview", "hits", {}, total[0], total[1])
    _emit(figures, "hits", "hits_by_screening_country", by_country, ("country",))
    _emit(figures, "hits", "hits_by_area", by_area, ("crime_area",))
    before = len(figures.indicators)
    _emit(figures, "routes", "routes", routes, ("origin", "screening_country"))
    del figures.indicators[before + TOP_ROUTES :]
    figures.hidden["hits"] = _hidden(session, Hit, in_scope, visible)


def activity_figures(session: Session, actor: Actor, scope: Scope, figures: Figures) -> None:
    """Screenings and document checks of the author's own member (other members' are not visible to it)."""
    first, middle, last = scope.bounds()
    for action, query, hidden_key in (
        (AuditAction.SCREENED, "screenings", "screenings"),
        (AuditAction.DOCUMENT_CHECKED, "document_checks", "document_checks"),
    ):
        in_scope = and_(
            AuditEvent.action == str(action),
            AuditEvent.occurred_at >= first,
            AuditEvent.occurred_at < last,
            _in_countries(AuditEvent.country, scope.countries),
        )
        visible = AuditEvent.country == actor.country
        count = select(func.count()).select_from(AuditEvent).where(in_scope, visible)
        now = int(session.scalar(count.where(AuditEvent.occurred_at >= middle)) or 0)
        before = int(session.scalar(count.where(AuditEvent.occurred_at < middle)) or 0)
        figures.add("activity", query, {"country": actor.country}, now, before)
        figures.hidden[hidden_key] = _hidden(session, AuditEvent, in_scope, visible)


def case_figures(session: Session, actor: Actor, scope: Scope, figures: Figures) -> None:
    """Cases opened and closed, per crime area."""
    first, middle, last = scope.bounds()
    opened_in = and_(Case.created_at >= first, Case.created_at < last)
    closed_in = and_(Case.closed_at.is_not(None), Case.closed_at >= first, Case.closed_at < last)
    in_scope = and_(or_(opened_in, closed_in), _in_countries(Case.owner_country, scope.countries))
    visible = case_visibility_filter(actor)
    rows = session.execute(select(Case.crime_areas, Case.created_at, Case.closed_at).where(in_scope, visible)).all()
    opened: Counter[tuple[Any, int]] = Counter()
    closed: Counter[tuple[Any, int]] = Counter()
    totals: Counter[tuple[str, int]] = Counter()
    for areas, created_at, closed_at in rows:
        counted = _areas_of(areas, scope)
        for kind, at, counter in (("opened", created_at, opened), ("closed", closed_at, closed)):
            if at is None:
                continue
            aware = at if at.tzinfo else at.replace(tzinfo=UTC)
            if not first <= aware < last or not counted:
                continue
            p = _period_of(aware, middle)
            totals[(kind, p)] += 1
            for area in counted:
                counter[(area, p)] += 1
    figures.add("overview", "cases_opened", {}, totals[("opened", 0)], totals[("opened", 1)])
    figures.add("overview", "cases_closed", {}, totals[("closed", 0)], totals[("closed", 1)])
    _emit(figures, "cases", "cases_opened_by_area", opened, ("crime_area",))
    _emit(figures, "cases", "cases_closed_by_area", closed, ("crime_area",))
    figures.hidden["cases"] = _hidden(session, Case, in_scope, visible)


def _visible_entity_ids(session: Session, actor: Actor) -> set[str]:
    """The ids of the subjects the actor may see (``entity_visibility_filter``), read once per computation."""
    return set(session.scalars(select(Entity.id).where(entity_visibility_filter(actor))))


def link_figures(session: Session, actor: Actor, scope: Scope, figures: Figures, visible_ids: set[str]) -> None:
    """Cross-match links suggested between members' subjects, per pair of countries; a link counts when the
    author may see both of its subjects (``link_visibility_filter``'s rule, tested on the ids read once)."""
    first, middle, last = scope.bounds()
    in_scope = and_(
        SuggestedLink.created_at >= first,
        SuggestedLink.created_at < last,
        or_(
            _in_countries(SuggestedLink.left_owner, scope.countries),
            _in_countries(SuggestedLink.right_owner, scope.countries),
        ),
    )
    rows = session.execute(
        select(
            SuggestedLink.left_pk,
            SuggestedLink.right_pk,
            SuggestedLink.left_owner,
            SuggestedLink.right_owner,
            _flag(SuggestedLink.created_at, middle),
        ).where(in_scope)
    ).all()
    pairs: Counter[tuple[Any, int]] = Counter()
    total: Counter[int] = Counter()
    hidden = 0
    for left_pk, right_pk, left, right, created_at in rows:
        if left_pk not in visible_ids or right_pk not in visible_ids:
            hidden += 1  # counted, never shown: not even its countries
            continue
        p = created_at
        total[p] += 1
        a, b = sorted((left, right))
        pairs[((a, b), p)] += 1
    figures.add("overview", "cross_match_links", {}, total[0], total[1])
    _emit(figures, "links", "links_by_country_pair", pairs, ("country_a", "country_b"))
    figures.hidden["links"] = hidden


def mask(value: str) -> str:
    """Show an identifier's shape without handing it out: the first three and last two characters."""
    if len(value) <= 6:
        return value[:1] + "•" * (len(value) - 1)
    return value[:3] + "•" * (len(value) - 5) + value[-2:]


_NOT_DIGITS = re.compile(r"[^0-9]")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def identifier_keys_fast(schema: str, props: dict[str, Any]) -> list[tuple[str, str]]:
    """Wallets, phones and document numbers of a subject in a cheap normal form, for counting recurrences over
    the whole register: phones as their digits in international form (``+``/``00`` prefix; a number written
    without its country code is left out rather than guessed), document numbers as upper-case letters and
    digits qualified by the issuing country when given, wallets as ``normalize_wallet`` writes them.
    (``analysis.identifiers.identifier_keys`` parses phones with libphonenumber: exact, but 100x slower.)"""
    keys: list[tuple[str, str]] = []
    if schema == "CryptoWallet":
        for value in props.get("publicKey") or props.get("cryptoAddress") or []:
            wallet = normalize_wallet(str(value))
            if wallet:
                keys.append(("wallet", wallet))
        return keys
    for value in props.get("phone") or []:
        text = str(value).strip()
        if text.startswith(("+", "00")):
            digits = _NOT_DIGITS.sub("", text)
            digits = digits[2:] if text.startswith("00") else digits
            if 7 <= len(digits) <= 15:
                keys.append(("phone", "+" + digits))
    issuer = next((str(c).upper() for c in props.get("country") or props.get("nationality") or []), "")
    for name in ("passportNumber", "idNumber"):
        for value in props.get(name) or []:
            number = _NOT_ALNUM.sub("", str(value).upper())
            if len(number) >= 5:
                keys.append(("document", f"{issuer}:{number}" if issuer else number))
    return keys


def identifier_figures(session: Session, actor: Actor, scope: Scope, figures: Figures) -> None:
    """Emerging identifiers: wallets, phones and document numbers carried by visible subjects of two or more
    member countries; value: countries by the end of the period, previous: by its start."""
    _, middle, last = scope.bounds()
    in_scope = and_(Entity.created_at < last, _in_countries(Entity.owner_country, scope.countries))
    visible = entity_visibility_filter(actor)
    seen_now: dict[tuple[str, str], set[str]] = defaultdict(set)
    seen_before: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows = session.execute(
        select(
            Entity.schema, Entity.properties, Entity.owner_country, _flag(Entity.created_at, middle), Entity.crime_areas
        ).where(in_scope, visible)
    ).yield_per(5000)
    for schema, props, owner, created_at, areas in rows:
        if scope.areas and not _areas_of(areas, scope):
            continue
        keys = identifier_keys_fast(schema, props or {})
        if not keys:
            continue
        before = created_at == 1
        for key in keys:
            seen_now[key].add(owner)
            if before:
                seen_before[key].add(owner)
    emerging = [(k, c) for k, c in seen_now.items() if len(c) >= 2]
    emerging.sort(key=lambda kc: (-len(kc[1]), -(len(kc[1]) - len(seen_before.get(kc[0], ()))), kc[0]))
    by_kind: Counter[tuple[Any, int]] = Counter()
    for key, _countries in emerging:
        by_kind[(key[0], 0)] += 1
        if len(seen_before.get(key, ())) >= 2:
            by_kind[(key[0], 1)] += 1
    for kind in IDENTIFIER_KINDS:
        figures.add(
            "identifiers", "emerging_identifiers_by_kind", {"kind": kind}, by_kind[(kind, 0)], by_kind[(kind, 1)]
        )
    for (kind, value), countries in emerging[:TOP_IDENTIFIERS]:
        figures.add(
            "identifiers",
            "emerging_identifier",
            {
                "kind": kind,
                "masked": mask(value.split(":", 1)[-1]),
                "key": hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:16],
                "countries": sorted(countries),
            },
            len(countries),
            len(seen_before.get((kind, value), ())),
        )
    figures.hidden["entities"] = _hidden(session, Entity, in_scope, visible)


def compute(session: Session, actor: Actor, scope: Scope) -> Figures:
    """Compute every indicator of ``scope`` through ``actor``'s visibility."""
    figures = Figures()
    notice_figures(session, actor, scope, figures)
    hit_figures(session, actor, scope, figures)
    activity_figures(session, actor, scope, figures)
    case_figures(session, actor, scope, figures)
    link_figures(session, actor, scope, figures, _visible_entity_ids(session, actor))
    identifier_figures(session, actor, scope, figures)
    return figures
