"""Reads of the cyber domain: indicator search, cross-matching ("seen in"), links, KEV, TAXII collections and pages."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, tuple_
from sqlalchemy.orm import Session

from manara.case.access import access_case_by_id
from manara.cyber.access import indicator_visibility_filter
from manara.cyber.models import CyberIndicator, CyberLink, KevCitation, KevEntry, TaxiiFeed, TaxiiStatus
from manara.cyber.normalize import KINDS, normalize_value
from manara.errors import BadRequest, NotFound, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.service import member_codes
from manara.pagination import Page, paginate
from manara.tlp import Tlp, may_leave_owner

COLLECTION_NAMESPACE = uuid.UUID("0e6f8b0c-2a55-4c61-9a3c-7f4b8d1e2a90")
SHARED = "shared"


def search_indicators(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    kind: str | None = None,
    tlp: str | None = None,
    owner: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page[CyberIndicator]:
    """Indicators the actor may see, newest first; ``q`` matches the normalised value (exactly, or as a prefix)."""
    stmt = select(CyberIndicator).where(indicator_visibility_filter(actor))
    if kind:
        if kind not in KINDS:
            raise ValidationFailed("unknown kind", [{"field": "kind", "message": f"one of {', '.join(KINDS)}"}])
        stmt = stmt.where(CyberIndicator.kind == kind)
    if tlp:
        stmt = stmt.where(CyberIndicator.tlp == Tlp(tlp).value)
    if owner:
        stmt = stmt.where(CyberIndicator.owner_country == owner.upper())
    text = q.strip()
    if text:
        keys = {text.lower()}
        for candidate in KINDS:
            try:
                keys.add(normalize_value(candidate, text))
            except ValidationFailed:
                continue
        prefix = text.lower().replace("\\", "").replace("%", "").replace("_", "")
        stmt = stmt.where(or_(CyberIndicator.value_key.in_(keys), CyberIndicator.value_key.startswith(prefix)))
    stmt = stmt.order_by(CyberIndicator.date_added.desc(), CyberIndicator.seq.desc())
    return paginate(session, stmt, page=page, page_size=page_size)


def seen_in(session: Session, actor: Actor, ind: CyberIndicator) -> list[CyberIndicator]:
    """Other members' records of the same normalised value that the actor may see: the cross-match of
    indicators (the same domain in two countries' records links them)."""
    stmt = (
        select(CyberIndicator)
        .where(
            CyberIndicator.kind == ind.kind,
            CyberIndicator.value_key == ind.value_key,
            CyberIndicator.id != ind.id,
            indicator_visibility_filter(actor),
        )
        .order_by(CyberIndicator.owner_country)
    )
    return list(session.scalars(stmt))


def shared_values(session: Session, actor: Actor, limit: int = 50) -> list[tuple[str, str, int]]:
    """Values the actor's country holds that other members (visible to the actor) hold too: (kind, value, members)."""
    mine = select(CyberIndicator.kind, CyberIndicator.value_key).where(CyberIndicator.owner_country == actor.country)
    stmt = (
        select(CyberIndicator.kind, CyberIndicator.value_key, func.count(func.distinct(CyberIndicator.owner_country)))
        .where(indicator_visibility_filter(actor), tuple_(CyberIndicator.kind, CyberIndicator.value_key).in_(mine))
        .group_by(CyberIndicator.kind, CyberIndicator.value_key)
        .having(func.count(func.distinct(CyberIndicator.owner_country)) > 1)
        .limit(limit)
    )
    return [(k, v, n) for k, v, n in session.execute(stmt)]


def links_of(session: Session, ind: CyberIndicator) -> Sequence[CyberLink]:
    """The links of an indicator (the caller has checked that the actor may see the indicator)."""
    return session.scalars(
        select(CyberLink).where(CyberLink.indicator_id == ind.id).order_by(CyberLink.created_at)
    ).all()


def case_indicators(session: Session, actor: Actor, case_id: str) -> list[CyberIndicator]:
    """Indicators linked to a case the actor takes part in, as far as the actor may see them."""
    case = access_case_by_id(session, actor, case_id)
    stmt = (
        select(CyberIndicator)
        .join(CyberLink, CyberLink.indicator_id == CyberIndicator.id)
        .where(CyberLink.target_kind == "case", CyberLink.target_id == case.id, indicator_visibility_filter(actor))
        .order_by(CyberIndicator.seq)
    )
    return list(session.scalars(stmt))


def visible_by_ids(session: Session, actor: Actor, ids: Sequence[str]) -> list[CyberIndicator]:
    """The indicators of ``ids`` the actor may see; NotFound names the first one it may not."""
    found = {
        i.id: i
        for part in range(0, len(ids), 500)
        for i in session.scalars(
            select(CyberIndicator).where(
                CyberIndicator.id.in_(ids[part : part + 500]), indicator_visibility_filter(actor)
            )
        )
    }
    for ident in ids:
        if ident not in found:
            raise NotFound("indicator", ident)
    return [found[i] for i in dict.fromkeys(ids)]


def own_indicators(session: Session, actor: Actor) -> list[CyberIndicator]:
    """Every indicator of the actor's country (its whole collection)."""
    stmt = select(CyberIndicator).where(CyberIndicator.owner_country == actor.country).order_by(CyberIndicator.seq)
    return list(session.scalars(stmt)) if actor.can(Perm.CYBER_READ) else []


def kev_entries(session: Session, *, q: str = "", page: int = 1, page_size: int = 50) -> Page[KevEntry]:
    """The KEV catalogue, newest first; ``q`` filters by CVE, vendor or product."""
    stmt = select(KevEntry)
    if q.strip():
        like = f"%{q.strip().lower().replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            or_(
                func.lower(KevEntry.cve_id).like(like),
                func.lower(KevEntry.vendor).like(like),
                func.lower(KevEntry.product).like(like),
            )
        )
    stmt = stmt.order_by(KevEntry.date_added.desc(), KevEntry.cve_id)
    return paginate(session, stmt, page=page, page_size=page_size)


