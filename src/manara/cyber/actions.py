"""Write path of the cyber domain: every change here, each with its audit and outbox events; never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text, tuple_
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.case.access import access_case_for_write
from manara.crypto.access import access_wallet_by_id
from manara.cyber.access import require_read, require_write
from manara.cyber.models import CyberIndicator, CyberLink, KevCitation, KevEntry, TaxiiFeed, TaxiiStatus
from manara.cyber.normalize import normalize_value
from manara.cyber.schemas import FeedIn, IndicatorIn, Placement
from manara.cyber.stix import Candidate, Parsed, new_stix_id
from manara.db.base import new_id, utcnow
from manara.entity.access import access_entity_by_id
from manara.errors import Conflict, NotFound, ValidationFailed
from manara.identity import Actor
from manara.media.access import access_hash_for_owner
from manara.member.service import require_members
from manara.outbox.service import enqueue
from manara.tlp import Tlp
from manara.visibility import Visibility, share_key

CHUNK = 500
FEED_LOCK = 0x6379_6265_7200  # "cyber": the advisory lock that orders the writers of the TAXII feed


def _feed_turn(session: Session) -> None:
    """Take the feed's turn: on PostgreSQL, writers of indicators wait for each other (a transaction-level
    advisory lock), so ``seq`` and ``date_added`` follow commit order and a TAXII cursor never passes a row that
    commits later. SQLite serialises writers already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})


def _shared(session: Session, actor: Actor, visibility: Visibility, shared_with: Sequence[str]) -> list[str]:
    shared = require_members(session, shared_with) if visibility == Visibility.COUNTRIES else []
    shared = [c for c in shared if c != actor.country]
    if visibility == Visibility.COUNTRIES and not shared:
        raise ValidationFailed("no countries", [{"field": "shared_with", "message": "name at least one country"}])
    return shared


def do_add_indicator(session: Session, actor: Actor, data: IndicatorIn) -> CyberIndicator:
    """Record one indicator of the actor's country; the same value twice is a conflict."""
    require_write(actor)
    key = normalize_value(data.kind, data.value)
    shared = _shared(session, actor, data.visibility, data.shared_with)
    if data.first_seen and data.last_seen and data.last_seen < data.first_seen:
        raise ValidationFailed("dates reversed", [{"field": "last_seen", "message": "after first_seen"}])
    exists = session.scalar(
        select(CyberIndicator.id).where(
            CyberIndicator.owner_country == actor.country,
            CyberIndicator.kind == data.kind,
            CyberIndicator.value_key == key,
        )
    )
    if exists is not None:
        raise Conflict("indicator already recorded", id=exists, value=key)
    _feed_turn(session)
    now = utcnow()
    ind = CyberIndicator(
        stix_id=new_stix_id(data.kind),
        owner_country=actor.country,
        kind=data.kind,
        value=data.value.strip(),
        value_key=key,
        name=data.name,
        description=data.description,
        malware=data.malware,
        threat_actor=data.threat_actor,
        labels=list(data.labels),
        confidence=data.confidence,
        tlp=data.tlp.value,
        visibility=data.visibility.value,
        shared_with=shared,
        share_key=share_key(shared),
        first_seen=data.first_seen,
        last_seen=data.last_seen,
        source="manual",
        date_added=now,
        created_by=actor.user_id,
    )
    session.add(ind)
    session.flush()
    record(session, actor, AuditAction.CYBER_INDICATOR_ADDED, target_type="cyber_indicator", target_ids=[ind.id])
    enqueue(session, "cyber.indicator_added", {"id": ind.id, "owner": actor.country}, country=actor.country)
    return ind


def _existing(session: Session, country: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], CyberIndicator]:
    found: dict[tuple[str, str], CyberIndicator] = {}
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
        rows = session.scalars(
            select(CyberIndicator).where(
                CyberIndicator.owner_country == country,
                tuple_(CyberIndicator.kind, CyberIndicator.value_key).in_(part),
            )
        )
        found.update({(r.kind, r.value_key): r for r in rows})
    return found


def _row(
    actor: Actor, cand: Candidate, place: Placement, shared: list[str], source: str, now: datetime
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "stix_id": cand.stix_id or new_stix_id(cand.kind),
        "owner_country": actor.country,
        "kind": cand.kind,
        "value": cand.value.strip()[:2048],
        "value_key": cand.value_key,
        "name": cand.name,
        "description": cand.description,
        "malware": cand.malware,
        "threat_actor": cand.threat_actor,
        "labels": cand.labels,
        "confidence": cand.confidence if cand.confidence is not None else 50,
        "tlp": (cand.tlp or place.tlp).value,
        "visibility": place.visibility.value,
        "shared_with": shared,
        "share_key": share_key(shared),
        "first_seen": cand.first_seen,
        "last_seen": cand.last_seen,
        "source": source[:300],
        "date_added": now,
        "revoked": False,
        "created_by": actor.user_id,
        "created_at": now,
        "updated_at": now,
    }


