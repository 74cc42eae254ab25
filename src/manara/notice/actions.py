"""Write path of notices: every lifecycle step is a ``do_*`` action (change + audit + outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manara.audit.actions import AuditAction, record
from manara.crime import CrimeArea, from_offence, normalise
from manara.db.base import utcnow
from manara.entity.access import access_entity_for_write
from manara.entity.actions import Placement, make_placement
from manara.errors import ChecksFailed, Forbidden, InvalidTransition, ValidationFailed
from manara.idempotency import remember, replay
from manara.identity import Actor, Perm
from manara.notice.access import access_notice_by_id
from manara.notice.checks import neutrality_flags, required_failures
from manara.notice.models import Notice, NoticeReview, NoticeShare, NoticeStatus
from manara.notice.schemas import NoticeDetails, NoticeIn, NoticePatch
from manara.notice.service import new_reference
from manara.notice.types import published_on_submit
from manara.outbox.service import enqueue
from manara.visibility import Visibility, replace_shares

EDITABLE = {NoticeStatus.DRAFT, NoticeStatus.REFUSED}
CANCELLABLE = {NoticeStatus.DRAFT, NoticeStatus.SUBMITTED, NoticeStatus.REFUSED, NoticeStatus.PUBLISHED}


def _set_shares(notice: Notice, countries: list[str]) -> None:
    """Replace the share rows of ``notice`` with ``countries``."""
    replace_shares(notice, countries, lambda c: NoticeShare(country=c))


def _emit(session: Session, actor: Actor, action: AuditAction, notice: Notice, **extra: Any) -> None:
    """Audit the action and enqueue ``notice.<verb>`` for the live console and indexes."""
    record(
        session, actor, action, target_type="notice", target_ids=[notice.id], extra={"status": notice.status, **extra}
    )
    payload = {
        "id": notice.id,
        "owner": notice.owner_country,
        "type": notice.type,
        "status": notice.status,
        "under_review": notice.under_review,
        "reference": notice.reference,
        "visibility": notice.visibility,
        "shared_with": list(notice.shared_with),
    }
    enqueue(session, str(action), payload, country=notice.owner_country)


def _require(actor: Actor, perm: Perm) -> None:
    if not actor.can(perm):
        raise Forbidden(f"this role lacks {perm.value}")


def _place(notice: Notice, place: Placement) -> None:
    notice.visibility, notice.review_date = place.visibility.value, place.review_date
    notice.shared_with = list(place.shared_with)
    _set_shares(notice, notice.shared_with)


def _crime_areas(chosen: list[CrimeArea] | None, details: NoticeDetails) -> list[str]:
    """The owner's crime areas, or those recognised in the offence, activity or threat text when none is chosen."""
    if chosen is not None:
        return normalise(a.value for a in chosen)
    return [a.value for a in from_offence(details.offence, details.criminal_activity, details.threat)]


def do_create_notice(session: Session, actor: Actor, data: NoticeIn) -> Notice:
    """Create a draft notice owned by the actor's country."""
    _require(actor, Perm.NOTICE_WRITE)
    if data.subject_id is not None:
        access_entity_for_write(session, actor, data.subject_id)
    place = make_placement(session, actor, data.visibility, list(data.shared_with), data.review_date)
    notice = Notice(
        reference=new_reference(actor.country, data.type.value, utcnow().year),
        type=data.type.value,
        status=NoticeStatus.DRAFT.value,
        owner_country=actor.country,
        subject_id=data.subject_id,
        title=data.title,
        summary=data.summary,
        details=data.details.model_dump(mode="json", exclude_none=True),
        visibility=place.visibility.value,
        shared_with=[],
        review_date=place.review_date,
        checks={},
        created_by=actor.user_id,
        crime_areas=_crime_areas(data.crime_areas, data.details),
        shares=[],
        reviews=[],
    )
    _place(notice, place)
    session.add(notice)
    session.flush()
    _emit(session, actor, AuditAction.NOTICE_CREATED, notice)
    return notice


def do_create_notice_once(session: Session, actor: Actor, data: NoticeIn, idempotency_key: str | None) -> Notice:
    """Create a draft notice; a retry with the same idempotency key returns the first one unchanged."""
    if not idempotency_key:
        return do_create_notice(session, actor, data)
    body = data.model_dump(mode="json")
    previous = replay(session, actor, idempotency_key, body)
    if previous is not None:
        return access_notice_by_id(session, actor, previous)
    try:
        with session.begin_nested():  # a concurrent retry that wins the key undoes this creation
            notice = do_create_notice(session, actor, data)
            remember(session, actor, idempotency_key, body, notice.id)
    except IntegrityError:
        winner = replay(session, actor, idempotency_key, body)
        if winner is None:
            raise
        return access_notice_by_id(session, actor, winner)
    return notice


