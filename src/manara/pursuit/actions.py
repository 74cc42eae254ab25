"""Write path of pursuits, the treaty registry, coordinated operations and public appeals: every write audited,
with its outbox event (``pursuit.*`` and ``operation.*`` addressed to each member concerned); never commits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.case.access import access_case_by_id
from manara.case.models import CaseMessage
from manara.case.storage import safe_filename, sniff
from manara.db.base import utcnow
from manara.errors import Conflict, Forbidden, InvalidTransition, NotFound, PayloadTooLarge, ValidationFailed
from manara.hit.access import access_hit_by_id, access_hit_for_owner
from manara.hit.models import HitStatus
from manara.identity import Actor, Perm, Role
from manara.member.models import Member
from manara.notice.access import access_notice_for_owner
from manara.notice.models import Notice
from manara.outbox.service import enqueue
from manara.pursuit.lifecycle import DECISIONS, FINAL, check_step
from manara.pursuit.models import (
    Operation,
    OperationMember,
    OperationTarget,
    PublicAppeal,
    PublicTip,
    PublicTipAttachment,
    Pursuit,
    PursuitDocument,
    PursuitMember,
    PursuitState,
    PursuitStep,
    Sighting,
    TargetStatus,
    Treaty,
)
from manara.pursuit.schemas import AppealIn, OperationIn, SightingIn, StepIn, TipIn, TreatyIn
from manara.pursuit.service import PURSUABLE_TYPES, releasable_values, request_deadline
from manara.settings import get_settings
from manara.storage import BlobStore
from manara.visibility import may_see

# The actor of tips sent by the public through an appeal page (no account; recorded in the audit chain as such).
PUBLIC = Actor(user_id="public", username="public", country="ZZ", role=Role.FRONTLINE_OFFICER, scopes=frozenset())
DOCUMENT_KINDS = ("warrant", "extradition_request", "decision", "other")


def _require(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden(f"this role or key lacks {perm.value}")


def _payload(pursuit: Pursuit, **extra: Any) -> dict[str, Any]:
    return {
        "pursuit_id": pursuit.id,
        "owner": pursuit.owner_country,
        "located_by": pursuit.located_by,
        "reference": pursuit.reference,
        "state": pursuit.state,
        "deadline_at": pursuit.deadline_at.isoformat() if pursuit.deadline_at else None,
        **extra,
    }


def notify_parties(session: Session, pursuit: Pursuit, topic: str, payload: dict[str, Any]) -> None:
    """One outbox event per member country of the pursuit, each addressed to it."""
    for member in pursuit.members:
        enqueue(session, topic, payload, country=member.country)


def _check_members(session: Session, notice: Notice, countries: Iterable[str], *, field: str = "members") -> list[str]:
    """Active members that may see the notice; refuse unknown members and those the notice is not shared with."""
    wanted = sorted(set(countries) - {notice.owner_country})
    known = set(session.scalars(select(Member.code).where(Member.code.in_(wanted), Member.active.is_(True))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed("unknown member countries", [{"field": field, "message": f"not members: {unknown}"}])
    blind = [
        c
        for c in wanted
        if not may_see(
            owner=notice.owner_country, visibility=notice.visibility, shared_with=notice.shared_with, country=c
        )
    ]
    if blind:
        problem = {"field": field, "message": f"the notice is not shared with: {blind}"}
        raise ValidationFailed("members the notice is not shared with", [problem])
    return wanted


def _join(pursuit: Pursuit, country: str, role: str) -> bool:
    if any(m.country == country for m in pursuit.members):
        return False
    pursuit.members.append(PursuitMember(country=country, role=role, joined_at=utcnow()))
    return True


def _add_step(session: Session, actor: Actor, pursuit: Pursuit, frm: str | None, to: str, reason: str) -> PursuitStep:
    step = PursuitStep(
        pursuit_id=pursuit.id,
        from_state=frm,
        to_state=to,
        country=actor.country,
        user_id=actor.user_id,
        username=actor.username,
        reason=reason,
        at=utcnow(),
    )
    session.add(step)
    session.flush()
    return step


# -- treaties -------------------------------------------------------------------------------------------------


def do_register_treaty(session: Session, actor: Actor, data: TreatyIn) -> Treaty:
    """Add a treaty to the registry or replace its terms (administrators: member:admin)."""
    _require(actor, Perm.MEMBER_ADMIN)
    treaty = session.get(Treaty, data.id)
    created = treaty is None
    if treaty is None:
        treaty = Treaty(id=data.id)
        session.add(treaty)
    treaty.name, treaty.kind, treaty.parties = data.name, data.kind.value, sorted(data.parties)
    treaty.request_days, treaty.extension_days, treaty.article = data.request_days, data.extension_days, data.article
    treaty.active = True
    session.flush()
    extra = {"created": created, "parties": treaty.parties, "request_days": treaty.request_days}
    record(session, actor, AuditAction.TREATY_REGISTERED, target_type="treaty", target_ids=[treaty.id], extra=extra)
    enqueue(session, "treaty.registered", {"id": treaty.id, "request_days": treaty.request_days})
    return treaty


# -- pursuits -------------------------------------------------------------------------------------------------


def _pursuable(session: Session, actor: Actor, notice_id: str) -> Notice:
    notice = access_notice_for_owner(session, actor, notice_id)
    if notice.type not in PURSUABLE_TYPES:
        raise ValidationFailed(
            "only red notices and diffusions are pursued", [{"field": "notice_id", "message": notice.type}]
        )
    if notice.status != "published":
        raise InvalidTransition("notice", notice.status, "pursue")
    existing = session.scalar(select(Pursuit.id).where(Pursuit.notice_id == notice.id))
    if existing is not None:
        raise Conflict("this notice is already pursued", pursuit_id=existing)
    return notice


def _new_pursuit(session: Session, actor: Actor, notice: Notice, state: PursuitState, **fields: Any) -> Pursuit:
    pursuit = Pursuit(
        notice_id=notice.id,
        reference=notice.reference,
        notice_type=notice.type,
        owner_country=actor.country,
        state=state.value,
        created_by=actor.user_id,
        **fields,
    )
    pursuit.members = [PursuitMember(country=actor.country, role="requesting", joined_at=utcnow())]
    session.add(pursuit)
    session.flush()
    return pursuit


def do_open_pursuit(session: Session, actor: Actor, notice_id: str, members: Sequence[str]) -> Pursuit:
    """Open the pursuit of a published red notice or diffusion of the actor's country, inviting members."""
    _require(actor, Perm.PURSUIT_WRITE)
    notice = _pursuable(session, actor, notice_id)
    invited = _check_members(session, notice, members)
    pursuit = _new_pursuit(session, actor, notice, PursuitState.WANTED)
    for country in invited:
        _join(pursuit, country, "invited")
    _add_step(session, actor, pursuit, None, PursuitState.WANTED.value, "")
    record(
        session,
        actor,
        AuditAction.PURSUIT_OPENED,
        target_type="pursuit",
        target_ids=[pursuit.id],
        extra={"notice_id": notice.id, "members": invited},
    )
    notify_parties(session, pursuit, "pursuit.opened", _payload(pursuit))
    return pursuit