def case_citations(session: Session, actor: Actor, case_id: str) -> Sequence[KevCitation]:
    """KEV entries a case cites (for members of the case)."""
    case = access_case_by_id(session, actor, case_id)
    return session.scalars(
        select(KevCitation).where(KevCitation.case_id == case.id).order_by(KevCitation.cited_at)
    ).all()


def feeds_of(session: Session, actor: Actor) -> Sequence[TaxiiFeed]:
    """The TAXII feeds the actor's country pulls from."""
    return session.scalars(
        select(TaxiiFeed).where(TaxiiFeed.owner_country == actor.country).order_by(TaxiiFeed.name)
    ).all()


# --- TAXII collections and pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collection:
    """A TAXII collection: one member's indicators at one TLP level, or the shared collection (every member's
    indicators that may leave their owner, as far as the reader may see them)."""

    id: str
    owner: str | None
    tlp: Tlp | None
    title: str
    can_read: bool
    can_write: bool

    def as_taxii(self) -> dict[str, Any]:
        """The collection resource of TAXII 2.1."""
        if self.owner is None:
            description = "Indicators of every member marked TLP:CLEAR, GREEN or AMBER that you may see"
        else:
            description = f"Indicators of {self.owner} marked {self.tlp.label if self.tlp else ''}"
        return {
            "id": self.id,
            "title": self.title,
            "description": description,
            "can_read": self.can_read,
            "can_write": self.can_write,
            "media_types": ["application/stix+json;version=2.1"],
        }


def collection_id(owner: str | None, tlp: Tlp | None) -> str:
    """The stable id of a member's collection at a TLP level (or of the shared collection)."""
    name = SHARED if owner is None or tlp is None else f"{owner}:{tlp.value}"
    return str(uuid.uuid5(COLLECTION_NAMESPACE, name))


def collections_for(session: Session, actor: Actor) -> list[Collection]:
    """The collections the actor may list: the shared one; each member's per TLP level that may leave its owner;
    the actor's own country's AMBER+STRICT and RED (they stay in its own collections, never in a shared one)."""
    if not actor.can(Perm.CYBER_READ):
        return []
    writer = actor.can(Perm.CYBER_WRITE)
    found = [Collection(collection_id(None, None), None, None, "Manara shared indicators", True, False)]
    for country in sorted(member_codes(session)):
        for tlp in Tlp:
            if not may_leave_owner(tlp.value) and country != actor.country:
                continue
            own = country == actor.country
            found.append(
                Collection(collection_id(country, tlp), country, tlp, f"{country} {tlp.label}", True, own and writer)
            )
    return found


def collection_by_id(session: Session, actor: Actor, ident: str) -> Collection:
    """A collection the actor may list, or NotFound."""
    for found in collections_for(session, actor):
        if found.id == ident:
            return found
    raise NotFound("collection", ident)


