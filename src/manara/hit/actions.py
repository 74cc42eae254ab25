"""Write path of hits: raise, acknowledge, judge (change + audit + outbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.db.base import utcnow
from manara.errors import InvalidTransition, ValidationFailed
from manara.hit.models import JUDGEMENTS, Hit, HitStatus
from manara.identity import Actor
from manara.notice.types import NoticeType, type_info
from manara.outbox.service import enqueue
from manara.settings import get_settings

OPEN_STATES = (HitStatus.OPEN.value, HitStatus.ACKNOWLEDGED.value)


@dataclass(frozen=True)
class HitCandidate:
    """A matched record of another member, as the screening service found it."""

    target_type: str
    target_id: str
    owner_country: str
    notice_type: str
    algorithm: str
    score: float
    threshold: float
    features: dict[str, Any]
    explanation: str


def _emit(session: Session, actor: Actor, action: AuditAction, hit: Hit, **extra: Any) -> None:
    record(
        session,
        actor,
        action,
        target_type="hit",
        target_ids=[hit.id, hit.target_id],
        extra={"status": hit.status, **extra},
    )
    payload = {
        "id": hit.id,
        "owner": hit.owner_country,
        "querying": hit.querying_country,
        "status": hit.status,
        "target_type": hit.target_type,
        "target_id": hit.target_id,
        "notice_type": hit.notice_type,
        "deadline_at": hit.deadline_at.isoformat(),
    }
    enqueue(session, str(action), payload, country=hit.owner_country)


DOCUMENT_DEADLINE = timedelta(minutes=60)  # a travel document reported stolen or lost (``document``)


def deadline_for(notice_type: str) -> timedelta:
    """Return how long the owner has to answer a hit on a record of this type.

    ``MANARA_HIT_DEADLINE_MINUTES`` overrides a type's default: the registry's ``hit_deadline`` for a
    notice type, ``DOCUMENT_DEADLINE`` for a travel document, that of a blue notice for any other record
    (a biometric template without a notice).
    """
    override = get_settings().hit_deadline_minutes.get(notice_type)
    if override is not None:
        return timedelta(minutes=override)
    if notice_type == "document":
        return DOCUMENT_DEADLINE
    info = type_info(notice_type)
    return deadline_for(NoticeType.BLUE) if info is None else info.hit_deadline


def do_raise_hit(
    session: Session, actor: Actor, candidate: HitCandidate, *, fingerprint: str, query: dict[str, Any]
) -> Hit | None:
    """Raise a hit to the record's owner; None when this subject was already judged not to be the record.

    An unanswered hit for the same pair is returned instead of raising a duplicate.
    """
    stmt = select(Hit).where(Hit.target_id == candidate.target_id, Hit.query_fingerprint == fingerprint)
    previous = session.scalars(stmt).all()
    if any(h.status == HitStatus.REJECTED for h in previous):
        return None
    pending = [h for h in previous if h.status in OPEN_STATES and h.querying_country == actor.country]
    if pending:
        return pending[0]
    now = utcnow()
    hit = Hit(
        querying_country=actor.country,
        querying_user_id=actor.user_id,
        owner_country=candidate.owner_country,
        target_type=candidate.target_type,
        target_id=candidate.target_id,
        notice_type=candidate.notice_type,
        query_fingerprint=fingerprint,
        query=query,
        algorithm=candidate.algorithm,
        score=candidate.score,
        threshold=candidate.threshold,
        features=candidate.features,
        explanation=candidate.explanation,
        status=HitStatus.OPEN.value,
        created_at=now,
        deadline_at=now + deadline_for(candidate.notice_type),
    )
    session.add(hit)
    session.flush()
    _emit(session, actor, AuditAction.HIT_RAISED, hit, score=round(candidate.score, 4))
    return hit


def do_acknowledge_hit(session: Session, actor: Actor, hit: Hit) -> Hit:
    """The owner confirms it has seen the hit and is working on it (distinct from judging it)."""
    if hit.status != HitStatus.OPEN:
        raise InvalidTransition("hit", hit.status, "acknowledge")
    hit.status, hit.acknowledged_at, hit.acknowledged_by = HitStatus.ACKNOWLEDGED.value, utcnow(), actor.user_id
    _emit(session, actor, AuditAction.HIT_ACKNOWLEDGED, hit)
    return hit


def do_judge_hit(session: Session, actor: Actor, hit: Hit, judgement: str, note: str) -> Hit:
    """The owner records whether the screened subject is the record's subject."""
    if judgement not in JUDGEMENTS:
        raise ValidationFailed("invalid judgement", [{"field": "judgement", "message": f"one of {list(JUDGEMENTS)}"}])
    if hit.status not in OPEN_STATES:
        raise InvalidTransition("hit", hit.status, "judge")
    now = utcnow()
    if hit.acknowledged_at is None:
        hit.acknowledged_at, hit.acknowledged_by = now, actor.user_id
    hit.status, hit.judged_at, hit.judged_by, hit.judgement_note = judgement, now, actor.user_id, note
    _emit(session, actor, AuditAction.HIT_JUDGED, hit, judgement=judgement)
    return hit


def do_log_hits_read(session: Session, actor: Actor, hit_ids: list[str], query: dict[str, Any] | None = None) -> None:
    """Audit hits shown: one hit, or a list with its filters (the API's and the console's inbox)."""
    record(session, actor, AuditAction.HIT_VIEWED, target_type="hit", target_ids=hit_ids, query=query)