def do_open_pursuit_from_hit(session: Session, actor: Actor, hit_id: str, members: Sequence[str]) -> Pursuit:
    """Open a pursuit from a confirmed hit on a notice of the actor's country: the screening member joins and
    the hit becomes the first sighting (location suspected in that member's territory)."""
    _require(actor, Perm.PURSUIT_WRITE)
    hit = access_hit_for_owner(session, actor, hit_id)
    if hit.target_type != "notice" or hit.status != HitStatus.CONFIRMED:
        raise InvalidTransition("hit", hit.status, "open a pursuit from")
    notice = _pursuable(session, actor, hit.target_id)
    invited = _check_members(session, notice, [hit.querying_country, *members])
    pursuit = _new_pursuit(session, actor, notice, PursuitState.LOCATION_SUSPECTED, hit_id=hit.id)
    for country in invited:
        _join(pursuit, country, "invited")
    _add_step(session, actor, pursuit, None, PursuitState.WANTED.value, "")
    _add_step(
        session, actor, pursuit, PursuitState.WANTED.value, PursuitState.LOCATION_SUSPECTED.value, "confirmed hit"
    )
    session.add(
        Sighting(
            pursuit_id=pursuit.id,
            source="hit",
            source_id=hit.id,
            country=hit.querying_country,
            seen_at=hit.created_at,
            reported_by=actor.country,
            user_id=actor.user_id,
        )
    )
    record(
        session,
        actor,
        AuditAction.PURSUIT_OPENED,
        target_type="pursuit",
        target_ids=[pursuit.id],
        extra={"notice_id": notice.id, "hit_id": hit.id, "members": invited},
    )
    notify_parties(session, pursuit, "pursuit.opened", _payload(pursuit, hit_id=hit.id))
    return pursuit


