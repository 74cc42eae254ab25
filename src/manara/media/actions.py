"""Write path of media hash-sharing: banks, hashes, match reports, feedback; audited reads."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from manara.identity import Actor, Perm
from manara.media.hashing import MediaRejected
from manara.media.models import Feedback, HashBank, MediaHash, MediaMatch
from manara.media.schemas import BankIn, BankUpdate, HashIn
from manara.media.service import Found, Probe, canonical_signal, existing_keys, signal_key
from manara.member.service import require_members
from manara.outbox.service import enqueue
from manara.visibility import Visibility, share_key


def _placement(session: Session, actor: Actor, visibility: Visibility, shared_with: list[str]) -> list[str]:
    shared = require_members(session, shared_with) if visibility == Visibility.COUNTRIES else []
    shared = [c for c in shared if c != actor.country]
    if visibility == Visibility.COUNTRIES and not shared:
        raise ValidationFailed("no countries", [{"field": "shared_with", "message": "name at least one country"}])
    return shared


def do_create_bank(session: Session, actor: Actor, data: BankIn) -> HashBank:
    """Create a hash bank owned by the actor's country."""
    if not actor.can(Perm.MEDIA_WRITE):
        raise Forbidden("this role may not keep hash banks")
    name = data.name.strip()
    taken = session.query(HashBank.id).filter_by(owner_country=actor.country, name=name).first()
    if taken is not None:
        raise Conflict("your country already has a bank of that name", name=name)
    shared = _placement(session, actor, data.visibility, list(data.shared_with))
    bank = HashBank(
        name=name,
        description=data.description,
        labels=sorted(set(data.labels)),
        tlp=data.tlp.value,
        visibility=data.visibility.value,
        shared_with=shared,
        share_key=share_key(shared),
        keep_sightings=data.keep_sightings,
        active=True,
        owner_country=actor.country,
        created_by=actor.user_id,
    )
    session.add(bank)
    session.flush()
    record(session, actor, AuditAction.MEDIA_BANK_CREATED, target_type="media_bank", target_ids=[bank.id])
    enqueue(session, "media.bank.created", {"id": bank.id, "owner": actor.country}, country=actor.country)
    return bank


def do_update_bank(session: Session, actor: Actor, bank: HashBank, data: BankUpdate) -> HashBank:
    """Change a bank's description, labels, TLP, visibility, sightings or state (deactivate / reactivate)."""
    changed = data.model_dump(exclude_none=True)
    if "visibility" in changed or "shared_with" in changed:
        visibility = data.visibility or Visibility(bank.visibility)
        shared = _placement(session, actor, visibility, list(data.shared_with or bank.shared_with))
        bank.visibility, bank.shared_with, bank.share_key = visibility.value, shared, share_key(shared)
    if data.description is not None:
        bank.description = data.description
    if data.labels is not None:
        bank.labels = sorted(set(data.labels))
    if data.tlp is not None:
        bank.tlp = data.tlp.value
    if data.keep_sightings is not None:
        bank.keep_sightings = data.keep_sightings
    if data.active is not None:
        bank.active = data.active
    session.flush()
    record(
        session,
        actor,
        AuditAction.MEDIA_BANK_UPDATED,
        target_type="media_bank",
        target_ids=[bank.id],
        extra={"fields": sorted(changed)},
    )
    enqueue(session, "media.bank.updated", {"id": bank.id, "owner": actor.country}, country=actor.country)
    return bank


def do_add_hashes(
    session: Session, actor: Actor, bank: HashBank, items: Sequence[HashIn]
) -> tuple[list[MediaHash], int]:
    """Add hashes to a bank of the actor's country; return the new rows and how many it already held.
    Every hash is validated first (bad or low-quality: nothing is added)."""
    if not bank.active:
        raise InvalidTransition("media bank", "inactive", "add hashes to")
    prepared: dict[tuple[str, str], tuple[HashIn, str, int | None]] = {}
    for n, item in enumerate(items):
        try:
            signal, quality = canonical_signal(item)
        except (ValidationFailed, MediaRejected) as exc:
            raise ValidationFailed(
                f"hash {n + 1}: {exc.message}", [{"field": f"hashes[{n}].signal", "message": exc.message}]
            ) from exc
        prepared.setdefault((item.signal_type.value, signal_key(item.signal_type, signal)), (item, signal, quality))
    held = existing_keys(session, bank, prepared)
    now = utcnow()
    rows = [
        MediaHash(
            bank_id=bank.id,
            owner_country=bank.owner_country,
            signal_type=kind,
            signal=signal,
            signal_key=key,
            quality=quality,
            labels=sorted(set(item.labels)),
            source=item.source,
            note=item.note,
            active=True,
            added_by=actor.user_id,
            added_at=now,
            disabled_reason="",
        )
        for (kind, key), (item, signal, quality) in prepared.items()
        if (kind, key) not in held
    ]
    session.add_all(rows)
    session.flush()
    duplicates = len(items) - len(rows)
    ids = [r.id for r in rows]
    record(
        session,
        actor,
        AuditAction.MEDIA_HASHES_ADDED,
        target_type="media_bank",
        target_ids=[bank.id],
        extra={"added": len(rows), "duplicates": duplicates},
    )
    for i in range(0, len(ids), 1000):
        enqueue(
            session,
            "media.hash.added",
            {"bank": bank.id, "hash_ids": ids[i : i + 1000], "owner": bank.owner_country},
            country=bank.owner_country,
        )
    return rows, duplicates


