"""Write path of entities: change + audit + outbox in the caller's transaction, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import new_id, utcnow
from manara.db.session import is_postgres
from manara.entity.ftm import ValidEntity
from manara.entity.models import Entity, EntityShare
from manara.entity.schemas import ImportReport
from manara.entity.service import existing_by_ids, restricting_referrer
from manara.errors import Conflict, Forbidden, ValidationFailed
from manara.identity import Actor, Perm
from manara.member.service import require_members
from manara.outbox.service import enqueue
from manara.settings import get_settings
from manara.visibility import Visibility, replace_shares

ENTITY_TABLE: Table = Entity.__table__  # type: ignore[assignment]
SHARE_TABLE: Table = EntityShare.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Placement:
    """Distribution of written records: visibility, shared countries and review date."""

    visibility: Visibility
    shared_with: tuple[str, ...]
    review_date: date


@dataclass
class UpsertCounts:
    """What an upsert did, by FtM id."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _set_shares(entity: Entity, countries: list[str]) -> None:
    """Replace the share rows of ``entity`` with ``countries``."""
    replace_shares(entity, countries, lambda c: EntityShare(country=c))


def make_placement(
    session: Session, actor: Actor, visibility: Visibility, shared_with: list[str], review_date: date | None
) -> Placement:
    """Validate a requested distribution and fill the default review date."""
    shared = require_members(session, shared_with) if visibility == Visibility.COUNTRIES else []
    if visibility == Visibility.COUNTRIES and not shared:
        raise ValidationFailed("no countries", [{"field": "shared_with", "message": "name at least one country"}])
    today = utcnow().date()
    if review_date is not None and review_date <= today:
        raise ValidationFailed("past review date", [{"field": "review_date", "message": "must be in the future"}])
    default = today + timedelta(days=get_settings().review_period_days)
    shared = [c for c in shared if c != actor.country]
    return Placement(visibility, tuple(shared), review_date or default)


def _require_writer(actor: Actor) -> None:
    if not actor.can(Perm.ENTITY_WRITE):
        raise Forbidden("this role may not submit entities")


def _insert_new(session: Session, actor: Actor, items: list[ValidEntity], place: Placement) -> list[str]:
    """Bulk-insert entities that do not exist yet; return their primary keys."""
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "owner_country": actor.country,
            "entity_id": v.entity_id,
            "schema": v.schema,
            "caption": v.caption,
            "properties": v.properties,
            "visibility": place.visibility.value,
            "shared_with": list(place.shared_with),
            "review_date": place.review_date,
            "status": "active",
            "content_hash": v.content_hash,
            "created_at": now,
            "updated_at": now,
        }
        for v in items
    ]
    shares = [{"entity_pk": r["id"], "country": c} for r in rows for c in place.shared_with]
    if is_postgres(session):  # the ORM bulk path batches rows into multi-VALUES statements
        session.execute(insert(Entity), rows)
        if shares:
            session.execute(insert(EntityShare), shares)
    else:  # SQLite: Core executemany costs less per row than the ORM bulk path
        connection = session.connection()
        connection.execute(insert(ENTITY_TABLE), rows)
        if shares:
            connection.execute(insert(SHARE_TABLE), shares)
    return [str(r["id"]) for r in rows]


def _changed(entity: Entity, v: ValidEntity, place: Placement) -> bool:
    return (
        entity.content_hash != v.content_hash
        or entity.visibility != place.visibility.value
        or sorted(entity.shared_with) != sorted(place.shared_with)
        or entity.status != "active"
    )


