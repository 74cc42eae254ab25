"""Plain builders shared by the domain tests (not fixtures): entities and notices in a given state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from conftest import person
from manara.audit.models import AuditEvent
from manara.entity.actions import do_upsert_entities, make_placement
from manara.entity.ftm import validate_entity
from manara.entity.models import Entity
from manara.entity.service import get_by_natural_key
from manara.identity import Actor
from manara.notice import actions as notice_actions
from manara.notice.models import Notice
from manara.notice.schemas import NoticeIn
from manara.outbox.models import OutboxEvent
from manara.visibility import Visibility


def red_details(**over: Any) -> dict[str, Any]:
    """Return complete particulars of a red notice."""
    details: dict[str, Any] = {
        "offence": "Armed robbery",
        "facts": "Robbed a bank in Casablanca on 3 March 2024.",
        "legal_provision": "Penal Code art. 400",
        "max_penalty_years": 20,
        "warrant_reference": "W-2024-17",
        "issuing_authority": "Casablanca court of first instance",
        "extradition_countries": ["FR", "EG"],
    }
    details.update(over)
    return details


def make_entity(
    session: Session,
    actor: Actor,
    entity_id: str = "p1",
    name: str = "Karim Benali",
    *,
    visibility: str = "owner",
    shared: tuple[str, ...] = (),
) -> Entity:
    """Submit (upsert) one Person of the actor's country and return its row."""
    place = make_placement(session, actor, Visibility(visibility), list(shared), None)
    do_upsert_entities(session, actor, [validate_entity(person(entity_id, name))], place)
    session.commit()  # to the test's SAVEPOINT: a failing request's rollback must not undo it
    entity = get_by_natural_key(session, actor.country, entity_id)
    assert entity is not None
    return entity


def make_notice(
    session: Session,
    owner: Actor,
    *,
    status: str = "draft",
    ntype: str = "red",
    title: str = "Wanted: Karim Benali",
    visibility: str = "all",
    shared: tuple[str, ...] = (),
    reviewer: Actor | None = None,
    **details: Any,
) -> Notice:
    """Create a notice of ``owner``'s country and drive it to ``status`` (draft, submitted or published)."""
    subject = make_entity(session, owner, f"subj-{session.scalar(select(func.count(Entity.id)))}")
    body = NoticeIn.model_validate(
        {
            "type": ntype,
            "subject_id": subject.id,
            "title": title,
            "summary": "Summary of the case.",
            "details": red_details(**details) if ntype == "red" else details,
            "visibility": visibility,
            "shared_with": list(shared),
        }
    )
    notice = notice_actions.do_create_notice(session, owner, body)
    if status in ("submitted", "published"):
        notice_actions.do_submit_notice(session, owner, notice)
    if status == "published" and notice.status != "published":
        assert reviewer is not None and reviewer.country != owner.country
        notice_actions.do_review_notice(session, reviewer, notice, "approve", [])
    session.commit()
    assert notice.status == status
    return notice


def counts(session: Session) -> tuple[int, int]:
    """Return the number of audit and outbox events."""
    session.flush()
    audit = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    outbox = session.scalar(select(func.count()).select_from(OutboxEvent)) or 0
    return audit, outbox