def encode_cursor(date_added: datetime, seq: int) -> str:
    """An opaque ``next`` token: the (date_added, seq) of the last object served."""
    raw = f"{date_added.astimezone(UTC).isoformat()}|{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, int]:
    """Read a ``next`` token back; BadRequest when it was not made by `encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, seq = raw.split("|")
        moment = datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("invalid next token", field="next") from exc


def parse_timestamp(text: str, field: str) -> datetime:
    """A TAXII timestamp (RFC 3339, UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{field} is not a timestamp", field=field) from exc
    if moment.tzinfo is None:
        raise BadRequest(f"{field} needs a time zone (Z)", field=field)
    return moment.astimezone(UTC)


def collection_query(actor: Actor, collection: Collection) -> Select[CyberIndicator]:
    """The objects of a collection the actor may read."""
    stmt = select(CyberIndicator).where(indicator_visibility_filter(actor))
    if collection.owner is None:
        return stmt.where(CyberIndicator.tlp.in_([t.value for t in Tlp if may_leave_owner(t.value)]))
    if collection.tlp is None or (not may_leave_owner(collection.tlp.value) and collection.owner != actor.country):
        return stmt.where(false())  # never: held back from every other member
    return stmt.where(CyberIndicator.owner_country == collection.owner, CyberIndicator.tlp == collection.tlp.value)


def page_of(
    session: Session,
    actor: Actor,
    collection: Collection,
    *,
    added_after: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
    ids: Sequence[str] = (),
    types: Sequence[str] = (),
) -> tuple[list[CyberIndicator], bool]:
    """One page of a collection in (date_added, seq) order after the cursor; and whether more follow."""
    stmt = collection_query(actor, collection)
    if added_after is not None:
        stmt = stmt.where(CyberIndicator.date_added > added_after)
    if after is not None:
        when, seq = after
        stmt = stmt.where(
            or_(CyberIndicator.date_added > when, and_(CyberIndicator.date_added == when, CyberIndicator.seq > seq))
        )
    if ids:
        stmt = stmt.where(CyberIndicator.stix_id.in_(list(ids)))
    if types:
        wanted = set(types)
        kinds = [k for k in KINDS if ("vulnerability" if k == "vulnerability" else "indicator") in wanted]
        stmt = stmt.where(CyberIndicator.kind.in_(kinds))
    rows = list(session.scalars(stmt.order_by(CyberIndicator.date_added, CyberIndicator.seq).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def object_versions(session: Session, actor: Actor, collection: Collection, stix_id: str) -> CyberIndicator:
    """The one stored version of an object of a collection, or NotFound."""
    row = session.scalars(collection_query(actor, collection).where(CyberIndicator.stix_id == stix_id)).first()
    if row is None:
        raise NotFound("object", stix_id)
    return row


def status_of(session: Session, actor: Actor, status_id: str) -> TaxiiStatus:
    """A status resource of the actor's country, or NotFound."""
    status = session.get(TaxiiStatus, status_id)
    if status is None or status.owner_country != actor.country:
        raise NotFound("status", status_id)
    return status


def placement_countries(session: Session, codes: Sequence[str]) -> list[str]:
    """The member countries among ``codes`` (a MISP sharing group may name organisations outside Manara)."""
    known = member_codes(session)
    return [c for c in codes if c in known]


def kev_objects(session: Session, case_id: str) -> list[dict[str, Any]]:
    """STIX vulnerability objects of the KEV entries a case cites (the caller has checked access to the case)."""
    rows = session.execute(
        select(KevEntry, KevCitation)
        .join(KevCitation, KevCitation.cve_id == KevEntry.cve_id)
        .where(KevCitation.case_id == case_id)
        .order_by(KevEntry.cve_id)
    )
    out = []
    for kev, citation in rows:
        stamp = citation.cited_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        out.append(
            {
                "type": "vulnerability",
                "spec_version": "2.1",
                "id": f"vulnerability--{uuid.uuid5(COLLECTION_NAMESPACE, 'kev:' + kev.cve_id)}",
                "created": stamp,
                "modified": stamp,
                "name": kev.cve_id,
                "description": f"{kev.name}. {kev.description}"[:5000],
                "external_references": [
                    {"source_name": "cve", "external_id": kev.cve_id},
                    {
                        "source_name": "cisa-kev",
                        "url": "https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
                        "description": f"CISA KEV, added {kev.date_added.isoformat()}",
                    },
                ],
                "object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"],
            }
        )
    return out