def do_step(session: Session, actor: Actor, pursuit: Pursuit, data: StepIn) -> PursuitStep:
    """Take one step of the lifecycle, if it follows the current state and the actor's member is entitled to it.

    A provisional arrest starts the deadline of the extradition request (arrest time + the days of the treaty
    binding both members, or the configured default); the request stops it; a final state closes the pursuit."""
    _require(actor, Perm.PURSUIT_WRITE)
    to = PursuitState(data.to)
    check_step(pursuit, actor, to, data.reason)
    now = utcnow()
    at = data.at or now
    if at > now + timedelta(minutes=5):
        raise ValidationFailed("the step's time is in the future", [{"field": "at", "message": at.isoformat()}])
    frm = pursuit.state
    if to == PursuitState.LOCATION_SUSPECTED and data.country:
        notice = session.get(Notice, pursuit.notice_id)
        assert notice is not None
        for country in _check_members(session, notice, [data.country], field="country"):
            _join(pursuit, country, "invited")
    if to == PursuitState.LOCATED:
        pursuit.located_by = actor.country
        _join(pursuit, actor.country, "located")
    if to == PursuitState.LOCATION_SUSPECTED and frm == PursuitState.LOCATED:
        pursuit.located_by = None
    if to == PursuitState.PROVISIONAL_ARREST:
        assert pursuit.located_by is not None
        deadline = request_deadline(session, pursuit.owner_country, pursuit.located_by)
        pursuit.arrested_at = at
        pursuit.deadline_at = at + timedelta(days=deadline.days)
        pursuit.treaty_id = deadline.treaty.id if deadline.treaty else None
        pursuit.deadline_default = deadline.default
        pursuit.extended_days = 0
    if to in (PursuitState.EXTRADITION_REQUESTED, *FINAL):
        pursuit.deadline_at = None
    if to in FINAL:
        pursuit.closed_at = now
    pursuit.state = to.value
    pursuit.updated_at = now
    step = _add_step(session, actor, pursuit, frm, to.value, data.reason)
    extra: dict[str, Any] = {"from": frm, "to": to.value}
    if to == PursuitState.PROVISIONAL_ARREST:
        extra |= {
            "treaty_id": pursuit.treaty_id,
            "deadline_at": pursuit.deadline_at.isoformat() if pursuit.deadline_at else None,
        }
    record(session, actor, AuditAction.PURSUIT_STEPPED, target_type="pursuit", target_ids=[pursuit.id], extra=extra)
    topic = "pursuit.decided" if to in DECISIONS else "pursuit.stepped"
    notify_parties(session, pursuit, topic, _payload(pursuit, previous=frm, country=actor.country))
    return step


def do_extend_deadline(session: Session, actor: Actor, pursuit: Pursuit, days: int, reason: str) -> Pursuit:
    """The requested (locating) member extends a provisional arrest's deadline within the treaty's extension
    (e.g. the European Convention's art. 16(4): 18 days, up to 40)."""
    _require(actor, Perm.PURSUIT_WRITE)
    if pursuit.state != PursuitState.PROVISIONAL_ARREST or pursuit.deadline_at is None:
        raise InvalidTransition("pursuit", pursuit.state, "extend the deadline of")
    if actor.country != pursuit.located_by:
        raise NotFound("pursuit_step", f"{pursuit.id}/extend")
    treaty = session.get(Treaty, pursuit.treaty_id) if pursuit.treaty_id else None
    room = (treaty.extension_days if treaty else 0) - pursuit.extended_days
    if days > room:
        problem = {"field": "days", "message": f"at most {max(room, 0)} more days under the applicable treaty"}
        raise ValidationFailed("extension beyond the treaty's limit", [problem])
    pursuit.deadline_at = pursuit.deadline_at + timedelta(days=days)
    pursuit.extended_days += days
    pursuit.updated_at = utcnow()
    _add_step(
        session, actor, pursuit, pursuit.state, pursuit.state, f"deadline extended by {days} days. {reason}".strip()
    )
    record(
        session,
        actor,
        AuditAction.PURSUIT_STEPPED,
        target_type="pursuit",
        target_ids=[pursuit.id],
        extra={"extended_days": days, "deadline_at": pursuit.deadline_at.isoformat()},
    )
    notify_parties(
        session, pursuit, "pursuit.stepped", _payload(pursuit, previous=pursuit.state, country=actor.country)
    )
    return pursuit