def do_upsert_entities(session: Session, actor: Actor, items: list[ValidEntity], place: Placement) -> UpsertCounts:
    """Create or replace the actor's entities by FtM id; identical re-submissions change nothing."""
    _require_writer(actor)
    latest = {v.entity_id: v for v in items}  # the last version of an id in one batch wins
    existing = existing_by_ids(session, actor.country, list(latest))
    counts = UpsertCounts()
    fresh = [v for k, v in latest.items() if k not in existing]
    pks = _insert_new(session, actor, fresh, place) if fresh else []
    counts.created = [v.entity_id for v in fresh]
    for key, v in latest.items():
        entity = existing.get(key)
        if entity is None:
            continue
        if not _changed(entity, v, place):
            counts.unchanged.append(key)
            continue
        entity.schema, entity.caption, entity.properties = v.schema, v.caption, v.properties
        entity.content_hash, entity.visibility = v.content_hash, place.visibility.value
        entity.shared_with, entity.status = list(place.shared_with), "active"
        _set_shares(entity, list(place.shared_with))
        pks.append(entity.id)
        counts.updated.append(key)
    if pks:
        session.flush()
        record(
            session,
            actor,
            AuditAction.ENTITY_UPSERTED,
            target_type="entity",
            target_ids=pks,
            extra={"created": len(counts.created), "updated": len(counts.updated)},
        )
        enqueue(session, "entity.upserted", {"ids": pks, "owner": actor.country}, country=actor.country)
    return counts


def do_delete_entity(session: Session, actor: Actor, entity: Entity) -> None:
    """Delete an entity of the actor's country that no notice refers to."""
    if (referrer := restricting_referrer(session, entity.id)) is not None:
        raise Conflict(f"entity is the subject of a {referrer}; cancel the {referrer} instead", id=entity.id)
    record(session, actor, AuditAction.ENTITY_DELETED, target_type="entity", target_ids=[entity.id])
    enqueue(session, "entity.deleted", {"ids": [entity.id], "owner": entity.owner_country}, country=actor.country)
    session.delete(entity)


def do_revalidate_entity(session: Session, actor: Actor, entity: Entity, review_date: date) -> Entity:
    """Confirm an entity is still valid and set its next review date (re-activates an expired one)."""
    if review_date <= utcnow().date():
        raise ValidationFailed("past review date", [{"field": "review_date", "message": "must be in the future"}])
    entity.review_date, entity.status = review_date, "active"
    record(
        session,
        actor,
        AuditAction.ENTITY_REVALIDATED,
        target_type="entity",
        target_ids=[entity.id],
        extra={"review_date": review_date.isoformat()},
    )
    enqueue(session, "entity.upserted", {"ids": [entity.id], "owner": entity.owner_country}, country=actor.country)
    return entity


def do_expire_entities(session: Session, actor: Actor, entities: list[Entity]) -> None:
    """Expire active entities whose review date passed without re-validation (the expiry job)."""
    if not entities:
        return
    for entity in entities:
        entity.status = "expired"
    ids = [e.id for e in entities]
    record(session, actor, AuditAction.ENTITY_EXPIRED, target_type="entity", target_ids=ids)
    enqueue(session, "entity.expired", {"ids": ids})


def do_log_import(session: Session, actor: Actor, report: ImportReport) -> None:
    """Audit a finished import (its counts; the entities themselves were audited batch by batch)."""
    record(
        session,
        actor,
        AuditAction.ENTITY_IMPORTED,
        target_type="entity",
        extra={
            "lines": report.lines,
            "created": report.created,
            "updated": report.updated,
            "errors": len(report.errors),
        },
    )


# Audited reads.


def do_log_entity_read(session: Session, actor: Actor, entity: Entity, *, extra: dict[str, Any] | None = None) -> None:
    """Audit the reading of an entity (the API's detail; the link chart's details, with ``extra``)."""
    record(session, actor, AuditAction.ENTITY_VIEWED, target_type="entity", target_ids=[entity.id], extra=extra)


def do_log_entity_search(session: Session, actor: Actor, entity_ids: list[str], query: dict[str, Any]) -> None:
    """Audit a list of entities shown: its filters and the ids of the entities on the page."""
    record(session, actor, AuditAction.ENTITY_SEARCHED, target_type="entity", target_ids=entity_ids, query=query)


def do_log_export(session: Session, actor: Actor, *, owner: str | None, count: int) -> None:
    """Audit a finished export: its filter and how many entities it handed out."""
    record(
        session,
        actor,
        AuditAction.ENTITY_EXPORTED,
        target_type="entity",
        query={"owner": owner},
        extra={"count": count},
    )