def do_store_parsed(
    session: Session, actor: Actor, parsed: Parsed, place: Placement, *, source: str, fmt: str
) -> dict[str, Any]:
    """Store what an import read (STIX bundle, MISP event, TAXII pull) in one transaction: new values are
    inserted, values the member already holds are refreshed (names, last seen, a stricter marking). Returns
    the report: counts, refusals, the ids stored."""
    require_write(actor)
    shared = _shared(session, actor, place.visibility, place.shared_with)
    _feed_turn(session)
    now = utcnow()
    unique: dict[tuple[str, str], Candidate] = {}
    for cand in parsed.candidates:
        unique[(cand.kind, cand.value_key)] = cand  # the last of duplicates in one import wins
    existing = _existing(session, actor.country, list(unique))
    new_rows: list[dict[str, Any]] = []
    ids: list[str] = []
    updated = 0
    for key, cand in unique.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(_row(actor, cand, place, shared, source, now))
            ids.append(new_rows[-1]["id"])
            continue
        _refresh(row, cand, now)
        updated += 1
        ids.append(row.id)
    for start in range(0, len(new_rows), 5_000):
        session.execute(insert(CyberIndicator), new_rows[start : start + 5_000])
    report = {
        "format": fmt,
        "received": parsed.received,
        "stored": len(new_rows),
        "updated": updated,
        "skipped": parsed.skipped,
        "refused": parsed.refused,
        "indicator_ids": ids,
    }
    counts = {k: report[k] for k in ("received", "stored", "updated", "skipped")} | {"refused": len(parsed.refused)}
    record(
        session,
        actor,
        AuditAction.CYBER_IMPORTED,
        target_type="cyber_indicator",
        target_ids=ids[:1000],
        extra={"format": fmt, "source": source[:300], **counts},
    )
    enqueue(session, "cyber.imported", {"owner": actor.country, "format": fmt, **counts}, country=actor.country)
    return report


def _refresh(row: CyberIndicator, cand: Candidate, now: datetime) -> None:
    if cand.name:
        row.name = cand.name
    if cand.description:
        row.description = cand.description
    if cand.malware:
        row.malware = cand.malware
    if cand.threat_actor:
        row.threat_actor = cand.threat_actor
    if cand.tlp is not None and cand.tlp.rank > Tlp(row.tlp).rank:
        row.tlp = cand.tlp.value  # a source may tighten a marking, never loosen it
    if cand.last_seen and (row.last_seen is None or cand.last_seen > row.last_seen):
        row.last_seen = cand.last_seen
    row.labels = sorted(set(row.labels) | set(cand.labels))[:20]
    row.updated_at = now


def do_revoke_indicator(session: Session, actor: Actor, ind: CyberIndicator) -> CyberIndicator:
    """Revoke an indicator (withdrawn: other members no longer see it; the owner's own feed marks it revoked)."""
    if ind.revoked:
        raise Conflict("indicator already revoked", id=ind.id)
    ind.revoked, ind.updated_at = True, utcnow()
    record(session, actor, AuditAction.CYBER_INDICATOR_REVOKED, target_type="cyber_indicator", target_ids=[ind.id])
    enqueue(session, "cyber.indicator_revoked", {"id": ind.id, "owner": actor.country}, country=actor.country)
    return ind


def do_link_indicator(
    session: Session, actor: Actor, ind: CyberIndicator, target_kind: str, target_id: str
) -> CyberLink:
    """Link an indicator of the actor's country to a case, a subject, a crypto wallet or a media hash the actor
    may see (404 for any other)."""
    if target_kind == "case":
        access_case_for_write(session, actor, target_id)
    elif target_kind == "subject":
        access_entity_by_id(session, actor, target_id)
    elif target_kind == "crypto_wallet":
        access_wallet_by_id(session, actor, target_id)
    elif target_kind == "media_hash":
        access_hash_for_owner(session, actor, target_id)
    else:
        raise ValidationFailed(
            "unknown link", [{"field": "target_kind", "message": "case, subject, crypto_wallet, media_hash"}]
        )
    dup = session.scalar(
        select(CyberLink.id).where(
            CyberLink.indicator_id == ind.id, CyberLink.target_kind == target_kind, CyberLink.target_id == target_id
        )
    )
    if dup is not None:
        raise Conflict("already linked", id=dup)
    link = CyberLink(
        indicator_id=ind.id, target_kind=target_kind, target_id=target_id, created_by=actor.user_id, created_at=utcnow()
    )
    session.add(link)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CYBER_LINKED,
        target_type="cyber_indicator",
        target_ids=[ind.id],
        extra={"target_kind": target_kind, "target_id": target_id},
    )
    enqueue(session, "cyber.linked", {"id": ind.id, "target_kind": target_kind}, country=actor.country)
    return link