def do_update_notice(session: Session, actor: Actor, notice: Notice, patch: NoticePatch) -> Notice:
    """Edit a draft or refused notice; a refused notice returns to draft."""
    if notice.status not in EDITABLE:
        raise InvalidTransition("notice", notice.status, "edit")
    fields = patch.model_fields_set
    if "subject_id" in fields and patch.subject_id is not None:
        access_entity_for_write(session, actor, patch.subject_id)
        notice.subject_id = patch.subject_id
    if patch.title is not None:
        notice.title = patch.title
    if patch.summary is not None:
        notice.summary = patch.summary
    if patch.details is not None:
        notice.details = patch.details.model_dump(mode="json", exclude_none=True)
    if patch.crime_areas is not None:
        notice.crime_areas = normalise(a.value for a in patch.crime_areas)
    if fields & {"visibility", "shared_with", "review_date"}:
        place = make_placement(
            session,
            actor,
            Visibility(patch.visibility or notice.visibility),
            list(patch.shared_with if patch.shared_with is not None else notice.shared_with),
            patch.review_date if "review_date" in fields else notice.review_date,
        )
        _place(notice, place)
    notice.status, notice.version = NoticeStatus.DRAFT.value, notice.version + 1
    _emit(session, actor, AuditAction.NOTICE_UPDATED, notice, fields=sorted(fields))
    return notice


def do_submit_notice(session: Session, actor: Actor, notice: Notice) -> Notice:
    """Run the automated checks and send the notice to review (a diffusion is published at once)."""
    if notice.status not in EDITABLE:
        raise InvalidTransition("notice", notice.status, "submit")
    failures = required_failures(notice)
    if failures:
        raise ChecksFailed(failures)
    now = utcnow()
    notice.checks = {"checked_at": now.isoformat(), "failures": [], "flags": neutrality_flags(notice)}
    notice.submitted_at, notice.version = now, notice.version + 1
    if published_on_submit(notice.type):
        notice.status, notice.under_review, notice.published_at = NoticeStatus.PUBLISHED.value, True, now
    else:
        notice.status = NoticeStatus.SUBMITTED.value
    _emit(session, actor, AuditAction.NOTICE_SUBMITTED, notice, flags=len(notice.checks["flags"]))
    return notice


def do_review_notice(session: Session, actor: Actor, notice: Notice, decision: str, reasons: list[str]) -> Notice:
    """Approve (publish or clear) or refuse a notice awaiting review, with reasons."""
    _require(actor, Perm.NOTICE_REVIEW)
    pending_diffusion = notice.status == NoticeStatus.PUBLISHED and notice.under_review
    if notice.status != NoticeStatus.SUBMITTED and not pending_diffusion:
        raise InvalidTransition("notice", notice.status, "review")
    if decision == "refuse" and not reasons:
        raise ValidationFailed("reasons required", [{"field": "reasons", "message": "give the reasons for refusal"}])
    now = utcnow()
    notice.reviews.append(
        NoticeReview(
            reviewer_id=actor.user_id,
            reviewer_country=actor.country,
            decision=decision,
            reasons=reasons,
            created_at=now,
        )
    )
    notice.under_review, notice.version = False, notice.version + 1
    if decision == "refuse":
        notice.status = NoticeStatus.REFUSED.value
        action = AuditAction.NOTICE_REFUSED
    elif pending_diffusion:
        action = AuditAction.NOTICE_CLEARED
    else:
        notice.status, notice.published_at = NoticeStatus.PUBLISHED.value, now
        action = AuditAction.NOTICE_APPROVED
    _emit(session, actor, action, notice, reasons=reasons)
    return notice


def do_cancel_notice(session: Session, actor: Actor, notice: Notice, reason: str) -> Notice:
    """Cancel a notice (the owner withdraws it); cancelled notices vanish from other members."""
    if notice.status not in CANCELLABLE:
        raise InvalidTransition("notice", notice.status, "cancel")
    notice.status, notice.closed_at, notice.close_reason = NoticeStatus.CANCELLED.value, utcnow(), reason
    notice.under_review, notice.version = False, notice.version + 1
    _emit(session, actor, AuditAction.NOTICE_CANCELLED, notice, reason=reason)
    return notice


def do_revalidate_notice(session: Session, actor: Actor, notice: Notice, review_date: Any) -> Notice:
    """Confirm a published (or expired) notice is still valid until a new review date."""
    if notice.status not in {NoticeStatus.PUBLISHED, NoticeStatus.EXPIRED}:
        raise InvalidTransition("notice", notice.status, "revalidate")
    if review_date <= utcnow().date():
        raise ValidationFailed("past review date", [{"field": "review_date", "message": "must be in the future"}])
    notice.review_date, notice.status = review_date, NoticeStatus.PUBLISHED.value
    notice.closed_at, notice.close_reason, notice.version = None, None, notice.version + 1
    _emit(session, actor, AuditAction.NOTICE_REVALIDATED, notice, review_date=review_date.isoformat())
    return notice


def do_expire_notice(session: Session, actor: Actor, notice: Notice) -> Notice:
    """Expire a published notice whose review date has passed without re-validation."""
    notice.status, notice.closed_at = NoticeStatus.EXPIRED.value, utcnow()
    notice.close_reason, notice.version = "review date passed", notice.version + 1
    _emit(session, actor, AuditAction.NOTICE_EXPIRED, notice)
    return notice


# Audited reads (the API and the console log the same events).


def do_log_notice_read(session: Session, actor: Actor, notice: Notice) -> None:
    """Audit the reading of a notice with its subject (the API's detail, the console's page)."""
    record(
        session,
        actor,
        AuditAction.NOTICE_VIEWED,
        target_type="notice",
        target_ids=[notice.id, *([notice.subject_id] if notice.subject_id else [])],
    )


def do_log_notice_search(session: Session, actor: Actor, notice_ids: list[str], query: dict[str, Any]) -> None:
    """Audit a list of notices shown: its filters and the ids of the notices on the page."""
    record(session, actor, AuditAction.NOTICE_SEARCHED, target_type="notice", target_ids=notice_ids, query=query)