def do_disable_hash(session: Session, actor: Actor, row: MediaHash, reason: str) -> MediaHash:
    """Disable a hash (it stops matching at once); it stays, with who disabled it and why."""
    if not row.active:
        raise InvalidTransition("media hash", "disabled", "disable")
    row.active, row.changed_by, row.changed_at, row.disabled_reason = False, actor.user_id, utcnow(), reason
    session.flush()
    record(
        session,
        actor,
        AuditAction.MEDIA_HASH_DISABLED,
        target_type="media_hash",
        target_ids=[row.id],
        extra={"reason": reason},
    )
    enqueue(session, "media.hash.disabled", {"bank": row.bank_id, "hash_ids": [row.id]}, country=row.owner_country)
    return row


def do_enable_hash(session: Session, actor: Actor, row: MediaHash) -> MediaHash:
    """Re-enable a disabled hash."""
    if row.active:
        raise InvalidTransition("media hash", "active", "re-enable")
    row.active, row.changed_by, row.changed_at, row.disabled_reason = True, actor.user_id, utcnow(), ""
    session.flush()
    record(session, actor, AuditAction.MEDIA_HASH_ENABLED, target_type="media_hash", target_ids=[row.id])
    enqueue(session, "media.hash.enabled", {"bank": row.bank_id, "hash_ids": [row.id]}, country=row.owner_country)
    return row


def do_log_bank_export(session: Session, actor: Actor, bank: HashBank, count: int, fmt: str) -> None:
    """Audit an export of a bank's hashes."""
    record(
        session,
        actor,
        AuditAction.MEDIA_BANK_EXPORTED,
        target_type="media_bank",
        target_ids=[bank.id],
        extra={"hashes": count, "format": fmt},
    )


def do_record_matches(
    session: Session, actor: Actor, probe: Probe, found: Sequence[Found], context: str
) -> list[MediaMatch]:
    """Record a match request: one report per banked hash matched, raised to the bank's owner (outbox event
    to its country), and the audit event. The probe's hash is kept only where the bank asks for sightings."""
    if not actor.can(Perm.MEDIA_MATCH):
        raise Forbidden("this role may not match media")
    now = utcnow()
    rows = [
        MediaMatch(
            created_at=now,
            querying_country=actor.country,
            querying_user_id=actor.user_id,
            owner_country=f.bank.owner_country,
            bank_id=f.bank.id,
            hash_id=f.hash.id,
            signal_type=f.hash.signal_type,
            distance=f.distance,
            query_share=f.query_share,
            target_share=f.target_share,
            variant=f.variant,
            context=context,
            sighting=probe.sighting if f.bank.keep_sightings else None,
            feedback=Feedback.OPEN.value,
            feedback_note="",
        )
        for f in found
    ]
    session.add_all(rows)
    session.flush()
    record(
        session,
        actor,
        AuditAction.MEDIA_MATCHED,
        target_type="media_match",
        target_ids=[r.id for r in rows],
        query={"kind": probe.kind, "signal_type": str(probe.signal_type)},
        extra={"matches": len(rows)},
    )
    for row in rows:
        enqueue(
            session,
            "media.matched",
            {"id": row.id, "bank": row.bank_id, "owner": row.owner_country, "by": actor.country},
            country=row.owner_country,
        )
    return rows


def do_give_feedback(session: Session, actor: Actor, match: MediaMatch, feedback: str, note: str) -> MediaMatch:
    """The querying member's verdict on a match, returned to the bank owner so bad hashes get fixed."""
    if match.feedback != Feedback.OPEN:
        raise InvalidTransition("media match", match.feedback, "give feedback on")
    match.feedback, match.feedback_note = Feedback(feedback).value, note
    match.feedback_by, match.feedback_at = actor.user_id, utcnow()
    session.flush()
    record(
        session,
        actor,
        AuditAction.MEDIA_MATCH_FEEDBACK,
        target_type="media_match",
        target_ids=[match.id],
        extra={"feedback": match.feedback},
    )
    enqueue(
        session,
        "media.match.feedback",
        {"id": match.id, "bank": match.bank_id, "owner": match.owner_country, "feedback": match.feedback},
        country=match.owner_country,
    )
    return match


def do_log_matches_read(session: Session, actor: Actor, match_ids: Sequence[str], query: dict[str, str]) -> None:
    """Audit a read of match reports (they say who matched what, where)."""
    record(
        session,
        actor,
        AuditAction.MEDIA_MATCHES_VIEWED,
        target_type="media_match",
        target_ids=list(match_ids),
        query=query,
    )