def _check_source(session: Session, actor: Actor, data: SightingIn) -> None:
    """A linked hit or case message must be one the actor may see (404 otherwise)."""
    if data.source == "hit" and data.source_id:
        access_hit_by_id(session, actor, data.source_id)
    if data.source == "case_message" and data.source_id:
        message = session.get(CaseMessage, data.source_id)
        if message is None:
            raise NotFound("case_message", data.source_id)
        access_case_by_id(session, actor, message.case_id)


def do_add_sighting(session: Session, actor: Actor, pursuit: Pursuit, data: SightingIn) -> Sighting:
    """Add a sighting to a pursuit's timeline and map."""
    _require(actor, Perm.PURSUIT_WRITE)
    if pursuit.state in FINAL:
        raise InvalidTransition("pursuit", pursuit.state, "add a sighting to")
    if data.seen_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed("the sighting is in the future", [{"field": "seen_at", "message": "in the future"}])
    _check_source(session, actor, data)
    known = session.scalar(select(Member.code).where(Member.code == data.country))
    if known is None:
        raise ValidationFailed("unknown member country", [{"field": "country", "message": data.country}])
    sighting = Sighting(
        pursuit_id=pursuit.id,
        source=data.source,
        source_id=data.source_id,
        country=data.country,
        place=data.place,
        lat=data.lat,
        lon=data.lon,
        seen_at=data.seen_at,
        note=data.note,
        reported_by=actor.country,
        user_id=actor.user_id,
    )
    session.add(sighting)
    pursuit.updated_at = utcnow()
    session.flush()
    extra = {"source": data.source, "source_id": data.source_id, "country": data.country}
    record(
        session, actor, AuditAction.PURSUIT_SIGHTING_ADDED, target_type="pursuit", target_ids=[pursuit.id], extra=extra
    )
    notify_parties(session, pursuit, "pursuit.sighting", _payload(pursuit, country=data.country))
    return sighting


