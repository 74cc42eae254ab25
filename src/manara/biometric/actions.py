"""Write path of biometrics: enrol, delete, record an examiner's decision (change + audit + outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.biometric.access import SearchedCandidate
from manara.biometric.engines import BiometricEngine, Template
from manara.biometric.models import BiometricTemplate, BiometricVerification, Decision
from manara.biometric.storage import ImageStore
from manara.db.base import new_id
from manara.entity.models import Entity
from manara.errors import Conflict
from manara.hit.actions import HitCandidate, do_raise_hit
from manara.idempotency import remember, replay
from manara.identity import Actor
from manara.notice.models import Notice
from manara.outbox.service import enqueue


def do_enrol_template(
    session: Session,
    actor: Actor,
    subject: Entity,
    engine: BiometricEngine,
    template: Template,
    *,
    notice: Notice | None = None,
    original: bytes | None = None,
    store: ImageStore | None = None,
    finger_position: int | None = None,
) -> BiometricTemplate:
    """Store a template for a subject the actor's country owns; keep the original only if given a store."""
    row = BiometricTemplate(
        id=new_id(),
        owner_country=actor.country,
        subject_pk=subject.id,
        notice_id=notice.id if notice else None,
        modality=str(engine.modality),
        engine=engine.name,
        template_version=engine.template_version,
        vector=template.to_bytes(),
        quality=template.quality,
        warnings=list(template.warnings),
        visibility=subject.visibility,
        shared_with=list(subject.shared_with),
        created_by=actor.user_id,
        finger_position=finger_position,
    )
    if original is not None:
        if store is None:
            raise Conflict("keeping original images is disabled on this server (MANARA_BIOMETRIC_STORE_ORIGINALS)")
        row.original_key = row.id
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        AuditAction.BIOMETRIC_ENROLLED,
        target_type="biometric_template",
        target_ids=[row.id, subject.id],
        extra={"modality": row.modality, "engine": row.engine, "original_kept": original is not None},
    )
    enqueue(session, "biometric.enrolled", {"id": row.id, "subject": subject.id}, country=actor.country)
    if original is not None and store is not None:  # last: a failure above leaves no file behind
        store.put(row.id, original)
    return row


def do_enrol_template_once(
    session: Session,
    actor: Actor,
    subject: Entity,
    engine: BiometricEngine,
    template: Template,
    *,
    idempotency_key: str | None,
    request: dict[str, Any],
    notice: Notice | None = None,
    original: bytes | None = None,
    store: ImageStore | None = None,
    finger_position: int | None = None,
) -> BiometricTemplate:
    """Enrol a template; a retry with the same idempotency key (and the same ``request``: subject, image
    digest, options) returns the first template instead of enrolling it twice, e.g. after the client lost the
    answer to a server that crashed once the enrolment had committed."""

    def enrol() -> BiometricTemplate:
        return do_enrol_template(
            session,
            actor,
            subject,
            engine,
            template,
            notice=notice,
            original=original,
            store=store,
            finger_position=finger_position,
        )

    if not idempotency_key:
        return enrol()

    def first(template_id: str) -> BiometricTemplate:
        row = session.get(BiometricTemplate, template_id)
        if row is None or row.owner_country != actor.country:
            raise Conflict("Idempotency-Key already used for an enrolment that was deleted since", key=idempotency_key)
        return row

    previous = replay(session, actor, idempotency_key, request)
    if previous is not None:
        return first(previous)
    try:
        with session.begin_nested():  # a concurrent retry that wins the key undoes this enrolment
            row = enrol()
            remember(session, actor, idempotency_key, request, row.id)
    except IntegrityError:
        winner = replay(session, actor, idempotency_key, request)
        if winner is None:
            raise
        return first(winner)
    return row


def do_delete_template(session: Session, actor: Actor, template: BiometricTemplate, store: ImageStore) -> None:
    """Withdraw a template (and its original image, if kept)."""
    record(
        session,
        actor,
        AuditAction.BIOMETRIC_DELETED,
        target_type="biometric_template",
        target_ids=[template.id, template.subject_pk],
        extra={"modality": template.modality},
    )
    enqueue(session, "biometric.deleted", {"id": template.id}, country=actor.country)
    key = template.original_key
    session.delete(template)
    session.flush()
    if key is not None:
        store.delete(key)


def do_verify_candidate(
    session: Session,
    actor: Actor,
    template: BiometricTemplate,
    decision: Decision,
    *,
    searched: SearchedCandidate,
    note: str,
    notice_type: str,
) -> BiometricVerification:
    """Record an examiner's decision on a candidate of their search; a potential candidate of another member
    raises a hit to it, with the score and threshold the search recorded. Once per (search, template)."""
    exists = select(BiometricVerification.id).where(
        BiometricVerification.search_seq == searched.search_seq, BiometricVerification.template_id == template.id
    )
    if session.scalar(exists) is not None:
        raise Conflict("this candidate of this search was already decided", search_id=searched.search_seq)
    score = searched.score
    verification = BiometricVerification(
        id=new_id(),
        template_id=template.id,
        country=actor.country,
        examiner_id=actor.user_id,
        decision=decision.value,
        score=score,
        note=note,
        search_seq=searched.search_seq,
    )
    session.add(verification)
    if decision == Decision.POTENTIAL_CANDIDATE and template.owner_country != actor.country:
        candidate = HitCandidate(
            target_type="biometric",
            target_id=template.id,
            owner_country=template.owner_country,
            notice_type=notice_type,
            algorithm=f"{template.engine}@{template.template_version}",
            score=score,
            threshold=searched.threshold,
            features={"modality": template.modality, "examiner_decision": decision.value},
            explanation=f"An examiner of {actor.country} found this {template.modality} template a potential "
            "candidate for a person they searched.",
        )
        # The probe is gone: each decision is its own query, so the fingerprint is the verification id.
        hit = do_raise_hit(
            session,
            actor,
            candidate,
            fingerprint=verification.id,
            query={"modality": template.modality, "verification_id": verification.id, "search_id": searched.search_seq},
        )
        verification.hit_id = hit.id if hit is not None else None
    session.flush()
    record(
        session,
        actor,
        AuditAction.BIOMETRIC_VERIFIED,
        target_type="biometric_template",
        target_ids=[template.id, verification.id],
        extra={"decision": decision.value, "hit_id": verification.hit_id, "search_id": searched.search_seq},
    )
    return verification


# Audited reads: the probe is never recorded, only the modality and what was returned.


def do_log_biometric_search(
    session: Session, actor: Actor, modality: str, template_ids: list[str], scores: list[float], threshold: float
) -> int | None:
    """Audit a 1:N search: its modality, the templates it returned with their scores, and the threshold;
    return the event's ``seq``, the search's id (decisions on its candidates refer to it)."""
    event = record(
        session,
        actor,
        AuditAction.BIOMETRIC_SEARCHED,
        target_type="biometric_template",
        target_ids=template_ids,
        extra={"modality": modality, "scores": scores, "threshold": threshold},
    )
    return event.seq


def do_log_template_read(session: Session, actor: Actor, template: BiometricTemplate) -> None:
    """Audit the reading of an enrolled template's metadata."""
    record(
        session,
        actor,
        AuditAction.BIOMETRIC_TEMPLATE_VIEWED,
        target_type="biometric_template",
        target_ids=[template.id],
    )