def do_log_indicator_read(session: Session, actor: Actor, ids: Iterable[str], *, how: str) -> None:
    """Audit a read of indicators (a detail page, a search, a TAXII page)."""
    record(
        session,
        actor,
        AuditAction.CYBER_VIEWED,
        target_type="cyber_indicator",
        target_ids=list(ids)[:1000],
        extra={"how": how},
    )


def do_log_export(session: Session, actor: Actor, ids: Iterable[str], *, fmt: str, held: int, scope: str) -> None:
    """Audit an export (STIX bundle, MISP event): what left, in which format, and how many were held back."""
    record(
        session,
        actor,
        AuditAction.CYBER_EXPORTED,
        target_type="cyber_indicator",
        target_ids=list(ids)[:1000],
        extra={"format": fmt, "held_back": held, "scope": scope},
    )


def do_import_kev(session: Session, actor: Actor, entries: list[dict[str, Any]]) -> dict[str, int]:
    """Load the KEV catalogue (a public reference feed): new entries inserted, known ones refreshed."""
    require_write(actor)
    known = {k.cve_id: k for k in session.scalars(select(KevEntry))}
    added = 0
    for entry in entries:
        row = known.get(entry["cve_id"])
        if row is None:
            session.add(KevEntry(**entry))
            added += 1
            continue
        for name, value in entry.items():
            setattr(row, name, value)
    session.flush()
    record(
        session,
        actor,
        AuditAction.CYBER_KEV_IMPORTED,
        target_type="cyber_kev",
        extra={"entries": len(entries), "added": added},
    )
    enqueue(session, "cyber.kev_imported", {"entries": len(entries), "added": added})
    return {"entries": len(entries), "added": added}


def do_cite_kev(session: Session, actor: Actor, case_id: str, cve_id: str, note: str) -> KevCitation:
    """Cite a KEV entry from a case the actor takes part in."""
    require_read(actor)
    case = access_case_for_write(session, actor, case_id)
    if session.get(KevEntry, cve_id) is None:
        raise NotFound("kev entry", cve_id)
    if session.scalar(select(KevCitation.id).where(KevCitation.case_id == case.id, KevCitation.cve_id == cve_id)):
        raise Conflict("already cited", case_id=case.id, cve_id=cve_id)
    citation = KevCitation(
        case_id=case.id, cve_id=cve_id, note=note, cited_by=actor.user_id, country=actor.country, cited_at=utcnow()
    )
    session.add(citation)
    session.flush()
    record(session, actor, AuditAction.CYBER_KEV_CITED, target_type="case", target_ids=[case.id], extra={"cve": cve_id})
    enqueue(session, "cyber.kev_cited", {"case_id": case.id, "cve": cve_id}, country=actor.country)
    return citation


def do_save_feed(session: Session, actor: Actor, data: FeedIn) -> TaxiiFeed:
    """Register a partner TAXII collection the actor's country pulls from."""
    require_write(actor)
    shared = _shared(session, actor, data.visibility, data.shared_with)
    if session.scalar(
        select(TaxiiFeed.id).where(TaxiiFeed.owner_country == actor.country, TaxiiFeed.name == data.name)
    ):
        raise Conflict("feed name taken", name=data.name)
    feed = TaxiiFeed(
        owner_country=actor.country,
        name=data.name,
        collection_url=data.collection_url,
        tlp=data.tlp.value,
        visibility=data.visibility.value,
        shared_with=shared,
        created_by=actor.user_id,
    )
    session.add(feed)
    session.flush()
    record(session, actor, AuditAction.CYBER_FEED_SAVED, target_type="cyber_taxii_feed", target_ids=[feed.id])
    enqueue(session, "cyber.feed_saved", {"id": feed.id, "owner": actor.country}, country=actor.country)
    return feed


def do_record_pull(session: Session, actor: Actor, feed: TaxiiFeed, added_after: str | None, count: int) -> None:
    """Advance a feed's cursor after a pull whose objects were stored in the same transaction."""
    if added_after:
        feed.added_after = added_after
    feed.last_pulled_at = utcnow()
    feed.pulled_total += count
    record(
        session,
        actor,
        AuditAction.CYBER_TAXII_PULLED,
        target_type="cyber_taxii_feed",
        target_ids=[feed.id],
        extra={"objects": count, "added_after": feed.added_after},
    )
    enqueue(session, "cyber.taxii_pulled", {"id": feed.id, "objects": count}, country=actor.country)


def do_record_taxii_status(session: Session, actor: Actor, report: dict[str, Any], total: int) -> TaxiiStatus:
    """Keep the status resource of a TAXII "add objects" request (stored with the objects it reports on)."""
    refused = report["refused"]
    status = TaxiiStatus(
        owner_country=actor.country,
        status="complete",
        request_timestamp=utcnow(),
        total_count=total,
        success_count=total - len(refused),
        failure_count=len(refused),
        pending_count=0,
        successes=[],
        failures=[{"id": r["id"], "message": r["reason"]} for r in refused[:1000]],
    )
    session.add(status)
    session.flush()
    return status