def do_attach_document(
    session: Session,
    actor: Actor,
    pursuit: Pursuit,
    store: BlobStore,
    *,
    filename: str,
    data: bytes,
    kind: str,
) -> PursuitDocument:
    """Attach a document (warrant, extradition request, decision) to the pursuit's latest step."""
    _require(actor, Perm.PURSUIT_WRITE)
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed("unknown document kind", [{"field": "kind", "message": f"one of {DOCUMENT_KINDS}"}])
    limit = get_settings().case_attachment_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"the file exceeds {limit} bytes", limit=limit)
    name = safe_filename(filename)
    last = session.scalar(
        select(PursuitStep.seq).where(PursuitStep.pursuit_id == pursuit.id).order_by(PursuitStep.seq.desc())
    )
    doc = PursuitDocument(
        pursuit_id=pursuit.id,
        step_seq=last,
        kind=kind,
        filename=name,
        content_type=sniff(name, data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        country=actor.country,
        user_id=actor.user_id,
    )
    session.add(doc)
    session.flush()
    store.put(doc.id, data)  # a rolled-back transaction leaves an orphan file, never a row without its bytes
    record(
        session,
        actor,
        AuditAction.PURSUIT_DOCUMENT_ADDED,
        target_type="pursuit_document",
        target_ids=[doc.id],
        extra={"pursuit_id": pursuit.id, "kind": kind, "size": doc.size, "sha256": doc.sha256},
    )
    notify_parties(session, pursuit, "pursuit.document", _payload(pursuit, kind=kind, country=actor.country))
    return doc


def do_log_pursuit_read(session: Session, actor: Actor, pursuit: Pursuit, part: str) -> None:
    """Audit a read of a pursuit (its particulars, timeline and documents list)."""
    record(
        session, actor, AuditAction.PURSUIT_VIEWED, target_type="pursuit", target_ids=[pursuit.id], extra={"part": part}
    )


def do_log_pursuits_listed(session: Session, actor: Actor, ids: Iterable[str], query: dict[str, Any]) -> None:
    """Audit a list of pursuits."""
    record(session, actor, AuditAction.PURSUIT_LISTED, target_type="pursuit", target_ids=list(ids), query=query)


def do_log_document_download(session: Session, actor: Actor, doc: PursuitDocument) -> None:
    """Audit a document download."""
    record(
        session,
        actor,
        AuditAction.PURSUIT_DOCUMENT_DOWNLOADED,
        target_type="pursuit_document",
        target_ids=[doc.id],
        extra={"pursuit_id": doc.pursuit_id, "sha256": doc.sha256},
    )


# -- operations -----------------------------------------------------------------------------------------------


def _active_members(session: Session, countries: Iterable[str], field: str) -> list[str]:
    wanted = sorted(set(countries))
    known = set(session.scalars(select(Member.code).where(Member.code.in_(wanted), Member.active.is_(True))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed("unknown member countries", [{"field": field, "message": f"not members: {unknown}"}])
    return wanted


def do_create_operation(session: Session, actor: Actor, data: OperationIn) -> Operation:
    """Create an operation led by the actor's country (or the coordination centre's) with its participants."""
    _require(actor, Perm.PURSUIT_WRITE)
    if session.scalar(
        select(Operation.id).where(Operation.owner_country == actor.country, Operation.code == data.code)
    ):
        raise Conflict("an operation with this code exists", code=data.code)
    participants = [c for c in _active_members(session, data.participants, "participants") if c != actor.country]
    op = Operation(
        code=data.code,
        name=data.name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        status="active",
        owner_country=actor.country,
        created_by=actor.user_id,
        version=0,
    )
    op.members = [OperationMember(country=c) for c in participants]
    session.add(op)
    session.flush()
    record(
        session,
        actor,
        AuditAction.OPERATION_CREATED,
        target_type="operation",
        target_ids=[op.id],
        extra={"code": op.code, "participants": participants},
    )
    _notify_operation(
        session, op, "operation.created", {"operation_id": op.id, "code": op.code, "owner": op.owner_country}
    )
    return op


def _notify_operation(session: Session, op: Operation, topic: str, payload: dict[str, Any]) -> None:
    for country in {op.owner_country, *(m.country for m in op.members)}:
        enqueue(session, topic, payload, country=country)


def _bump(session: Session, op: Operation) -> None:
    """Advance the operation's version in the database (open boards compare it to know they are stale)."""
    session.execute(
        update(Operation).where(Operation.id == op.id).values(version=Operation.version + 1, updated_at=utcnow())
    )
    session.refresh(op, ["version"])


@dataclass(frozen=True)
class NewTarget:
    """A target to add: resolved notice, responsible participant, where it came from."""

    notice: Notice
    responsible_country: str
    source: str = "manual"
    source_id: str | None = None
    note: str = ""


def do_add_targets(session: Session, actor: Actor, op: Operation, targets: Sequence[NewTarget]) -> tuple[int, int]:
    """Add targets to an operation the actor's country leads (notices already listed are skipped); return
    (added, skipped). Each notice must be visible to the leader and to the responsible participant."""
    _require(actor, Perm.PURSUIT_WRITE)
    if op.status != "active":
        raise InvalidTransition("operation", op.status, "add targets to")
    members = {op.owner_country, *(m.country for m in op.members)}
    existing = set(session.scalars(select(OperationTarget.notice_id).where(OperationTarget.operation_id == op.id)))
    added, skipped, now = 0, 0, utcnow()
    for t in targets:
        if t.responsible_country not in members:
            problem = {"field": "responsible_country", "message": f"{t.responsible_country} is not a participant"}
            raise ValidationFailed("responsible country is not a participant", [problem])
        n = t.notice
        if not may_see(
            owner=n.owner_country, visibility=n.visibility, shared_with=n.shared_with, country=t.responsible_country
        ):
            problem = {"field": "notice_id", "message": f"{n.reference} is not shared with {t.responsible_country}"}
            raise ValidationFailed("notice not shared with the responsible participant", [problem])
        if n.id in existing:
            skipped += 1
            continue
        existing.add(n.id)
        session.add(
            OperationTarget(
                operation_id=op.id,
                notice_id=n.id,
                reference=n.reference,
                notice_owner=n.owner_country,
                responsible_country=t.responsible_country,
                status=TargetStatus.SOUGHT.value,
                source=t.source,
                source_id=t.source_id,
                note=t.note,
                created_at=now,
                updated_at=now,
            )
        )
        added += 1
    session.flush()
    if added:
        _bump(session, op)
    record(
        session,
        actor,
        AuditAction.OPERATION_TARGETS_ADDED,
        target_type="operation",
        target_ids=[op.id],
        extra={"added": added, "skipped": skipped, "sources": sorted({t.source for t in targets})},
    )
    _notify_operation(
        session, op, "operation.targets_added", {"operation_id": op.id, "added": added, "version": op.version}
    )
    return added, skipped


def do_update_target(
    session: Session,
    actor: Actor,
    op: Operation,
    target: OperationTarget,
    status: TargetStatus,
    *,
    note: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> OperationTarget:
    """A participant updates one of its own targets; arrests are timestamped (the board's "arrests today")."""
    _require(actor, Perm.PURSUIT_WRITE)
    if op.status != "active":
        raise InvalidTransition("operation", op.status, "update targets of")
    if target.responsible_country != actor.country:
        raise NotFound("target", target.id)
    if (lat is None) != (lon is None):
        raise ValidationFailed("give both lat and lon, or neither", [{"field": "lat", "message": "incomplete"}])
    now = utcnow()
    previous = target.status
    target.status = status.value
    target.updated_at = now
    if status == TargetStatus.ARRESTED and previous != TargetStatus.ARRESTED:
        target.arrested_at = now
    elif status != TargetStatus.ARRESTED:
        target.arrested_at = None
    if note is not None:
        target.note = note
    if lat is not None:
        target.lat, target.lon = lat, lon
    session.flush()
    _bump(session, op)
    record(
        session,
        actor,
        AuditAction.OPERATION_TARGET_UPDATED,
        target_type="operation_target",
        target_ids=[target.id],
        extra={"operation_id": op.id, "from": previous, "to": status.value},
    )
    payload = {
        "operation_id": op.id,
        "code": op.code,
        "country": actor.country,
        "status": status.value,
        "version": op.version,
    }
    _notify_operation(session, op, "operation.target_updated", payload)
    return target


def do_close_operation(session: Session, actor: Actor, op: Operation) -> Operation:
    """The leading member closes an operation (its board stays readable)."""
    _require(actor, Perm.PURSUIT_WRITE)
    if op.status != "active":
        raise InvalidTransition("operation", op.status, "close")
    op.status = "closed"
    session.flush()
    _bump(session, op)
    record(
        session,
        actor,
        AuditAction.OPERATION_UPDATED,
        target_type="operation",
        target_ids=[op.id],
        extra={"status": "closed"},
    )
    _notify_operation(session, op, "operation.closed", {"operation_id": op.id, "code": op.code, "version": op.version})
    return op


def do_log_operation_read(
    session: Session, actor: Actor, op: Operation, part: str, target_ids: Iterable[str] = ()
) -> None:
    """Audit a read of an operation's board, targets or situation report."""
    record(
        session,
        actor,
        AuditAction.OPERATION_VIEWED,
        target_type="operation",
        target_ids=[op.id, *target_ids],
        extra={"part": part},
    )


# -- public appeals -------------------------------------------------------------------------------------------


def do_publish_appeal(session: Session, actor: Actor, data: AppealIn) -> PublicAppeal:
    """The notice owner opts a published red notice or diffusion into a public appeal, releasing only the
    selected fields (a snapshot: later edits of the notice are not published until the appeal is renewed)."""
    _require(actor, Perm.PURSUIT_WRITE)
    notice = access_notice_for_owner(session, actor, data.notice_id)
    if notice.type not in PURSUABLE_TYPES or notice.status != "published":
        raise InvalidTransition("notice", f"{notice.type}/{notice.status}", "publish an appeal for")
    values = releasable_values(session, notice)
    released = {f: values[f] for f in data.fields if f != "description" and values.get(f)}
    if "description" in data.fields and data.description:
        released["description"] = data.description
    if not released:
        raise ValidationFailed("nothing to release", [{"field": "fields", "message": "the selected fields are empty"}])
    appeal = session.scalar(select(PublicAppeal).where(PublicAppeal.notice_id == notice.id))
    if appeal is not None and appeal.active:
        raise Conflict("this notice already has a public appeal", appeal_id=appeal.id)
    if appeal is None:
        appeal = PublicAppeal(notice_id=notice.id, owner_country=actor.country, created_by=actor.user_id)
        session.add(appeal)
    appeal.released, appeal.active, appeal.withdrawn_at, appeal.created_at = released, True, None, utcnow()
    session.flush()
    record(
        session,
        actor,
        AuditAction.APPEAL_PUBLISHED,
        target_type="appeal",
        target_ids=[appeal.id],
        extra={"notice_id": notice.id, "fields": sorted(released)},
    )
    enqueue(session, "appeal.published", {"appeal_id": appeal.id, "owner": actor.country}, country=actor.country)
    return appeal


def do_withdraw_appeal(session: Session, actor: Actor, appeal: PublicAppeal) -> PublicAppeal:
    """The owner takes an appeal off the public pages."""
    _require(actor, Perm.PURSUIT_WRITE)
    if not appeal.active:
        raise InvalidTransition("appeal", "withdrawn", "withdraw")
    appeal.active, appeal.withdrawn_at = False, utcnow()
    record(session, actor, AuditAction.APPEAL_WITHDRAWN, target_type="appeal", target_ids=[appeal.id])
    enqueue(
        session,
        "appeal.withdrawn",
        {"appeal_id": appeal.id, "owner": appeal.owner_country},
        country=appeal.owner_country,
    )
    return appeal


@dataclass(frozen=True)
class TipFile:
    """A file sent with a tip."""

    filename: str
    data: bytes


def do_receive_tip(
    session: Session,
    appeal: PublicAppeal,
    data: TipIn,
    client_key: str,
    store: BlobStore,
    files: Sequence[TipFile] = (),
) -> PublicTip:
    """Keep a tip sent by the public for the appeal's owner (its queue); attachments kept as opaque bytes."""
    settings = get_settings()
    if len(data.body) > settings.tip_max_chars:
        raise PayloadTooLarge(f"the tip exceeds {settings.tip_max_chars} characters", limit=settings.tip_max_chars)
    if len(files) > 3:
        raise ValidationFailed("at most 3 files", [{"field": "files", "message": "too many files"}])
    for f in files:
        if len(f.data) > settings.tip_attachment_max_bytes:
            raise PayloadTooLarge("a file is too large", limit=settings.tip_attachment_max_bytes)
    tip = PublicTip(
        appeal_id=appeal.id,
        owner_country=appeal.owner_country,
        body=data.body,
        contact=data.contact or None,
        language=data.language,
        client_key=client_key,
        created_at=utcnow(),
    )
    session.add(tip)
    session.flush()
    for f in files:
        if not f.data:
            continue
        name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in f.filename)[-100:] or "file"
        att = PublicTipAttachment(
            tip_id=tip.id, filename=name + ".bin", size=len(f.data), sha256=hashlib.sha256(f.data).hexdigest()
        )
        tip.attachments.append(att)
        session.flush()
        store.put(att.id, f.data)
    record(
        session,
        PUBLIC,
        AuditAction.APPEAL_TIP_RECEIVED,
        target_type="tip",
        target_ids=[tip.id],
        extra={"appeal_id": appeal.id, "owner": appeal.owner_country, "files": len(tip.attachments)},
    )
    enqueue(
        session,
        "appeal.tip",
        {"appeal_id": appeal.id, "tip_id": tip.id, "owner": appeal.owner_country},
        country=appeal.owner_country,
    )
    return tip


def do_log_tips_read(session: Session, actor: Actor, tip_ids: Iterable[str]) -> None:
    """Audit a read of tips (they may hold a tipster's contact data)."""
    record(session, actor, AuditAction.APPEAL_TIPS_VIEWED, target_type="tip", target_ids=list(tip_ids))


def do_purge_tip_contacts(session: Session, actor: Actor, now: datetime | None = None) -> int:
    """Clear tipsters' contact data older than MANARA_TIP_RETENTION_DAYS; return how many tips were purged."""
    now = now or utcnow()
    cutoff = now - timedelta(days=get_settings().tip_retention_days)
    tips = list(
        session.scalars(select(PublicTip).where(PublicTip.created_at < cutoff, PublicTip.contact_purged_at.is_(None)))
    )
    for tip in tips:
        tip.contact = None
        tip.client_key = "purged"
        tip.contact_purged_at = now
    if tips:
        record(
            session,
            actor,
            AuditAction.APPEAL_TIPS_PURGED,
            target_type="tip",
            target_ids=[t.id for t in tips],
            extra={"cutoff": cutoff.isoformat()},
        )
    return len(tips)
